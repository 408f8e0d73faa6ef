"""Builders for registry tests: nominations taken up the ladder to the
centre, and registry entries written directly."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from committees.models import Tier as CommitteeTier
from products.models import Product
from registry.models import RegistryEntry
from selection.models import Nomination, Round
from tests.accounts.factories import UserFactory
from tests.products.factories import ProductFactory
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

AWARDED_NAMES = ("กาแฟดอยช้างคั่วกลาง", "ผ้าฝ้ายทอมือ", "ร่มบ่อสร้าง")


def ranked_at_the_centre(names):
    """Nominations of one tambon, scored and ranked by the district, the
    province and the centre (best first, in the order named), every ranking
    approved; none awarded yet. The round forwards them all."""
    count = len(names)
    round_ = make_round(
        tambon_quota=count, amphoe_advance=count, province_advance=count
    )
    district = make_board(CommitteeTier.AMPHOE, "5001")
    province = make_board(CommitteeTier.PROVINCE, "50")
    central = make_board(CommitteeTier.CENTRAL)
    officer = make_officer("500101")
    nominations = [
        submitted_nomination(officer, round_, "500101", name) for name in names
    ]
    for board in (district, province, central):
        for i, nomination in enumerate(nominations):
            score_all(board, [nomination], {"A": 10 - i, "B": 9, "C": 9})
        rank_and_approve(board, round_)
    return nominations, central


PROVINCES = {  # code: (Thai, English, region)
    "50": ("เชียงใหม่", "Chiang Mai", "north"),
    "10": ("กรุงเทพมหานคร", "Bangkok", "central"),
    "90": ("สงขลา", "Songkhla", "south"),
}
_numbers = itertools.count(1)


def round_of(year: int) -> Round:
    day = dt.date(year, 12, 31)
    round_, _ = Round.objects.get_or_create(
        year=year,
        defaults={
            "title_th": f"การคัดสรร OTOP ปี {year + 543}",
            "status": Round.Status.CLOSED,
            "tambon_deadline": day,
            "amphoe_deadline": day,
            "province_deadline": day,
            "central_deadline": day,
        },
    )
    return round_


def make_entry(
    *,
    product: Product | None = None,
    year: int = 2025,
    stars: int = 5,
    province: str = "50",
    published_at: dt.datetime | None = None,
    revoked: bool = False,
    thumbnail: str = "",
) -> RegistryEntry:
    """A registry entry written directly (not through publishing), for tests
    that need many entries or several rounds of one product cheaply."""
    product = product or ProductFactory()
    tambon = product.producer.tambon
    province_th, province_en, region = PROVINCES[province]
    nomination = Nomination.objects.create(
        round=round_of(year),
        product=product,
        tier="central",
        state=Nomination.State.AWARDED,
        tambon_code=tambon.code,
        amphoe_code=tambon.amphoe_id,
        province_code=tambon.province_id,
        category=product.category,
        stars=stars,
        final_score=Decimal(90),
    )
    registrar = UserFactory(username="registrar", is_staff=True)
    now = timezone.now()
    return RegistryEntry.objects.create(
        number=f"OTOP-{year + 543}-{province}-{next(_numbers):06d}",
        nomination=nomination,
        product=product,
        round_year=year,
        name_th=product.name_th,
        name_en=product.name_en,
        type_code="FOOD",
        category_code=product.category.code,
        category_th=product.category.name_th,
        category_en=product.category.name_en,
        producer_name_th=product.producer.name_th,
        tambon_code=f"{province}0101",
        amphoe_code=f"{province}01",
        province_code=province,
        tambon_th="ตำบล",
        tambon_en="Tambon",
        amphoe_th="อำเภอ",
        amphoe_en="Amphoe",
        province_th=province_th,
        province_en=province_en,
        region_code=region,
        stars=stars,
        final_score=Decimal(90),
        thumbnail=thumbnail,
        published_at=published_at or now,
        published_by=registrar,
        revoked_at=now if revoked else None,
        revoked_by=registrar if revoked else None,
        revoke_reason="เอกสารไม่ถูกต้อง" if revoked else "",
    )
