"""What the score sheets add up to: a sheet's criteria, the members who
score, and the committee's queue ranked by the means of their sheets."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from committees.models import Committee, Membership
from committees.selectors import central_routing, conflicts_of
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


@dataclass(frozen=True)
class NominationKey:
    """What ranking a nomination reads of it: ranked_keys carries this in
    ``RankedRow.nomination`` instead of the whole nomination."""

    pk: int
    category_id: int | None
    producer_id: int
    submitted_at: datetime | None


def ranking_rows(committee: Committee, round_: Round) -> list[RankedRow]:
    """The committee's queue ranked as DESIGN.md §3 says: by the mean over the
    submitted sheets of members without a conflict; ties by part C, then part
    B, then the earlier submission. At the centre each nomination's sheets and
    expected count come from the committee that scores its product type."""
    rows = ranked_keys(committee, round_)
    with_nominations(rows)
    return rows


def with_nominations(rows: list[RankedRow]) -> list[RankedRow]:
    """Put the nominations (with product, producer and type) into rows of
    ranked_keys, in one query: a page's rows, say, not the whole ranking."""
    nominations = {
        n.pk: n
        for n in Nomination.objects.select_related(
            "product__producer", "category"
        ).filter(pk__in=[row.nomination.pk for row in rows])
    }
    for row in rows:
        row.nomination = nominations[row.nomination.pk]
    return rows


def ranked_keys(committee: Committee, round_: Round) -> list[RankedRow]:
    """ranking_rows with a NominationKey for each nomination: the ranking of
    a national queue (16,000) reads ids and numbers only (a few queries, no
    model instances), so a page or a finalize need not load every nomination."""
    queue = ranking_queue_for(committee, round_)
    nominations = [
        NominationKey(*row)
        for row in queue.values_list(
            "pk", "category_id", "product__producer_id", "submitted_at"
        )
    ]
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
    conflicted = conflicts_of(members)
    sheets = defaultdict(list)
    for nomination_id, member_id, *points in ScoreSheet.objects.filter(
        nomination__in=queue.values("pk"),
        tier=committee.tier,
        status=ScoreSheet.Status.SUBMITTED,
    ).values_list("nomination_id", "member_id", "total", "part_a", "part_b", "part_c"):
        sheets[nomination_id].append((member_id, points))
    rows = []
    for nomination in nominations:
        producer = nomination.producer_id
        scorers = scorers_of[nomination.pk]
        panel = panel_ids[scorers]
        counted = [
            points
            for member_id, points in sheets[nomination.pk]
            if member_id in panel and producer not in conflicted[member_id]
        ]
        expected = sum(1 for m in panel if producer not in conflicted[m])
        n = len(counted) or 1
        means = [_q(sum((p[i] for p in counted), Decimal(0)) / n) for i in range(4)]
        rows.append(RankedRow(nomination, *means, len(counted), expected))
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
