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
"""

import datetime as dt
from dataclasses import dataclass, field
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
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from committees.models import Committee, Kind
from committees.permissions import committees_for, limit_to_committee_areas
from communities.models import Amphoe, Province, Region
from core import tiers
from products.models import Category
from selection.models import (
    COMMITTEE_TIERS,
    Nomination,
    Ranking,
    RankingEntry,
    Round,
    Tier,
)
from selection.selectors import is_central_staff

State = Nomination.State
TIER_RANK = tiers.ORDER
STAR_VALUES = (1, 2, 3, 4, 5)
SCORE_BINS = 10  # 0–9.99, 10–19.99, …, 80–89.99, 90–100


# Tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A column of a table: a bar segment or a bar colour in its chart."""

    key: str
    label: str
    css: str = ""


@dataclass
class Row:
    key: str
    label: str
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Table:
    name: str
    key_label: str
    series: list[Series]
    rows: list[Row] = field(default_factory=list)

    @property
    def totals(self) -> list[int]:
        return [
            sum(row.values[i] for row in self.rows) for i in range(len(self.series))
        ]

    @property
    def total(self) -> int:
        return sum(self.totals)


# Scope -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose numbers a reader sees: the whole country for central staff and
    the central committee, else the areas of their district and provincial
    committees (a provincial committee sees every district of its province)."""

    user: User
    national: bool
    province_codes: frozenset[str] = frozenset()
    amphoe_codes: frozenset[str] = frozenset()

    def nominations(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """Narrow a queryset of nominations (or of rows reaching them
        through ``prefix``) to the reader's areas, inside the same query."""
        if self.national:
            return queryset
        return limit_to_committee_areas(
            queryset, self.user, area_fields=tiers.nomination_areas(prefix)
        )

    def committees(self, queryset: QuerySet[Committee]) -> QuerySet[Committee]:
        if self.national:
            return queryset
        return queryset.filter(
            Q(amphoe_id__in=self.amphoe_codes)
            | Q(amphoe__province_id__in=self.province_codes)
            | Q(province_id__in=self.province_codes)
        )


def dashboard_scope(user: User) -> Scope | None:
    """The reader's scope, or None for a user who may not see the dashboard
    (one query for committee members; none for superusers)."""
    if not (user.is_authenticated and user.is_active):
        return None
    if is_central_staff(user):
        return Scope(user=user, national=True)
    areas = list(
        committees_for(user, "view_committee")
        .order_by()
        .values_list("tier", "amphoe_id", "province_id")
    )
    if not areas:
        return None
    if any(tier in tiers.NATIONAL_TIERS for tier, _a, _p in areas):
        return Scope(user=user, national=True)
    return Scope(
        user=user,
        national=False,
        province_codes=frozenset(p for _t, _a, p in areas if p),
        amphoe_codes=frozenset(a for _t, a, _p in areas if a),
    )


@dataclass
class Areas:
    """Names of the areas in scope: provinces (national) or districts (a
    provincial or district committee), and the regions they lie in."""

    level: str  # "province" or "amphoe"
    names: dict[str, str]
    regions: dict[str, str]  # region code → name, in the regions' order
    region_of: dict[str, str]  # province code → region code
    in_scope: int  # how many provinces or districts the scope covers
    scope_names: list[str]  # the committees' areas, for the page's heading


def scope_areas(scope: Scope) -> Areas:
    """One query: every province with its region (national), or the
    districts in scope with their provinces and regions."""
    if scope.national:
        provinces = list(Province.objects.select_related("region").order_by("code"))
        regions = sorted({p.region for p in provinces}, key=lambda r: (r.order, r.code))
        return Areas(
            level="province",
            names={p.code: p.name for p in provinces},
            regions={r.code: r.name for r in regions},
            region_of={p.code: p.region_id for p in provinces},
            in_scope=len(provinces),
            scope_names=[],
        )
    amphoes = list(
        Amphoe.objects.filter(
            Q(code__in=scope.amphoe_codes) | Q(province_id__in=scope.province_codes)
        )
        .select_related("province__region")
        .order_by("code")
    )
    regions: list[Region] = sorted(
        {a.province.region for a in amphoes}, key=lambda r: (r.order, r.code)
    )
    provinces = {a.province_id: a.province for a in amphoes}
    return Areas(
        level="amphoe",
        names={a.code: a.name for a in amphoes},
        regions={r.code: r.name for r in regions},
        region_of={code: p.region_id for code, p in provinces.items()},
        in_scope=len(amphoes),
        scope_names=[
            _("%(name)s Province") % {"name": provinces[code].name}
            for code in sorted(scope.province_codes)
            if code in provinces
        ]
        + [
            _("%(name)s District") % {"name": a.name}
            for a in amphoes
            if a.code in scope.amphoe_codes
            and a.province_id not in scope.province_codes
        ],
    )


# Rounds ------------------------------------------------------------------------


def default_round(rounds: list[Round]) -> Round | None:
    """The latest open round, else the latest round."""
    open_rounds = [r for r in rounds if r.status == Round.Status.OPEN]
    ordered = sorted(open_rounds or rounds, key=lambda r: r.year, reverse=True)
    return ordered[0] if ordered else None


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
    counts: dict[str, dict[str, dict[str, int]]] = {t: {} for t in COMMITTEE_TIERS}
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
        for tier in COMMITTEE_TIERS:
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
    for tier in COMMITTEE_TIERS:
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
    submitted = tables[COMMITTEE_TIERS[0]].total  # reached the first committees
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
    groups = (
        scope.nominations(
            RankingEntry.objects.filter(
                ranking__round=round_,
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
    series = [Series(t.value, str(t.label), f"bar-{t.value}") for t in COMMITTEE_TIERS]
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
        t: {"n": 0, "sum": Decimal(0), "low": None, "high": None}
        for t in COMMITTEE_TIERS
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
        for tier in COMMITTEE_TIERS
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
    passed = [t for t in COMMITTEE_TIERS if today > round_.deadline_for(t)]
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
        for tier in COMMITTEE_TIERS
    ]
