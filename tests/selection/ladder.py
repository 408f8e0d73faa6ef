"""Builders for ladder tests: a round with criteria, committees with members,
officers, complete products and nominations at any point of the ladder."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from committees.models import Committee, Role
from committees.models import Tier as CommitteeTier
from committees.services import committee_create, membership_grant
from communities.models import Amphoe, Province, Tambon
from communities.services import assignment_grant, producer_create
from products.models import Category, Standard
from products.services import certification_add, product_create, product_image_add
from selection.models import Criterion, Nomination, Part, Round, preset_steps
from selection.rounds import round_create, round_open
from selection.services import (
    forum_record,
    nomination_create,
    nomination_submit,
    ranking_approve,
    ranking_finalize,
    ranking_get,
    sheet_save,
)
from tests.accounts.factories import UserFactory, central_staff
from tests.clock import TODAY  # Bangkok's date at the suite's fixed clock
from tests.products.factories import png_upload

FAR = TODAY + dt.timedelta(days=365)

# Ten criteria per tier: part A 4 × 10, part B 3 × 10, part C 3 × 10 = 100.
CRITERIA = (
    [("A", f"A{i}") for i in range(1, 5)]
    + [("B", f"B{i}") for i in range(1, 4)]
    + [("C", f"C{i}") for i in range(1, 4)]
)


def make_round(
    *,
    preset: str = "ladder",
    steps: list[dict] | None = None,
    tambon_quota: int = 5,
    amphoe_advance: int = 2,
    province_advance: int = 2,
    province_threshold: int = 60,
    **overrides,
) -> Round:
    """An open round of ``preset`` (or of the plan ``steps``), with ten
    criteria of 10 points per scoring tier, of the parts each scores."""
    if steps is None:
        steps = preset_steps(
            preset,
            tambon_quota=tambon_quota,
            amphoe_advance=amphoe_advance,
            province_advance=province_advance,
            province_threshold=province_threshold,
        )
    fields = {
        "year": TODAY.year,
        "title_th": f"การคัดสรร OTOP ปี {TODAY.year + 543}",
        "tambon_deadline": FAR,
        "amphoe_deadline": FAR,
        "province_deadline": FAR,
        "central_deadline": FAR,
        **overrides,
    }
    round_ = round_create(actor=central_staff(), preset=preset, steps=steps, **fields)
    for step in round_.plan.steps:
        if not step.scores:
            continue
        tier = step.tier
        Criterion.objects.bulk_create(
            Criterion(
                round=round_,
                tier=tier,
                part=part,
                code=code,
                title_th=f"เกณฑ์ {code}",
                max_points=Decimal(10),
                order=i,
            )
            for i, (part, code) in enumerate(CRITERIA)
            if part in step.parts
        )
    return round_open(actor=central_staff(), round_=round_)


@dataclass
class Board:
    committee: Committee
    chair: User
    secretary: User
    members: list[User] = field(default_factory=list)
    observer: User | None = None

    @property
    def scorers(self) -> list[User]:
        return [self.chair, self.secretary, *self.members]


def make_board(tier: str, area: str = "", members: int = 2) -> Board:
    staff = central_staff()
    kwargs = {
        CommitteeTier.AMPHOE: {"amphoe": Amphoe.objects.filter(pk=area).first()},
        CommitteeTier.PROVINCE: {"province": Province.objects.filter(pk=area).first()},
        CommitteeTier.CENTRAL: {},
    }[tier]
    committee = committee_create(
        actor=staff, tier=tier, term_start=TODAY - dt.timedelta(days=30), **kwargs
    )
    tag = f"{tier}-{area or 'all'}"

    def appoint(role, name):
        user = UserFactory(username=f"{tag}-{name}")
        membership_grant(actor=staff, user=user, committee=committee, role=role)
        return user

    return Board(
        committee=committee,
        chair=appoint(Role.CHAIR, "chair"),
        secretary=appoint(Role.SECRETARY, "secretary"),
        members=[appoint(Role.MEMBER, f"member{i}") for i in range(members)],
        observer=appoint(Role.OBSERVER, "observer"),
    )


def make_officer(tambon_code: str) -> User:
    officer = UserFactory(username=f"officer-{tambon_code}")
    assignment_grant(
        actor=central_staff(), user=officer, tambon=Tambon.objects.get(pk=tambon_code)
    )
    return officer


def complete_product(officer: User, tambon_code: str, name: str, category="FOOD-SNACK"):
    tambon = Tambon.objects.get(pk=tambon_code)
    producer = producer_create(
        actor=officer, tambon=tambon, kind="community", name_th=f"กลุ่ม {name}"
    )
    product = product_create(
        actor=officer,
        producer=producer,
        category=Category.objects.get(code=category),
        name_th=name,
        story="สืบทอดภูมิปัญญาจากบรรพบุรุษ",
    )
    product_image_add(actor=officer, product=product, upload=png_upload())
    certification_add(
        actor=officer,
        product=product,
        standard=Standard.objects.get(code="TCPS"),
        number=f"มผช. {product.pk}/2568",
        expires_on=FAR,
    )
    return product


def record_forum(officer: User, round_: Round, tambon_code: str):
    return forum_record(
        actor=officer,
        round_=round_,
        tambon=Tambon.objects.get(pk=tambon_code),
        held_on=TODAY,
        attendee_count=42,
        resolution="ที่ประชุมมีมติเสนอผลิตภัณฑ์เด่นของตำบล",
    )


def submitted_nomination(officer, round_, tambon_code, name, **product_kwargs):
    product = complete_product(officer, tambon_code, name, **product_kwargs)
    if not round_.forums.filter(tambon_id=tambon_code).exists():
        record_forum(officer, round_, tambon_code)
    nomination = nomination_create(actor=officer, round_=round_, product=product)
    return nomination_submit(actor=officer, nomination=nomination)


def score(member: User, nomination: Nomination, per_part: dict[str, int], submit=True):
    """Give every criterion of a part the same points (0–10)."""
    nomination = Nomination.objects.get(pk=nomination.pk)  # its current tier
    criteria = Criterion.objects.filter(
        round=nomination.round_id, tier=nomination.tier, category__isnull=True
    )
    points = {c.pk: Decimal(per_part[c.part]) for c in criteria}
    return sheet_save(actor=member, nomination=nomination, points=points, submit=submit)


def score_all(board: Board, nominations, per_part: dict[str, int]):
    for nomination in nominations:
        for member in board.scorers:
            score(member, nomination, per_part)


def rank_and_approve(board: Board, round_: Round):
    ranking = ranking_get(committee=board.committee, round_=round_)
    ranking = ranking_finalize(actor=board.secretary, ranking=ranking)
    return ranking_approve(actor=board.chair, ranking=ranking)


def part_points(total_per_part: tuple[int, int, int]) -> dict[str, int]:
    a, b, c = total_per_part
    return {Part.A: a, Part.B: b, Part.C: c}
