"""Reads for the round dashboard (issue #8): progress per tier and area, score
distributions, stars per region and product type, and late committees.

Each figure is one aggregate query (``values().annotate(Count)``) scoped to
the reader's areas, so the page costs the same number of queries for one
district or for the whole country. The figures come back as ``Table``s: the
page draws its charts and tables from them and the downloads write them, so
all three always show the same numbers.

Definitions (also explained on the page):

* A nomination's status at a committee tier, for the tiers it has reached:
  ``pending`` waiting for the committee (being scored, ranking not yet
  finalized); ``ranked`` in the committee's finalized ranking, waiting for the
  chair's approval (at the centre: approved, waiting for the award);
  ``forwarded`` the committee sent it to the next tier (wherever it is now);
  ``not_selected`` ranked below the quota; ``returned`` sent back to the
  tambon for revision, or withdrawn by the officer; ``awarded`` (central tier
  only) stars awarded. A nomination returned to the tambon counts at the tier
  that returned it.
* A score at a tier is the committee's mean total (``RankingEntry.mean_total``)
  frozen when it finalized its ranking; nominations whose ranking is still
  open have no score yet.
* Stars are those of the round's awarded nominations (not registry entries:
  awards count before central staff publish them, and selection never reads
  the registry, DESIGN.md §2).
* A committee is late when its tier's deadline has passed, nominations still
  wait in its queue, and its ranking for the round is not approved.

``dashboard_scope`` holds the reader's scope and areas, ``dashboard_tables``
the tables every figure is returned as.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Kind
from core import tiers
from products.models import Category
from reports.dashboard_scope import Areas, Scope
from reports.dashboard_tables import Row, Series, Table
from selection.models import (
    COMMITTEE_TIERS,
    Nomination,
    Ranking,
    RankingEntry,
    Round,
    Tier,
)

State = Nomination.State
TIER_RANK = tiers.ORDER
STAR_VALUES = (1, 2, 3, 4, 5)
SCORE_BINS = 10  # 0–9.99, 10–19.99, …, 80–89.99, 90–100


# 1. Progress -------------------------------------------------------------------

PENDING, RANKED, FORWARDED, AWARDED, NOT_SELECTED, RETURNED = (
    "pending",
    "ranked",
    "forwarded",
    "awarded",
    "not_selected",
    "returned",
)
GROUP_LABELS = {
    PENDING: _("Waiting / in scoring"),
    RANKED: _("Ranked, awaiting decision"),
    FORWARDED: _("Forwarded"),
    AWARDED: _("Awarded"),
    NOT_SELECTED: _("Not selected"),
    RETURNED: _("Returned or withdrawn"),
}
# A tier that forwards to the next also returns and leaves some out; the top
# tier awards.
TIER_GROUPS = {
    tier: (
        (PENDING, RANKED, FORWARDED, NOT_SELECTED, RETURNED)
        if tier in tiers.NEXT_TIER
        else (PENDING, RANKED, AWARDED)
    )
    for tier in COMMITTEE_TIERS
}


def status_at(
    tier: str, *, current_tier: str, state: str, returned_from: str, ranked: bool
) -> str | None:
    """The group a nomination falls in at ``tier`` (None if it never reached
    it). A nomination back at the tambon counts at the tier that returned it."""
    reached = (
        returned_from if current_tier == Tier.TAMBON and returned_from else current_tier
    )
    if TIER_RANK[reached] < TIER_RANK[tier]:
        return None
    if TIER_RANK[reached] > TIER_RANK[tier]:
        return FORWARDED
    return {
        State.PENDING: RANKED if ranked else PENDING,
        State.NOT_SELECTED: NOT_SELECTED,
        State.AWARDED: AWARDED,
        State.RETURNED: RETURNED,
        State.WITHDRAWN: RETURNED,
    }.get(state)


@dataclass
class Progress:
    tables: dict[str, Table]  # by committee tier
    total: int  # nominations in the round (drafts included)
    drafts: int  # not yet submitted by the tambon
    submitted: int  # reached the district committees
    awarded: int
    areas_with_nominations: int


def round_progress(*, scope: Scope, round_: Round, areas: Areas) -> Progress:
    """Nominations per area and status at each committee tier, from one
    grouped query over (area, tier, state, returned from, ranked)."""
    area_field = f"{areas.level}_code"
    ranked = RankingEntry.objects.filter(
        nomination=OuterRef("pk"),
        ranking__tier=OuterRef("tier"),
        ranking__status__in=[Ranking.Status.FINALIZED, Ranking.Status.APPROVED],
    )
    groups = (
        scope.nominations(Nomination.objects.filter(round=round_))
        .annotate(ranked=Exists(ranked))
        .values(area_field, "tier", "state", "returned_from", "ranked")
        .annotate(n=Count("pk"))
        .order_by()
    )
    plan_tiers = [t for t in COMMITTEE_TIERS if round_.plan.takes_part(t)]
    counts: dict[str, dict[str, dict[str, int]]] = {t: {} for t in plan_tiers}
    total = drafts = awarded = 0
    seen_areas = set()
    for group in groups:
        n = group["n"]
        total += n
        seen_areas.add(group[area_field])
        if group["tier"] == Tier.TAMBON and group["state"] == State.DRAFT:
            drafts += n
        if group["state"] == State.AWARDED:
            awarded += n
        for tier in plan_tiers:
            status = status_at(
                tier,
                current_tier=group["tier"],
                state=group["state"],
                returned_from=group["returned_from"],
                ranked=group["ranked"],
            )
            if status is not None:
                by_area = counts[tier].setdefault(group[area_field], {})
                by_area[status] = by_area.get(status, 0) + n
    tables = {}
    for tier in plan_tiers:
        series = [
            Series(key, str(GROUP_LABELS[key]), f"seg-{key}")
            for key in TIER_GROUPS[tier]
        ]
        table = Table(
            name=f"progress-{tier}", key_label=_area_label(areas), series=series
        )
        for code in sorted(counts[tier], key=lambda c: (c not in areas.names, c)):
            by_status = counts[tier][code]
            table.rows.append(
                Row(
                    key=code,
                    label=areas.names.get(code, code),
                    values=[by_status.get(s.key, 0) for s in series],
                )
            )
        tables[tier] = table
    submitted = tables[plan_tiers[0]].total  # reached the first committees
    return Progress(
        tables=tables,
        total=total,
        drafts=drafts,
        submitted=submitted,
        awarded=awarded,
        areas_with_nominations=len(seen_areas),
    )


def _area_label(areas: Areas) -> str:
    return str(_("Province") if areas.level == "province" else _("District"))


# 2. Scores ---------------------------------------------------------------------


@dataclass
class TierScores:
    tier: str
    label: str
    count: int
    mean: Decimal | None
    low: Decimal | None
    high: Decimal | None


def bin_label(index: int) -> str:
    low = index * 10
    return "90–100" if index == SCORE_BINS - 1 else f"{low}–{low + 9}.99"


def score_distribution(
    *, scope: Scope, round_: Round
) -> tuple[Table, list[TierScores]]:
    """Rows are 10-point bins, columns the committee tiers: how many ranked
    nominations scored in each bin at each tier (one grouped query, which
    also gives each tier's count, mean, lowest and highest score)."""
    score_bin = Case(
        *[
            When(mean_total__lt=(i + 1) * 10, then=Value(i))
            for i in range(SCORE_BINS - 1)
        ],
        default=Value(SCORE_BINS - 1),
        output_field=IntegerField(),
    )
    scored = [t for t in COMMITTEE_TIERS if round_.plan.scores(t)]
    groups = (
        scope.nominations(
            RankingEntry.objects.filter(
                ranking__round=round_,
                ranking__tier__in=scored,
                ranking__status__in=[
                    Ranking.Status.FINALIZED,
                    Ranking.Status.APPROVED,
                ],
            ),
            prefix="nomination__",
        )
        .annotate(score_bin=score_bin)
        .values("ranking__tier", "score_bin")
        .annotate(
            n=Count("pk"),
            total=Sum("mean_total"),
            low=Min("mean_total"),
            high=Max("mean_total"),
        )
        .order_by()
    )
    series = [Series(t.value, str(t.label), f"bar-{t.value}") for t in scored]
    table = Table(
        name="scores",
        key_label=str(_("Score")),
        series=series,
        rows=[
            Row(key=str(i * 10), label=bin_label(i), values=[0] * len(series))
            for i in range(SCORE_BINS)
        ],
    )
    stats: dict[str, dict] = {
        t: {"n": 0, "sum": Decimal(0), "low": None, "high": None} for t in scored
    }
    column = {s.key: i for i, s in enumerate(series)}
    for group in groups:
        tier = group["ranking__tier"]
        table.rows[group["score_bin"]].values[column[tier]] += group["n"]
        tier_stats = stats[tier]
        tier_stats["n"] += group["n"]
        tier_stats["sum"] += Decimal(group["total"] or 0)
        for key, pick in (("low", min), ("high", max)):
            value = Decimal(group[key])
            tier_stats[key] = (
                value if tier_stats[key] is None else pick(tier_stats[key], value)
            )
    summaries = [
        TierScores(
            tier=tier.value,
            label=str(tier.label),
            count=stats[tier]["n"],
            mean=(stats[tier]["sum"] / stats[tier]["n"]).quantize(Decimal("0.01"))
            if stats[tier]["n"]
            else None,
            low=stats[tier]["low"],
            high=stats[tier]["high"],
        )
        for tier in scored
    ]
    return table, summaries


# 3. Stars ----------------------------------------------------------------------


def _star_series() -> list[Series]:
    return [
        Series(str(n), _stars_label(n), f"seg-star{n}") for n in reversed(STAR_VALUES)
    ]


def _stars_label(n: int) -> str:
    return f"{'★' * n} ({n})"


def stars_by_region_and_type(
    *, scope: Scope, round_: Round, areas: Areas, types: list[Category]
) -> tuple[Table, Table]:
    """Awarded nominations of the round by stars, per region and per product
    type, from one query grouped by (province, type, stars)."""
    groups = (
        scope.nominations(
            Nomination.objects.filter(
                round=round_, state=State.AWARDED, stars__isnull=False
            )
        )
        .values("province_code", "category_id", "stars")
        .annotate(n=Count("pk"))
        .order_by()
    )
    series = _star_series()
    column = {int(s.key): i for i, s in enumerate(series)}
    by_region = Table(
        name="stars-region",
        key_label=str(_("Region")),
        series=series,
        rows=[
            Row(key=code, label=name, values=[0] * len(series))
            for code, name in areas.regions.items()
        ],
    )
    by_type = Table(
        name="stars-type",
        key_label=str(_("Product type")),
        series=series,
        rows=[Row(key=t.code, label=str(t), values=[0] * len(series)) for t in types],
    )
    region_rows = {row.key: row for row in by_region.rows}
    type_rows = {t.pk: row for t, row in zip(types, by_type.rows, strict=True)}
    for group in groups:
        index = column[group["stars"]]
        region = areas.region_of.get(group["province_code"], "")
        if region not in region_rows:  # a province outside the loaded names
            region_rows[region] = Row(
                key=region, label=region or "—", values=[0] * len(series)
            )
            by_region.rows.append(region_rows[region])
        region_rows[region].values[index] += group["n"]
        if group["category_id"] not in type_rows:
            type_rows[group["category_id"]] = Row(
                key=str(group["category_id"]),
                label=str(group["category_id"]),
                values=[0] * len(series),
            )
            by_type.rows.append(type_rows[group["category_id"]])
        type_rows[group["category_id"]].values[index] += group["n"]
    return by_region, by_type


def product_types() -> list[Category]:
    """The product types (top-level categories) nominations are counted by."""
    return list(Category.objects.filter(parent__isnull=True).order_by("order", "code"))


# 4. Late committees ------------------------------------------------------------


@dataclass
class LateCommittee:
    committee: Committee
    tier: str
    tier_label: str
    deadline: dt.date
    days_late: int
    ranking_status: str  # "" (not ranked yet), "open" or "finalized"
    ranking_label: str
    pending: int


RANKING_LABELS = {
    "": _("Not finalized"),
    Ranking.Status.OPEN: _("Not finalized"),
    Ranking.Status.FINALIZED: _("Finalized, not approved"),
}


def _in_committee_area() -> Q:
    """Nominations in the area of the committee ``OuterRef`` names (every
    nomination for a national committee)."""
    area = Q(tier__in=tiers.NATIONAL_TIERS)
    for tier, code_field in tiers.nomination_areas().items():
        area |= Q(**{code_field: OuterRef(tiers.BY_CODE[tier].committee_area)})
    return area


def late_committees(
    *, scope: Scope, round_: Round, today: dt.date
) -> list[LateCommittee]:
    """Active committees past their tier's deadline with nominations still
    waiting and no approved ranking; most overdue first (one query)."""
    passed = [t for t in round_.plan.committee_tiers if today > round_.deadline_for(t)]
    waiting = (
        Nomination.objects.filter(
            round=round_, tier=OuterRef("tier"), state=State.PENDING
        )
        .filter(_in_committee_area())
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")
    )
    status = Ranking.objects.filter(round=round_, committee=OuterRef("pk")).values(
        "status"
    )[:1]
    committees = (
        scope.committees(  # subcommittees score; the national committee ranks
            Committee.objects.filter(is_active=True, tier__in=passed, kind=Kind.MAIN)
        )
        .annotate(
            pending=Coalesce(Subquery(waiting, output_field=IntegerField()), 0),
            ranking_status=Subquery(status),
        )
        .filter(pending__gt=0)
        .filter(
            Q(ranking_status__isnull=True)
            | Q(ranking_status__in=[Ranking.Status.OPEN, Ranking.Status.FINALIZED])
        )
        .select_related("amphoe", "province")
    )
    tier_labels = dict(Tier.choices)
    late = [
        LateCommittee(
            committee=committee,
            tier=committee.tier,
            tier_label=str(tier_labels[committee.tier]),
            deadline=round_.deadline_for(committee.tier),
            days_late=(today - round_.deadline_for(committee.tier)).days,
            ranking_status=committee.ranking_status or "",
            ranking_label=str(RANKING_LABELS[committee.ranking_status or ""]),
            pending=committee.pending,
        )
        for committee in committees
    ]
    late.sort(key=lambda c: (-c.days_late, c.committee.area_code, c.committee.pk))
    return late


@dataclass
class Deadline:
    tier: str
    label: str
    date: dt.date
    passed: bool
    days: int  # days late (passed) or days left


def tier_deadlines(round_: Round, today: dt.date) -> list[Deadline]:
    labels = dict(Tier.choices)
    return [
        Deadline(
            tier=tier,
            label=str(labels[tier]),
            date=round_.deadline_for(tier),
            passed=today > round_.deadline_for(tier),
            days=abs((today - round_.deadline_for(tier)).days),
        )
        for tier in round_.plan.committee_tiers
    ]
