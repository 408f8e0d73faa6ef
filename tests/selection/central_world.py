"""The centre at national scale for the page tests (issue #19 point 4): an OPC
round whose central tier holds many nominations, written in bulk (as
bench/ladder_setup.py does) so 2,000 of them take a second or two on SQLite.

Production promotion scores food and drinks, marketing promotion textiles;
the national committee scores the other types and ranks them all."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from committees.models import Committee, Kind, Role
from committees.models import Tier as CommitteeTier
from committees.services import committee_create, membership_grant
from communities.models import Producer, Tambon
from products.models import Category, Product
from selection.models import (
    Nomination,
    NominationEvent,
    Ranking,
    RankingEntry,
    Round,
    ScoreSheet,
)
from tests.accounts.factories import UserFactory, central_staff
from tests.selection.ladder import TODAY, Board, make_board, make_round

# Provinces the nominations come from, in turn: Chiang Mai, Chiang Rai, Khon
# Kaen, Songkhla.
PROVINCES = ("50", "57", "40", "90")
TYPES = ("FOOD", "DRINK", "TEXTILE", "HOUSEHOLD", "HERBAL")


@dataclass
class Centre:
    round: Round
    national: Board
    production: Committee  # food and drinks
    production_member: User
    marketing: Committee  # textiles
    marketing_member: User
    tambons: list[Tambon] = field(default_factory=list)
    count: int = 0

    def scorer_of(self, type_code: str) -> tuple[Committee, User]:
        if type_code in ("FOOD", "DRINK"):
            return self.production, self.production_member
        if type_code == "TEXTILE":
            return self.marketing, self.marketing_member
        return self.national.committee, self.national.chair


def _subcommittee(kind: str, *codes: str) -> tuple[Committee, User]:
    staff = central_staff()
    committee = committee_create(
        actor=staff,
        tier=CommitteeTier.CENTRAL,
        kind=kind,
        term_start=TODAY - dt.timedelta(days=30),
        product_types=Category.objects.filter(code__in=codes),
    )
    member = UserFactory(username=f"{kind}-member")
    membership_grant(actor=staff, user=member, committee=committee, role=Role.MEMBER)
    return committee, member


def build_centre() -> Centre:
    round_ = make_round(preset="opc")
    national = make_board(CommitteeTier.CENTRAL, members=1)
    production, production_member = _subcommittee(Kind.PRODUCTION, "FOOD", "DRINK")
    marketing, marketing_member = _subcommittee(Kind.MARKETING, "TEXTILE")
    tambons = [
        Tambon.objects.filter(province_id=code)
        .select_related("amphoe")
        .order_by("code")[i]
        for code in PROVINCES
        for i in (0, 7)
    ]
    return Centre(
        round=round_,
        national=national,
        production=production,
        production_member=production_member,
        marketing=marketing,
        marketing_member=marketing_member,
        tambons=tambons,
    )


def add_nominations(centre: Centre, count: int) -> list[Nomination]:
    """``count`` more nominations waiting at the centre, each with one
    submitted sheet from its type's scorer (totals spread over 40–99.5)."""
    staff = central_staff()
    types = {c.code: c for c in Category.objects.filter(code__in=TYPES)}
    leaves = {
        c.parent_id: c
        for c in Category.objects.filter(parent__in=types.values()).order_by("-code")
    }
    start = centre.count
    numbers = range(start, start + count)
    producers = Producer.objects.bulk_create(
        [
            Producer(
                kind="community",
                name_th=f"กลุ่มวิสาหกิจชุมชน ก{i:05d}",
                registration_number=f"CW{i:05d}",
                tambon=centre.tambons[i % len(centre.tambons)],
            )
            for i in numbers
        ],
        batch_size=1000,
    )
    kinds = [TYPES[i % len(TYPES)] for i in numbers]
    products = Product.objects.bulk_create(
        [
            Product(
                producer=producer,
                category=leaves[types[kind].pk],
                name_th=f"ผลิตภัณฑ์ {i:05d}",
                story="ภูมิปัญญาท้องถิ่น",
                price=100,
                unit="ชิ้น",
            )
            for i, producer, kind in zip(numbers, producers, kinds, strict=True)
        ],
        batch_size=1000,
    )
    nominations = Nomination.objects.bulk_create(
        [
            Nomination(
                round=centre.round,
                product=product,
                tier="central",
                state="pending",
                tambon_code=product.producer.tambon.code,
                amphoe_code=product.producer.tambon.amphoe_id,
                province_code=product.producer.tambon.province_id,
                category=types[kind],
                created_by=staff,
                submitted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
                + dt.timedelta(seconds=i),
                provincial_score=Decimal(70),
            )
            for i, product, kind in zip(numbers, products, kinds, strict=True)
        ],
        batch_size=1000,
    )
    sheets = []
    for i, nomination, kind in zip(numbers, nominations, kinds, strict=True):
        committee, member = centre.scorer_of(kind)
        total = Decimal(40) + Decimal(i * 7 % 120) / 2  # 40 … 99.5
        sheets.append(
            ScoreSheet(
                nomination=nomination,
                tier="central",
                committee=committee,
                member=member,
                status=ScoreSheet.Status.SUBMITTED,
                total=total,
                part_a=total * Decimal("0.4"),
                part_b=total * Decimal("0.3"),
                part_c=total * Decimal("0.3"),
                submitted_at=nomination.submitted_at,
            )
        )
    ScoreSheet.objects.bulk_create(sheets, batch_size=1000)
    centre.count += count
    return nominations


def approve_ranking(centre: Centre) -> Ranking:
    """The national committee's ranking, approved, with an entry for every
    nomination waiting at the centre (mean = its one sheet's total)."""
    ranking, _created = Ranking.objects.get_or_create(
        round=centre.round,
        committee=centre.national.committee,
        defaults={
            "tier": "central",
            "status": Ranking.Status.APPROVED,
            "finalized_by": centre.national.secretary,
            "approved_by": centre.national.chair,
        },
    )
    entered = ranking.entries.values("nomination_id")
    sheets = ScoreSheet.objects.filter(
        nomination__round=centre.round, tier="central"
    ).exclude(nomination__in=entered)
    offset = ranking.entries.count()
    RankingEntry.objects.bulk_create(
        [
            RankingEntry(
                ranking=ranking,
                nomination_id=sheet.nomination_id,
                position=offset + i,
                mean_total=sheet.total,
                mean_a=sheet.part_a,
                mean_b=sheet.part_b,
                mean_c=sheet.part_c,
                sheet_count=1,
                expected_sheets=1,
            )
            for i, sheet in enumerate(
                sheets.order_by("-total", "nomination_id"), start=1
            )
        ],
        batch_size=1000,
    )
    return ranking


def awarded_trail(round_: Round) -> list[tuple]:
    """What awarding left behind, comparable between two ways of awarding."""
    nominations = sorted(
        Nomination.objects.filter(round=round_, state="awarded").values_list(
            "pk", "stars", "final_score"
        )
    )
    events = sorted(
        NominationEvent.objects.filter(action="awarded").values_list(
            "nomination_id", "actor_id", "from_state", "to_state", "note"
        )
    )
    return [nominations, events]
