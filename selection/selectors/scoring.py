"""What the score sheets add up to: a sheet's criteria, the members who
score, and the committee's queue ranked by the means of their sheets."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from committees.models import Committee, Membership
from committees.selectors import central_routing, conflicts_for
from core.tiers import NATIONAL_TIERS
from products.models import Category
from selection.models import Criterion, Nomination, Round, ScoreSheet
from selection.selectors.queues import ranking_queue_for

TWO_PLACES = Decimal("0.01")


def criteria_for(round_: Round, tier: str, category: Category | None) -> list:
    """A product type's own criteria at this tier, else the general ones (one
    query)."""
    category_id = getattr(category, "pk", category)
    rows = list(
        Criterion.objects.filter(round=round_, tier=tier).filter(
            Q(category__isnull=True) | Q(category_id=category_id)
        )
    )
    own = [
        c for c in rows if c.category_id is not None and c.category_id == category_id
    ]
    return own or [c for c in rows if c.category_id is None]


# Ranked rows -------------------------------------------------------------------------


@dataclass
class RankedRow:
    nomination: Nomination
    mean_total: Decimal
    mean_a: Decimal
    mean_b: Decimal
    mean_c: Decimal
    sheet_count: int
    expected: int


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def scoring_members(committee: Committee) -> list[User]:
    """Current members who score (chair, secretary, members; not observers)."""
    return list(
        User.objects.filter(
            Exists(
                Membership.objects.current().filter(
                    user=OuterRef("pk"), committee=committee
                )
            ),
            committeeuserobjectpermission__content_object=committee,
            committeeuserobjectpermission__permission__codename="score_in",
        )
    )


def ranking_rows(committee: Committee, round_: Round) -> list[RankedRow]:
    """The committee's queue ranked as DESIGN.md §3 says: by the mean over the
    submitted sheets of members without a conflict; ties by part C, then part
    B, then the earlier submission. At the centre each nomination's sheets and
    expected count come from the committee that scores its product type."""
    nominations = list(
        ranking_queue_for(committee, round_).select_related(
            "product__producer", "category"
        )
    )
    if not round_.plan.scores(committee.tier):
        # A tier that only checks: no sheets to count, in submission order.
        zero = Decimal("0.00")
        rows = [RankedRow(n, zero, zero, zero, zero, 0, 0) for n in nominations]
        rows.sort(key=ranking_key)
        return rows
    routing = {}
    if committee.tier in NATIONAL_TIERS and not committee.is_subcommittee:
        routing = central_routing()
    scorers_of = {n.pk: routing.get(n.category_id, committee).pk for n in nominations}
    panels = {committee.pk: scoring_members(committee)}
    for sub in {
        routing[n.category_id] for n in nominations if n.category_id in routing
    }:
        panels[sub.pk] = scoring_members(sub)
    panel_ids = {pk: {m.pk for m in panel} for pk, panel in panels.items()}
    members = list({m.pk: m for panel in panels.values() for m in panel}.values())
    conflicted = {
        member.pk: set(
            conflicts_for(member)
            .filter(pk__in=[n.product.producer_id for n in nominations])
            .values_list("pk", flat=True)
        )
        for member in members
    }
    sheets = defaultdict(list)
    for sheet in ScoreSheet.objects.filter(
        nomination__in=[n.pk for n in nominations],
        tier=committee.tier,
        status=ScoreSheet.Status.SUBMITTED,
    ).only("nomination_id", "member_id", "total", "part_a", "part_b", "part_c"):
        sheets[sheet.nomination_id].append(sheet)
    rows = []
    for nomination in nominations:
        producer = nomination.product.producer_id
        scorers = scorers_of[nomination.pk]
        counted = [
            s
            for s in sheets[nomination.pk]
            if producer not in conflicted.get(s.member_id, set())
            and s.member_id in panel_ids[scorers]
        ]
        expected = sum(1 for m in panels[scorers] if producer not in conflicted[m.pk])
        mean_total, mean_a, mean_b, mean_c = mean_scores(counted)
        rows.append(
            RankedRow(
                nomination=nomination,
                mean_total=mean_total,
                mean_a=mean_a,
                mean_b=mean_b,
                mean_c=mean_c,
                sheet_count=len(counted),
                expected=expected,
            )
        )
    rows.sort(key=ranking_key)
    return rows


def mean_scores(sheets) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Mean total and parts A, B and C of the counted sheets, to two places
    (zeros without sheets); the sheets' order does not matter."""
    n = len(sheets) or 1
    return tuple(
        _q(sum((getattr(s, part) for s in sheets), Decimal(0)) / n)
        for part in ("total", "part_a", "part_b", "part_c")
    )


def ranking_key(row: RankedRow) -> tuple:
    """DESIGN.md §3: the higher mean total first; ties by part C, then part B,
    then the earlier submission (then the older nomination, so the order is
    total)."""
    nomination = row.nomination
    return (
        -row.mean_total,
        -row.mean_c,
        -row.mean_b,
        nomination.submitted_at or timezone.now(),
        nomination.pk,
    )
