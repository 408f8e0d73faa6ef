"""Support plans (issue #10): what a district or provincial committee will do
for the nominations it ranked, and with what budget.

Every write follows the ladder's recipe: lock the plan row, check its state,
check the actor's right on the committee, write, append a SupportPlanEvent.
The secretary (``finalize_ranking``) edits a draft plan and reports progress
on an approved one; the chair (``approve_ranking`` / ``reopen_ranking``)
approves the plan as a whole, and never a plan they edited last (the
two-person rule). An approved plan is read-only except each action's status
and outcome.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from committees.models import Committee
from committees.permissions import can
from core.buddhist_era import to_be
from core.tiers import AREA_TIERS
from core.workflow import Checks, allow, require
from selection.models import Nomination, Round
from support.models import SupportAction, SupportPlan, SupportPlanEvent

Event = SupportPlanEvent.Action
PLAN_TIERS = AREA_TIERS
# Fields the secretary fills in for an action (``plan`` is given by the page).
ACTION_FIELDS = (
    "nomination",
    "kind",
    "description",
    "agency",
    "budget",
    "source",
    "fiscal_year",
    "quarter",
    "status",
    "outcome",
)
# How far the planned fiscal year may be from the round's year (B.E.).
FISCAL_YEARS_BEFORE, FISCAL_YEARS_AFTER = 1, 2


def _event(plan: SupportPlan, actor: User, action: str, *, item=None, note=""):
    return SupportPlanEvent.objects.create(
        plan=plan,
        actor=actor,
        action=action,
        item=item.pk if item is not None else None,
        note=note,
    )


def _lock(plan: SupportPlan) -> SupportPlan:
    return (
        SupportPlan.objects.select_for_update()
        .select_related("round", "committee")
        .get(pk=plan.pk)
    )


def fiscal_years_for(round_: Round) -> range:
    """The fiscal years (B.E.) a round's support may be planned in."""
    year = to_be(round_.year)
    return range(year - FISCAL_YEARS_BEFORE, year + FISCAL_YEARS_AFTER + 1)


def ranked_nominations(plan: SupportPlan) -> QuerySet[Nomination]:
    """The nominations the plan's committee ranked in the plan's round,
    forwarded or not (one query)."""
    return Nomination.objects.filter(
        ranking_entries__ranking__round_id=plan.round_id,
        ranking_entries__ranking__committee_id=plan.committee_id,
    )


def support_plan_get(*, committee: Committee, round_: Round) -> SupportPlan:
    """The committee's plan for the round, created empty on first use."""
    if committee.tier not in PLAN_TIERS:
        raise ValidationError(
            _("Only district and provincial committees keep support plans.")
        )
    plan, _created = SupportPlan.objects.get_or_create(
        round=round_, committee=committee
    )
    return plan


# Checks (shared by the services and support_plan_actions) ------------------------


def _check_edit(actor: User, plan: SupportPlan) -> None:
    require(
        plan.status == SupportPlan.Status.DRAFT,
        _("The plan is approved: only the status and outcome of its actions change."),
    )
    allow(
        can(actor, "finalize_ranking", plan.committee),
        _("Only the committee's secretary may edit the support plan."),
    )


def _check_approve(actor: User, plan: SupportPlan) -> None:
    require(plan.status == SupportPlan.Status.DRAFT, _("The plan is already approved."))
    # A plan not stored yet (the page before its first action) has none.
    require(
        plan.pk is not None and plan.actions.exists(),
        _("The plan has no actions to approve."),
    )
    allow(
        can(actor, "approve_ranking", plan.committee),
        _("Only the committee's chair may approve the support plan."),
    )
    allow(
        plan.last_edited_by_id != actor.pk,
        _("The person who last edited the plan cannot also approve it."),
    )


def _check_reopen(actor: User, plan: SupportPlan) -> None:
    require(
        plan.status == SupportPlan.Status.APPROVED,
        _("Only an approved plan can be reopened."),
    )
    allow(
        can(actor, "reopen_ranking", plan.committee),
        _("Only the committee's chair may reopen the support plan."),
    )


def _check_progress(actor: User, plan: SupportPlan) -> None:
    require(
        plan.status == SupportPlan.Status.APPROVED,
        _("Progress is reported on an approved plan; edit the draft instead."),
    )
    allow(
        can(actor, "finalize_ranking", plan.committee),
        _("Only the committee's secretary may report progress."),
    )


PLAN_CHECKS = Checks(
    {
        "edit": _check_edit,
        "approve": _check_approve,
        "reopen": _check_reopen,
        "progress": _check_progress,
    }
)


def support_plan_actions(user: User, plan: SupportPlan) -> list[str]:
    """What ``user`` may do to ``plan`` now: the services' own checks."""
    return PLAN_CHECKS.passing(user, plan)


# Editing a draft plan ------------------------------------------------------------


def _validate(action: SupportAction, plan: SupportPlan) -> None:
    errors: dict[str, list[str]] = {}
    try:
        action.full_clean(exclude=["plan"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if (
        action.nomination_id
        and "nomination" not in errors
        and not ranked_nominations(plan).filter(pk=action.nomination_id).exists()
    ):
        errors["nomination"] = [
            _("Choose a nomination this committee ranked in this round.")
        ]
    years = fiscal_years_for(plan.round)
    if action.fiscal_year and action.fiscal_year not in years:
        errors.setdefault("fiscal_year", []).append(
            _("Plan within fiscal years %(first)s–%(last)s (B.E.).")
            % {"first": years[0], "last": years[-1]}
        )
    if errors:
        raise ValidationError(errors)


def _baht(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _shown(field, value) -> str:
    """A field's value as the plan's history shows it to people (in the
    language of the one who changed it): labels for codes, baht with
    separators, the product for a nomination."""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return _baht(value)
    if isinstance(value, Nomination):
        return str(value.product)
    return str(value)


def _describe(action: SupportAction) -> str:
    return (
        f"{action.get_kind_display()} · {action.nomination.product} · "
        f"{_baht(action.budget)}"
    )


def _touch(plan: SupportPlan, actor: User) -> None:
    plan.last_edited_by = actor
    plan.save(update_fields=["last_edited_by", "updated_at"])


@transaction.atomic
def support_action_add(*, actor: User, plan: SupportPlan, **fields) -> SupportAction:
    plan = _lock(plan)
    _check_edit(actor, plan)
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown support action fields: {sorted(unknown)}")
    action = SupportAction(plan=plan, **fields)
    _validate(action, plan)
    action.save()
    _touch(plan, actor)
    _event(plan, actor, Event.ADDED, item=action, note=_describe(action))
    return action


def _lock_action(action: SupportAction) -> tuple[SupportPlan, SupportAction]:
    plan = _lock(action.plan)
    action = SupportAction.objects.select_related("nomination__product").get(
        pk=action.pk, plan=plan
    )
    return plan, action


@transaction.atomic
def support_action_update(
    *, actor: User, action: SupportAction, **fields
) -> SupportAction:
    plan, action = _lock_action(action)
    _check_edit(actor, plan)
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown support action fields: {sorted(unknown)}")
    changes = []
    for name, value in fields.items():
        old = getattr(action, name)
        if old != value:
            field = SupportAction._meta.get_field(name)
            changes.append(
                f"{field.verbose_name}: {_shown(field, old)} → {_shown(field, value)}"
            )
        setattr(action, name, value)
    if not changes:
        return action
    _validate(action, plan)
    action.save()
    _touch(plan, actor)
    _event(plan, actor, Event.UPDATED, item=action, note="; ".join(changes))
    return action


@transaction.atomic
def support_action_delete(*, actor: User, action: SupportAction) -> None:
    plan, action = _lock_action(action)
    _check_edit(actor, plan)
    note = _describe(action)
    _event(plan, actor, Event.DELETED, item=action, note=note)
    action.delete()
    _touch(plan, actor)


# Approval, reopening, progress ----------------------------------------------------


@transaction.atomic
def support_plan_approve(*, actor: User, plan: SupportPlan) -> SupportPlan:
    plan = _lock(plan)
    _check_approve(actor, plan)
    count = plan.actions.count()
    plan.status = SupportPlan.Status.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    total = plan.actions.exclude(status=SupportAction.Status.CANCELLED).aggregate(
        total=Sum("budget")
    )["total"] or Decimal("0.00")
    _event(
        plan,
        actor,
        Event.APPROVED,
        note=_("%(n)s actions, %(total)s baht") % {"n": count, "total": _baht(total)},
    )
    return plan


@transaction.atomic
def support_plan_reopen(*, actor: User, plan: SupportPlan, reason: str) -> SupportPlan:
    plan = _lock(plan)
    _check_reopen(actor, plan)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the plan reopens.")})
    plan.status = SupportPlan.Status.DRAFT
    plan.approved_by, plan.approved_at = None, None
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _event(plan, actor, Event.REOPENED, note=reason)
    return plan


@transaction.atomic
def support_action_progress(
    *, actor: User, action: SupportAction, status: str, outcome: str = ""
) -> SupportAction:
    """The secretary reports how an action of an approved plan went."""
    plan, action = _lock_action(action)
    _check_progress(actor, plan)
    if status not in SupportAction.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    outcome = (outcome or "").strip()
    before = action.get_status_display()
    action.status, action.outcome = status, outcome
    action.save(update_fields=["status", "outcome", "updated_at"])
    note = f"{before} → {action.get_status_display()}"
    if outcome:
        note = f"{note}: {outcome}"
    _event(plan, actor, Event.PROGRESS, item=action, note=note)
    return action
