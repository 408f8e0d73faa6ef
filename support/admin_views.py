"""The admin page of a ranking's support plan, where the secretary edits the
plan and the chair approves it, and the plan's summary on the ranking page.
Each parses the POST, calls one service, and shows its refusal as a message."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.buddhist_era import to_be
from core.workflow import REFUSALS, refusal_messages
from selection.models import Ranking
from support.budget import budget_total
from support.forms import SupportActionForm
from support.models import SupportAction, SupportPlan
from support.services import (
    PLAN_TIERS,
    support_action_add,
    support_action_delete,
    support_action_progress,
    support_action_update,
    support_plan_actions,
    support_plan_approve,
    support_plan_get,
    support_plan_reopen,
)


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


def plan_view(model_admin, request, ranking: Ranking):
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
    return TemplateResponse(request, "admin/support/support_plan.html", context)
