"""Support plans and their budget (issue #10): the budget roll-up page and
its exports, and the printable plan of one committee (the admin page where
the secretary edits a plan is in ``support.admin_views``). Each view parses
the request, calls one service or selector, and renders."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.buddhist_era import from_be, to_be
from core.exports import FORMATS, export_response
from core.numbers import is_whole_number
from selection.models import Round
from support.budget import (
    BY,
    BY_LABELS,
    budget_committees_visible_to,
    budget_rollup,
    budget_total,
)
from support.models import SupportPlan
from support.resources import BudgetLineResource


def _rounds() -> list[Round]:
    rounds = list(Round.objects.order_by("-year"))
    for round_ in rounds:
        round_.year_be = to_be(round_.year)
    return rounds


def _chosen_round(request: HttpRequest, rounds: list[Round]) -> Round | None:
    """``?round=<B.E. year>``; by default the latest round with plans the
    user may see, else the latest open round, else the latest. A malformed
    year is a 400, an unknown one a 404."""
    value = request.GET.get("round", "").strip()
    if not value:
        with_plans = set(
            SupportPlan.objects.filter(
                committee__in=budget_committees_visible_to(request.user)
            ).values_list("round", flat=True)
        )
        planned = [r for r in rounds if r.pk in with_plans]
        open_rounds = [r for r in rounds if r.status == Round.Status.OPEN]
        return (planned or open_rounds or rounds or [None])[0]
    if not (is_whole_number(value) and len(value) == 4):
        raise BadRequest(ROUND_NOT_A_YEAR)
    for round_ in rounds:
        if round_.year_be == int(value):
            return round_
    raise Http404(_("No round in that year."))


ROUND_NOT_A_YEAR = gettext_lazy("Round must be a B.E. year, e.g. 2569.")

PLAN_CHOICES = {
    "all": gettext_lazy("All plans, drafts included"),
    "approved": gettext_lazy("Approved plans only"),
}


def _approved_only(request: HttpRequest) -> bool:
    """``?plans=all`` (the default: the figures committees are still working
    on) or ``?plans=approved`` (what the national report counts)."""
    plans = request.GET.get("plans", "all")
    if plans not in PLAN_CHOICES:
        raise BadRequest(gettext_lazy("Unknown choice of plans."))
    return plans == "approved"


def _chosen_by(request: HttpRequest) -> str:
    by = request.GET.get("by", "committee")
    if by not in BY:
        raise BadRequest(gettext_lazy("Unknown grouping."))
    return by


# Budget roll-up -------------------------------------------------------------------


@login_required
def budget(request: HttpRequest) -> HttpResponse:
    rounds = _rounds()
    round_ = _chosen_round(request, rounds)
    by = _chosen_by(request)
    approved_only = _approved_only(request)
    committees = budget_committees_visible_to(request.user)
    context = {
        "rounds": rounds,
        "round": round_,
        "by": by,
        "plans": "approved" if approved_only else "all",
        "plan_choices": list(PLAN_CHOICES.items()),
        "choices": [(key, BY_LABELS[key]) for key in BY],
        "by_label": BY_LABELS[by],
        "formats": list(FORMATS),
    }
    if round_ is not None:
        context["lines"] = budget_rollup(
            round_, by, committees=committees, approved_only=approved_only
        )
        context["total"] = budget_total(
            round_, committees=committees, approved_only=approved_only
        )
    return TemplateResponse(request, "support/budget.html", context)


@login_required
def budget_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    round_ = _chosen_round(request, _rounds())
    if round_ is None:
        raise Http404
    by = _chosen_by(request)
    approved_only = _approved_only(request)
    committees = budget_committees_visible_to(request.user)
    lines = budget_rollup(
        round_, by, committees=committees, approved_only=approved_only
    )
    lines.append(
        budget_total(round_, committees=committees, approved_only=approved_only)
    )
    suffix = "-approved" if approved_only else ""
    return export_response(
        BudgetLineResource(),
        lines,
        name=f"support-budget-{to_be(round_.year)}-{by}{suffix}",
        fmt=fmt,
    )


# The printable plan -----------------------------------------------------------------


@login_required
def plan_print(request: HttpRequest, year: int, committee_id: int) -> HttpResponse:
    committee = get_object_or_404(
        budget_committees_visible_to(request.user).select_related("amphoe", "province"),
        pk=committee_id,
    )
    round_ = get_object_or_404(Round, year=from_be(year))
    plan = (
        SupportPlan.objects.filter(round=round_, committee=committee)
        .select_related("approved_by", "last_edited_by")
        .first()
    )
    actions = []
    total = None
    if plan is not None:
        actions = list(
            plan.actions.select_related(
                "nomination__product__producer", "nomination__category"
            ).order_by("nomination__product__name_th", "fiscal_year", "quarter", "pk")
        )
        total = budget_total(round_, committees=[committee])
    context = {
        "committee": committee,
        "round": round_,
        "plan": plan,
        "actions": actions,
        "total": total,
        "today": timezone.localdate(),
        "by_source": budget_rollup(round_, "source", committees=[committee])
        if plan
        else [],
        "by_kind": budget_rollup(round_, "kind", committees=[committee])
        if plan
        else [],
    }
    return TemplateResponse(request, "support/plan_print.html", context)
