"""The round dashboard: progress, scores, stars and late committees for
central staff (the whole country) and committee members (their areas), with
a CSV download for every chart. Reads only; the figures come from
reports.dashboard and cost the same number of queries for any round size."""

import tablib
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.buddhist_era import format_date, to_be
from core.exports import escape_formula
from core.numbers import is_whole_number
from reports.dashboard import (
    GROUP_LABELS,
    TIER_GROUPS,
    LateCommittee,
    late_committees,
    product_types,
    round_progress,
    score_distribution,
    stars_by_region_and_type,
    tier_deadlines,
)
from reports.dashboard_charts import histogram, stacked_chart
from reports.dashboard_scope import Scope, dashboard_scope, default_round, scope_areas
from reports.dashboard_tables import Table
from selection.models import COMMITTEE_TIERS, Round

TABLE_CHARTS = (
    "progress-amphoe",
    "progress-province",
    "progress-central",
    "scores",
    "stars-region",
    "stars-type",
)
CHARTS = (*TABLE_CHARTS, "late")


def _scope(request: HttpRequest) -> Scope:
    scope = dashboard_scope(request.user)
    if scope is None:
        raise PermissionDenied(_("The dashboard is for central staff and committees."))
    return scope


def _chosen_round(request: HttpRequest, rounds: list[Round]) -> Round | None:
    """``?round=<B.E. year>``; by default the latest open round, else the
    latest round. A malformed year is a 400, an unknown one a 404."""
    value = request.GET.get("round", "").strip()
    if not value:
        return default_round(rounds)
    if not (is_whole_number(value) and len(value) == 4):
        raise BadRequest(gettext_lazy("Round must be a B.E. year, e.g. 2569."))
    for round_ in rounds:
        if to_be(round_.year) == int(value):
            return round_
    raise Http404(_("No round in that year."))


def _figures(scope: Scope, round_: Round) -> dict:
    today = timezone.localdate()
    areas = scope_areas(scope)
    progress = round_progress(scope=scope, round_=round_, areas=areas)
    scores, score_stats = score_distribution(scope=scope, round_=round_)
    by_region, by_type = stars_by_region_and_type(
        scope=scope, round_=round_, areas=areas, types=product_types()
    )
    return {
        "today": today,
        "areas": areas,
        "progress": progress,
        "scores": scores,
        "score_stats": score_stats,
        "stars_region": by_region,
        "stars_type": by_type,
        "late": late_committees(scope=scope, round_=round_, today=today),
        "deadlines": tier_deadlines(round_, today),
    }


def _csv_url(chart: str, round_: Round) -> str:
    return (
        reverse("dashboard:csv", args=[chart])
        + "?"
        + urlencode({"round": to_be(round_.year)})
    )


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    rounds = list(Round.objects.order_by("-year"))
    for round_ in rounds:
        round_.year_be = to_be(round_.year)
    round_ = _chosen_round(request, rounds)
    context = {"rounds": rounds, "round": round_, "scope": scope}
    if round_ is not None:
        context.update(_page(scope, round_))
    return render(request, "dashboard/index.html", context)


def _page(scope: Scope, round_: Round) -> dict:
    figures = _figures(scope, round_)
    progress = []
    for tier in COMMITTEE_TIERS:
        table = figures["progress"].tables[tier]
        progress.append(
            {
                "tier": tier,
                "label": tier.label,
                "table": table,
                "chart": stacked_chart(
                    table,
                    title=_("%(tier)s: nominations by status") % {"tier": tier.label},
                    description=_(
                        "Horizontal stacked bars, one per %(area)s; the same numbers "
                        "are in the table below the chart."
                    )
                    % {"area": table.key_label},
                ),
                "csv_url": _csv_url(table.name, round_),
            }
        )
    scores = figures["scores"]
    histograms = [
        {
            "stats": stats,
            "chart": histogram(
                scores,
                stats.tier,
                title=_("Scores at the %(tier)s tier") % {"tier": stats.label},
                description=_(
                    "Histogram: ranked nominations per 10-point score band; the "
                    "same numbers are in the table below."
                ),
            ),
        }
        for stats in figures["score_stats"]
    ]
    stars = [
        {
            "table": table,
            "title": title,
            "chart": stacked_chart(
                table,
                title=title,
                description=_(
                    "Horizontal stacked bars by number of stars; the same numbers "
                    "are in the table below the chart."
                ),
            ),
            "csv_url": _csv_url(table.name, round_),
        }
        for table, title in (
            (figures["stars_region"], _("Awarded products by region and stars")),
            (figures["stars_type"], _("Awarded products by product type and stars")),
        )
    ]
    return {
        **figures,
        "progress_charts": progress,
        "group_definitions": _group_definitions(),
        "histograms": histograms,
        "scores_csv_url": _csv_url("scores", round_),
        "stars_charts": stars,
        "late_csv_url": _csv_url("late", round_),
    }


def _group_definitions() -> list[tuple[str, str, str]]:
    """(css class, name, meaning) for the legend of the progress charts."""
    meanings = {
        "pending": _(
            "Waiting for the committee of this tier: being scored, ranking not "
            "finalized yet."
        ),
        "ranked": _(
            "In the committee's finalized ranking, waiting for the chair's approval "
            "(at the central tier: approved, waiting for the award of stars)."
        ),
        "forwarded": _(
            "Sent on to the next tier by this committee, wherever it is now."
        ),
        "awarded": _("Stars awarded by the central committee (central tier only)."),
        "not_selected": _("Ranked below the committee's quota; it stops here."),
        "returned": _(
            "Sent back to the tambon for revision by this tier's committee, or "
            "withdrawn by the officer."
        ),
    }
    keys = dict.fromkeys(key for groups in TIER_GROUPS.values() for key in groups)
    return [(f"seg-{key}", GROUP_LABELS[key], meanings[key]) for key in keys]


# Downloads ------------------------------------------------------------------------


@login_required
@require_safe
def dashboard_csv(request: HttpRequest, chart: str) -> HttpResponse:
    """The numbers behind one chart, scoped like the page (UTF-8 with a BOM so
    Excel reads Thai; no cell can start a formula)."""
    if chart not in CHARTS:
        raise Http404
    scope = _scope(request)
    round_ = _chosen_round(request, list(Round.objects.order_by("-year")))
    if round_ is None:
        raise Http404(_("There is no round yet."))
    if chart == "late":
        dataset = _late_dataset(
            late_committees(scope=scope, round_=round_, today=timezone.localdate())
        )
    else:
        dataset = _table_dataset(_table(scope, round_, chart))
    response = HttpResponse(
        "\ufeff" + dataset.export("csv"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="otop-dashboard-{chart}-{to_be(round_.year)}.csv"'
    )
    return response


def _table(scope: Scope, round_: Round, chart: str) -> Table:
    if chart.startswith("progress-"):
        areas = scope_areas(scope)
        progress = round_progress(scope=scope, round_=round_, areas=areas)
        table = progress.tables.get(chart.removeprefix("progress-"))
        if table is None:  # a tier this round's plan skips
            raise Http404(_("This round has no such tier."))
        return table
    if chart == "scores":
        return score_distribution(scope=scope, round_=round_)[0]
    by_region, by_type = stars_by_region_and_type(
        scope=scope, round_=round_, areas=scope_areas(scope), types=product_types()
    )
    return by_region if chart == "stars-region" else by_type


def _safe(values: list) -> list:
    return [escape_formula(value) for value in values]


def _table_dataset(table: Table) -> tablib.Dataset:
    dataset = tablib.Dataset(
        headers=_safe(
            [
                _("Code"),
                table.key_label,
                *[s.label for s in table.series],
                _("Total"),
            ]
        )
    )
    for row in table.rows:
        dataset.append(_safe([row.key, row.label, *row.values, row.total]))
    dataset.append(_safe(["", _("Total"), *table.totals, table.total]))
    return dataset


def _late_dataset(late: list[LateCommittee]) -> tablib.Dataset:
    dataset = tablib.Dataset(
        headers=[
            _("Committee"),
            _("Tier"),
            _("Area code"),
            _("Deadline"),
            _("Days late"),
            _("Ranking"),
            _("Nominations waiting"),
        ]
    )
    for item in late:
        dataset.append(
            _safe(
                [
                    item.committee.name,
                    item.tier_label,
                    item.committee.area_code,
                    format_date(item.deadline, joined=False),
                    item.days_late,
                    item.ranking_label,
                    item.pending,
                ]
            )
        )
    return dataset
