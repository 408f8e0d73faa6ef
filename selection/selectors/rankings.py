"""Rankings as the pages and the exports show them: the ones a user may see,
the ones nobody has moved yet (unsaved), and a ranking as rows for a table or
a file."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from committees.models import Committee, Kind
from committees.permissions import committees_for
from communities.models import Tambon
from selection.models import (
    Advance,
    Nomination,
    NominationEvent,
    Ranking,
    RankingEntry,
    Round,
    StarBand,
)
from selection.selectors.queues import is_central_staff
from selection.selectors.scoring import ranked_keys, ranking_rows, with_nominations


def rankings_visible_to(user: User) -> QuerySet[Ranking]:
    queryset = Ranking.objects.select_related("round", "committee")
    if is_central_staff(user):
        return queryset
    return queryset.filter(committee__in=committees_for(user, "view_committee"))


# A committee's ranking in a round is stored by the first move on it
# (services._lock_ranking); until then the pages show it unsaved and open.


def _unsaved_ranking(committee: Committee, round_: Round) -> Ranking:
    return Ranking(round=round_, committee=committee, tier=committee.tier)


def ranking_of(*, user: User, round_id: int, committee_id: int) -> Ranking | None:
    """The ranking of a committee in an open round if ``user`` may see it (as
    rankings_visible_to): the stored one, or an unsaved open one while nobody
    has moved it; ``None`` otherwise."""
    committees = (
        Committee.objects.filter(is_active=True)
        if is_central_staff(user)
        else committees_for(user, "view_committee")
    )
    # Subcommittees score but do not rank: the national committee ranks.
    committee = (
        committees.filter(pk=committee_id, kind=Kind.MAIN)
        .select_related("amphoe", "province")
        .first()
    )
    round_ = Round.objects.filter(pk=round_id, status=Round.Status.OPEN).first()
    if committee is None or round_ is None:
        return None
    stored = Ranking.objects.filter(round=round_, committee=committee).first()
    return stored or _unsaved_ranking(committee, round_)


def rankings_not_started(user: User) -> list[Ranking]:
    """The ranking of each of the user's committees in each open round that
    nobody has moved yet, unsaved: the rankings list shows them beside the
    stored ones (three queries)."""
    rounds = list(Round.objects.filter(status=Round.Status.OPEN).order_by("-year"))
    committees = list(
        committees_for(user, "view_committee")
        .filter(kind=Kind.MAIN)
        .select_related("amphoe", "province")
        .order_by("pk")
    )
    if not rounds or not committees:
        return []
    stored = set(
        Ranking.objects.filter(round__in=rounds, committee__in=committees).values_list(
            "round_id", "committee_id"
        )
    )
    return [
        _unsaved_ranking(committee, round_)
        for round_ in rounds
        for committee in committees
        if (round_.pk, committee.pk) not in stored
    ]


# Ranking tables ----------------------------------------------------------------------


@dataclass
class RankingLine:
    position: int
    nomination: Nomination
    product: str
    producer: str
    tambon: str
    amphoe: str
    category: str
    mean_total: Decimal
    mean_a: Decimal
    mean_b: Decimal
    mean_c: Decimal
    sheet_count: int
    expected: int | None
    decision: str
    moved: bool
    justification: str
    entry: RankingEntry | None = None
    within_quota: bool = False
    quota_line_after: bool = False


def _type_quotas(ranking: Ranking) -> dict[int, int]:
    return {
        q.category_id: q.advance
        for q in ranking.round.type_quotas.filter(tier=ranking.tier)
    }


def ranking_quota(ranking: Ranking) -> tuple[int | None, list]:
    """For the page: N overall and the per-type quotas as (category, N), when
    the plan forwards this tier's top N (none otherwise)."""
    step = ranking.round.plan.step(ranking.tier)
    if not _forwards(ranking) or step.advance != Advance.QUOTA:
        return None, []
    return step.quota, list(
        ranking.round.type_quotas.filter(tier=ranking.tier)
        .select_related("category")
        .order_by("category__order", "category__code")
    )


def ranking_lines(ranking: Ranking) -> list[RankingLine]:
    """The ranking in rank order: live from the sheets while it is open, from
    its stored entries once finalized."""
    if ranking.status == Ranking.Status.OPEN:
        rows = [
            (position, row, None)
            for position, row in enumerate(
                ranking_rows(ranking.committee, ranking.round), start=1
            )
        ]
    else:
        rows = [(entry.position, entry, entry) for entry in _entries(ranking)]
    return _lines(ranking, rows, *_marks(ranking, [row for _p, row, _e in rows]))


# Lines per page of the ranking page (a national round ranks ~16,000).
RANKING_PAGE = 100


def ranking_page(ranking: Ranking, number) -> tuple[Page, list[RankingLine]]:
    """One page of ranking_lines: a stored ranking reads only the page's
    entries (and, where the tier forwards, the means that draw the quota
    marks); an open one is ranked live and cut. The same queries for any
    length."""
    if ranking.status == Ranking.Status.OPEN:
        # Ranked from ids and numbers; only the page's nominations are loaded.
        rows = ranked_keys(ranking.committee, ranking.round)
        marks, quota_line = _marks(ranking, rows)
        page = Paginator(rows, RANKING_PAGE).get_page(number)
        start = page.start_index() - 1 if rows else 0
        shown = with_nominations(list(page.object_list))
        marks = marks[start : start + len(shown)]
        lines = [(position, row, None) for position, row in enumerate(shown, start + 1)]
        return page, _lines(ranking, lines, marks, quota_line)
    page = Paginator(_entries(ranking), RANKING_PAGE).get_page(number)
    rows = [(entry.position, entry, entry) for entry in page.object_list]
    marks, quota_line = [], None
    if _forwards(ranking):
        light = [
            SimpleNamespace(
                nomination=SimpleNamespace(category_id=category), mean_total=mean
            )
            for category, mean in ranking.entries.order_by("position").values_list(
                "nomination__category_id", "mean_total"
            )
        ]
        marks, quota_line = _marks(ranking, light)
        marks = marks[page.start_index() - 1 : page.end_index()]
    return page, _lines(ranking, rows, marks, quota_line)


def _entries(ranking: Ranking) -> QuerySet[RankingEntry]:
    return ranking.entries.select_related(
        "nomination__product__producer", "nomination__category"
    ).order_by("position")


def _forwards(ranking: Ranking) -> bool:
    plan = ranking.round.plan
    step, following = plan.step(ranking.tier), plan.next_tier(ranking.tier)
    return step is not None and following is not None


def _marks(ranking: Ranking, rows) -> tuple[list[bool], int | None]:
    """Which rows (all of the ranking, in order) go up under the tier's rule,
    and the position after which the page draws the quota line (a quota
    without per-type quotas only)."""
    if not _forwards(ranking):
        return [], None
    step = ranking.round.plan.step(ranking.tier)
    quota = step.advance == Advance.QUOTA
    by_type = _type_quotas(ranking) if quota else {}
    line = step.quota if quota and not by_type else None
    return step.advancing(rows, by_type), line


def _lines(
    ranking: Ranking, rows, marks: list[bool], quota_line: int | None
) -> list[RankingLine]:
    codes = {row.nomination.tambon_code for _p, row, _e in rows}
    tambons = {
        t.code: t
        for t in Tambon.objects.filter(code__in=codes).select_related("amphoe")
    }
    lines = []
    for (position, row, entry), within in zip(
        rows, marks or [False] * len(rows), strict=True
    ):
        nomination = row.nomination
        tambon = tambons.get(nomination.tambon_code)
        lines.append(
            RankingLine(
                position=position,
                nomination=nomination,
                product=str(nomination.product),
                producer=str(nomination.product.producer),
                tambon=tambon.name if tambon else nomination.tambon_code,
                amphoe=tambon.amphoe.name if tambon else nomination.amphoe_code,
                category=str(nomination.category),
                mean_total=row.mean_total,
                mean_a=row.mean_a,
                mean_b=row.mean_b,
                mean_c=row.mean_c,
                sheet_count=row.sheet_count,
                expected=entry.expected_sheets if entry else row.expected,
                decision=entry.get_decision_display() if entry else "",
                moved=entry.moved if entry else False,
                justification=entry.justification if entry else "",
                entry=entry,
                within_quota=within,
                quota_line_after=position == quota_line,
            )
        )
    return lines


def ranking_events(ranking: Ranking) -> QuerySet[NominationEvent]:
    if ranking.pk is None:  # not started: nothing recorded yet
        return NominationEvent.objects.none()
    return (
        NominationEvent.objects.filter(ranking=ranking)
        .select_related("actor", "nomination__product")
        .order_by("at", "pk")
    )


def lower_tier_results(nomination: Nomination) -> QuerySet[RankingEntry]:
    """Approved rankings of earlier tiers travel up with the nomination."""
    return (
        RankingEntry.objects.filter(
            nomination=nomination, ranking__status=Ranking.Status.APPROVED
        )
        .exclude(ranking__tier=nomination.tier)
        .select_related("ranking__committee", "ranking__round")
        .order_by("ranking__approved_at")
    )


# Awarding a whole central ranking ----------------------------------------------------


@dataclass
class BandCount:
    stars: int
    min_score: Decimal | None  # None: below every band (one star)
    count: int

    @property
    def symbols(self) -> str:
        return "★" * self.stars


@dataclass
class AwardPreview:
    bands: list[BandCount]
    total: int
    unscored: int  # entries without a counted sheet: award all refuses


def award_preview(ranking: Ranking) -> AwardPreview:
    """How many of the ranking's nominations still to award fall in each of
    the round's star bands, highest first: ``Round.stars_for`` done in SQL, one
    grouped query over the entries (the bands a subquery), and the bands."""
    band = StarBand.objects.filter(
        round=ranking.round_id, min_score__lte=OuterRef("mean_total")
    ).order_by("-min_score")
    rows = (
        RankingEntry.objects.filter(
            ranking=ranking, nomination__state=Nomination.State.PENDING
        )
        .annotate(band_stars=Coalesce(Subquery(band.values("stars")[:1]), Value(1)))
        .order_by()
        .values("band_stars")
        .annotate(n=Count("pk"), unscored=Count("pk", filter=Q(sheet_count=0)))
    )
    counts = {row["band_stars"]: row["n"] for row in rows}
    unscored = sum(row["unscored"] for row in rows)
    bands = [
        BandCount(stars=stars, min_score=low, count=counts.pop(stars, 0))
        for stars, low in StarBand.objects.filter(round=ranking.round_id)
        .order_by("-min_score")
        .values_list("stars", "min_score")
    ]
    bands += [BandCount(stars, None, n) for stars, n in sorted(counts.items())]
    return AwardPreview(
        bands=bands, total=sum(b.count for b in bands), unscored=unscored
    )
