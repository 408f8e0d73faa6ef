"""Officer assignments and the guardian grants they carry."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from communities.models import (
    Amphoe,
    OfficerAssignment,
    OfficerAssignmentEvent,
    Tambon,
    TambonUserObjectPermission,
)
from core.workflow import Checks, allow, locked, require

MANAGE_TAMBON = "communities.manage_tambon"


def _check_grant(actor: User, assignment: OfficerAssignment) -> None:
    """``assignment``: the one proposed (unsaved), for its officer and area."""
    require(
        not OfficerAssignment.objects.filter(
            user=assignment.user_id,
            tambon=assignment.tambon_id,
            amphoe=assignment.amphoe_id,
            revoked_at__isnull=True,
        ).exists(),
        _("This officer already has this assignment."),
    )
    allow(
        actor.has_perm("communities.add_officerassignment"),
        _("Only central staff can assign officers."),
    )


def _check_revoke(actor: User, assignment: OfficerAssignment) -> None:
    require(
        assignment.revoked_at is None, _("This assignment has already been revoked.")
    )
    allow(
        actor.has_perm("communities.change_officerassignment"),
        _("Only central staff can revoke assignments."),
    )


GRANT_CHECKS = Checks({"grant": _check_grant})
ASSIGNMENT_CHECKS = Checks({"revoke": _check_revoke})


def assignment_actions(user: User, assignment: OfficerAssignment) -> list[str]:
    """What ``user`` may do to ``assignment`` now: the services' own checks."""
    return ASSIGNMENT_CHECKS.passing(user, assignment)


def _lock_officer(user_id: int) -> User:
    """Concurrent grants and revocations for one officer take turns, so the
    grants always match the active assignments."""
    return User.objects.select_for_update().get(pk=user_id)


@transaction.atomic
def assignment_grant(
    *,
    actor: User,
    user: User,
    tambon: Tambon | None = None,
    amphoe: Amphoe | None = None,
) -> OfficerAssignment:
    """Make ``user`` responsible for a tambon, or for every tambon of an amphoe."""
    if (tambon is None) == (amphoe is None):
        raise ValidationError(
            {"tambon": _("Choose either one tambon or one whole amphoe.")}
        )
    _lock_officer(user.pk)
    assignment = OfficerAssignment(user=user, tambon=tambon, amphoe=amphoe)
    GRANT_CHECKS.run("grant", actor, assignment)
    assignment.assigned_by = actor
    assignment.save()
    OfficerAssignmentEvent.objects.create(
        assignment=assignment, action=OfficerAssignmentEvent.Action.GRANTED, actor=actor
    )
    _sync_tambon_grants(user)
    return assignment


@transaction.atomic
def assignment_revoke(
    *, actor: User, assignment: OfficerAssignment, note: str = ""
) -> OfficerAssignment:
    """End an assignment; the row stays as history and its tambons lose their
    grant unless another active assignment still covers them."""
    _lock_officer(assignment.user_id)
    assignment = locked(assignment, "user")
    ASSIGNMENT_CHECKS.run("revoke", actor, assignment)
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.save(update_fields=["revoked_at", "revoked_by"])
    OfficerAssignmentEvent.objects.create(
        assignment=assignment,
        action=OfficerAssignmentEvent.Action.REVOKED,
        actor=actor,
        note=note,
    )
    _sync_tambon_grants(assignment.user)
    return assignment


def _sync_tambon_grants(user: User) -> None:
    """Grant exactly the tambons the officer's active assignments cover.

    The only code that writes ``manage_tambon`` grants; a tambon still covered
    by another assignment (its amphoe, say) keeps its grant on revocation.
    """
    active = OfficerAssignment.objects.filter(user=user, revoked_at__isnull=True)
    wanted = set(
        Tambon.objects.filter(
            models.Q(pk__in=active.values("tambon"))
            | models.Q(amphoe__in=active.values("amphoe"))
        ).values_list("pk", flat=True)
    )
    granted = set(
        TambonUserObjectPermission.objects.filter(
            user=user, permission__codename="manage_tambon"
        ).values_list("content_object_id", flat=True)
    )
    if wanted - granted:
        assign_perm(
            MANAGE_TAMBON, user, list(Tambon.objects.filter(pk__in=wanted - granted))
        )
    if granted - wanted:
        remove_perm(MANAGE_TAMBON, user, Tambon.objects.filter(pk__in=granted - wanted))
