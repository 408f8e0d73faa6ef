"""Support plans and their budget (issue #10): the budget roll-up page and
its exports, the printable plan of one committee, and the admin page where
the secretary edits a plan and the chair approves it. Each view parses the
request, calls one service or selector, and renders."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.buddhist_era import from_be, to_be
from core.exports import FORMATS, export_response
from core.numbers import is_whole_number
from core.workflow import REFUSALS, refusal_messages
from selection.budget import (
    BY,
    BY_LABELS,
    budget_committees_visible_to,
    budget_rollup,
    budget_total,
)
from selection.models import Ranking, Round, SupportAction, SupportPlan
from selection.resources import BudgetLineResource
from selection.support import (
    ACTION_FIELDS,
    PLAN_TIERS,
    fiscal_years_for,
    ranked_nominations,
    support_action_add,
    support_action_delete,
    support_action_progress,
    support_action_update,
    support_plan_actions,
    support_plan_approve,
    support_plan_get,
    support_plan_reopen,
)


def _rounds() -> list[Round]:
    rounds = list(Round.objects.order_by("-year"))
    for round_ in rounds:
        round_.year_be = to_be(round_.year)
    return rounds


def _chosen_round(request: HttpRequest, rounds: list[Round]) -> Round | None:
    """``?round=<B.E. year>``; by default the latest open round, else the
    latest. A malformed year is a 400, an unknown one a 404."""
    value = request.GET.get("round", "").strip()
    if not value:
        open_rounds = [r for r in rounds if r.status == Round.Status.OPEN]
        return (open_rounds or rounds or [None])[0]
    if not (is_whole_number(value) and len(value) == 4):
        raise BadRequest(_("Round must be a B.E. year, e.g. 2569."))
    for round_ in rounds:
        if round_.year_be == int(value):
            return round_
    raise Http404(_("No round in that year."))


PLAN_CHOICES = {
    "all": gettext_lazy("All plans, drafts included"),
    "approved": gettext_lazy("Approved plans only"),
}


def _approved_only(request: HttpRequest) -> bool:
    """``?plans=all`` (the default: the figures committees are still working
    on) or ``?plans=approved`` (what the national report counts)."""
    plans = request.GET.get("plans", "all")
    if plans not in PLAN_CHOICES:
        raise BadRequest(_("Unknown choice of plans."))
    return plans == "approved"


def _chosen_by(request: HttpRequest) -> str:
    by = request.GET.get("by", "committee")
    if by not in BY:
        raise BadRequest(_("Unknown grouping."))
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


# The admin page of a ranking's support plan ------------------------------------------


class SupportActionForm(forms.ModelForm):
    class Meta:
        model = SupportAction
        fields = ACTION_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2, "cols": 50}),
            "outcome": forms.Textarea(attrs={"rows": 2, "cols": 50}),
        }

    def __init__(self, plan: SupportPlan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = ranked_nominations(plan).select_related(
            "product"
        )
        self.fields["nomination"].label_from_instance = lambda n: str(n.product)
        years = fiscal_years_for(plan.round)
        self.fields["fiscal_year"].widget = forms.Select(
            choices=[(year, year) for year in years]
        )
        if not self.instance.pk:
            self.initial.setdefault("fiscal_year", years[1])


def _listed_actions(plan: SupportPlan) -> list[SupportAction]:
    """The plan's actions as the ranking and plan pages list them."""
    return list(
        plan.actions.select_related("nomination__product").order_by(
            "nomination__product__name_th", "pk"
        )
    )


def support_summary(ranking: Ranking) -> dict | None:
    """What the ranking page shows of the committee's support plan (no writes;
    ``None`` for the central tier, which keeps no plan)."""
    if ranking.committee.tier not in PLAN_TIERS:
        return None
    plan = SupportPlan.objects.filter(
        round_id=ranking.round_id, committee_id=ranking.committee_id
    ).first()
    actions = _listed_actions(plan) if plan is not None else []
    total = budget_total(ranking.round, committees=[ranking.committee])
    return {"plan": plan, "actions": actions, "total": total}


def _plan_post(request, plan: SupportPlan) -> bool:
    """Run the POSTed step; ``False`` when a form came back invalid."""
    do = request.POST.get("do")
    user = request.user
    if do in ("update", "delete", "progress"):
        action = plan.actions.filter(pk=request.POST.get("action") or 0).first()
        if action is None:
            raise Http404
    if do == "add" or do == "update":
        instance = action if do == "update" else None
        form = SupportActionForm(plan, request.POST, instance=instance)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return False
        if do == "add":
            support_action_add(actor=user, plan=plan, **form.cleaned_data)
            messages.success(request, _("The action is added to the plan."))
        else:
            support_action_update(actor=user, action=action, **form.cleaned_data)
            messages.success(request, _("The action is saved."))
    elif do == "delete":
        support_action_delete(actor=user, action=action)
        messages.success(request, _("The action is deleted."))
    elif do == "approve":
        support_plan_approve(actor=user, plan=plan)
        messages.success(request, _("The support plan is approved."))
    elif do == "reopen":
        support_plan_reopen(actor=user, plan=plan, reason=request.POST.get("reason"))
        messages.success(request, _("The support plan is open for editing again."))
    elif do == "progress":
        support_action_progress(
            actor=user,
            action=action,
            status=request.POST.get("status", ""),
            outcome=request.POST.get("outcome", ""),
        )
        messages.success(request, _("The progress is recorded."))
    else:
        raise Http404
    return True


def admin_plan_view(model_admin, request, ranking: Ranking):
    if ranking.committee.tier not in PLAN_TIERS:
        raise Http404
    here = reverse("admin:selection_ranking_plan", args=[ranking.pk])
    if request.method == "POST":
        try:
            # A refused or invalid step leaves no empty plan behind.
            with transaction.atomic():
                plan = support_plan_get(
                    committee=ranking.committee, round_=ranking.round
                )
                if not _plan_post(request, plan):
                    transaction.set_rollback(True)
        except REFUSALS as error:
            for message in refusal_messages(error):
                messages.error(request, message)
        return redirect(here)
    # Looking creates nothing: the plan is made by its first action.
    plan = SupportPlan.objects.filter(
        round=ranking.round, committee=ranking.committee
    ).first() or SupportPlan(round=ranking.round, committee=ranking.committee)
    allowed = support_plan_actions(request.user, plan)
    actions = _listed_actions(plan) if plan.pk else []
    editing = None
    if "edit" in allowed and request.GET.get("edit"):
        editing = next((a for a in actions if str(a.pk) == request.GET["edit"]), None)
    form = None
    if "edit" in allowed:
        form = SupportActionForm(plan, instance=editing)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Support plan: %(ranking)s") % {"ranking": ranking},
        "ranking": ranking,
        "plan": plan,
        "actions": actions,
        "allowed": allowed,
        "form": form,
        "editing": editing,
        "statuses": SupportAction.Status.choices,
        "total": budget_total(ranking.round, committees=[ranking.committee]),
        "events": (
            plan.events.select_related("actor").order_by("-at", "-pk")[:50]
            if plan.pk
            else []
        ),
        "print_url": reverse(
            "support:plan", args=[to_be(ranking.round.year), ranking.committee_id]
        ),
    }
    return TemplateResponse(request, "admin/selection/support_plan.html", context)
