"""Every write to committees and memberships, and the only code that touches
guardian grants on committees."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from committees.models import (
    ROLE_PERMISSIONS,
    Committee,
    CommitteeUserObjectPermission,
    ConflictDeclaration,
    Kind,
    Membership,
    MembershipEvent,
    Role,
    Tier,
    grading_names,
)
from committees.selectors import active_subcommittees
from communities.models import Amphoe, Producer, Province
from core.workflow import Checks, allow, locked, require
from notifications.models import EventType
from notifications.services import notify
from products.models import Category

MANAGE_COMMITTEES = "committees.add_committee"
MANAGE_MEMBERSHIPS = "committees.add_membership"


# Committees ---------------------------------------------------------------------


@transaction.atomic
def committee_create(
    *,
    actor: User,
    tier: str,
    term_start: dt.date,
    amphoe: Amphoe | None = None,
    province: Province | None = None,
    term_end: dt.date | None = None,
    name_th: str = "",
    name_en: str = "",
    kind: str = Kind.MAIN,
    product_types: Iterable[Category] = (),
) -> Committee:
    """A committee of a tier and area; at the central tier, the national
    committee (kind "main") or a subcommittee, which may be given the product
    types it scores."""
    if not actor.has_perm(MANAGE_COMMITTEES):
        raise PermissionDenied(_("Only central staff can create committees."))
    committee = Committee(
        tier=tier,
        kind=kind or Kind.MAIN,
        amphoe=amphoe,
        province=province,
        term_start=term_start,
        term_end=term_end,
        name_th=name_th,
        name_en=name_en,
    )
    committee.full_clean()
    types = list(product_types)
    _check_product_types(committee, types)
    if committee.kind == Kind.GRADING and not (name_th or name_en):
        committee.name_th, committee.name_en = grading_names(_in_order(types))
    committee.save()
    if types:
        committee.product_types.set(types)
    return committee


def _in_order(types: Iterable[Category]) -> list[Category]:
    return sorted(types, key=lambda t: (t.order, t.code))


# What committee_update may change: tier, area and kind are fixed at creation.
COMMITTEE_EDITABLE = (
    "name_th",
    "name_en",
    "term_start",
    "term_end",
    "is_active",
    "product_types",
)


@transaction.atomic
def committee_update(*, actor: User, committee: Committee, **fields) -> Committee:
    """Edit names, term, the active flag and a subcommittee's product types
    (tier, area and kind are fixed)."""
    if not actor.has_perm("committees.change_committee"):
        raise PermissionDenied(_("Only central staff can edit committees."))
    if fixed := set(fields) - set(COMMITTEE_EDITABLE):
        raise TypeError(f"Cannot change {sorted(fixed)}")
    types = fields.pop("product_types", None)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    named_by_types = committee.kind == Kind.GRADING and (
        committee.name_th,
        committee.name_en,
    ) == grading_names(_in_order(committee.product_types.all()))
    for name, value in fields.items():
        setattr(committee, name, value)
    if types is not None:
        types = list(types)
        if named_by_types and not {"name_th", "name_en"} & set(fields):
            # The names said which types it grades: they follow the types.
            committee.name_th, committee.name_en = grading_names(_in_order(types))
    committee.full_clean()
    if types is not None:
        _check_product_types(committee, types)
    elif fields.get("is_active") and committee.is_subcommittee:
        _check_product_types(committee, list(committee.product_types.all()))
    committee.save()
    if types is not None:
        committee.product_types.set(types)
    if not committee.is_active:
        for membership in committee.memberships.filter(revoked_at__isnull=True):
            _close(
                membership,
                actor=actor,
                action=MembershipEvent.Action.REVOKED,
                note=_("The committee was deactivated."),
            )
    return committee


def _check_product_types(committee: Committee, types: list[Category]) -> None:
    """Only central subcommittees score product types (top-level categories),
    and each type has at most one active subcommittee. A unique index cannot
    say the last rule (the flag lives on the committee, the type on the M2M
    table), so the active central committees are locked while it is checked."""
    if not types:
        if committee.kind == Kind.GRADING and committee.is_active:
            raise ValidationError(
                {
                    "product_types": _(
                        "A grading subcommittee grades the product types it is "
                        "given: choose at least one."
                    )
                }
            )
        return
    if committee.tier != Tier.CENTRAL or not committee.is_subcommittee:
        raise ValidationError(
            {
                "product_types": _(
                    "Only central subcommittees are given product types to score."
                )
            }
        )
    sub_types = [t for t in types if t.parent_id is not None]
    if sub_types:
        raise ValidationError(
            {
                "product_types": _(
                    "Choose product types, not their sub-types: %(types)s."
                )
                % {"types": ", ".join(str(t) for t in sub_types)}
            }
        )
    if not committee.is_active:
        return
    list(Committee.objects.select_for_update().filter(pk__in=active_subcommittees()))
    taken = (
        Committee.product_types.through.objects.filter(
            committee__in=active_subcommittees(),
            category__in=[t.pk for t in types],
        )
        .exclude(committee_id=committee.pk)
        .select_related("committee", "category")
        .order_by("category__order", "category__code")
    )
    problems = [
        _("%(type)s is already scored by %(committee)s.")
        % {"type": row.category, "committee": row.committee}
        for row in taken
    ]
    if problems:
        raise ValidationError({"product_types": problems})


# Memberships ----------------------------------------------------------------------


def _check_change_role(actor: User, membership: Membership) -> None:
    require(membership.revoked_at is None, _("This membership has ended."))
    allow(
        actor.has_perm("committees.change_membership"),
        _("Only central staff can change roles."),
    )


def _check_revoke(actor: User, membership: Membership) -> None:
    require(membership.revoked_at is None, _("This membership has ended."))
    allow(
        actor.has_perm("committees.change_membership"),
        _("Only central staff can remove committee members."),
    )


MEMBERSHIP_CHECKS = Checks({"change_role": _check_change_role, "revoke": _check_revoke})


def membership_actions(user: User, membership: Membership) -> list[str]:
    """What ``user`` may do to ``membership`` now: the services' own checks."""
    return MEMBERSHIP_CHECKS.passing(user, membership)


@transaction.atomic
def membership_grant(
    *,
    actor: User,
    user: User,
    committee: Committee,
    role: str,
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
) -> Membership:
    """Give ``user`` a role in ``committee`` and the permissions it carries."""
    if role not in ROLE_PERMISSIONS:
        raise ValidationError({"role": _("Unknown role.")})
    committee = locked(committee)
    require(committee.is_active, _("This committee is no longer active."))
    require(
        not Membership.objects.filter(
            user=user, committee=committee, revoked_at__isnull=True
        ).exists(),
        _("%(user)s is already a member; change the role instead.") % {"user": user},
    )
    allow(
        actor.has_perm(MANAGE_MEMBERSHIPS),
        _("Only central staff can appoint committee members."),
    )
    membership = Membership(
        user=user,
        committee=committee,
        role=role,
        term_start=term_start or committee.term_start,
        term_end=term_end if term_end is not None else committee.term_end,
        granted_by=actor,
    )
    _check_single_role(membership)
    membership.full_clean()
    membership.save()
    MembershipEvent.objects.create(
        committee=committee,
        membership=membership,
        action=MembershipEvent.Action.GRANTED,
        to_role=role,
        actor=actor,
    )
    notify(
        event_type=EventType.MEMBERSHIP_GRANTED,
        event_key=f"membership:{membership.pk}:granted",
        recipients=[user],
        context={"committee": str(committee), "role": role},
        link=reverse("committees:committee_detail", args=[committee.pk]),
    )
    _sync_grants(user, committee)
    if not user.is_staff:  # members score and rank in the admin
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    return membership


@transaction.atomic
def membership_change_role(
    *, actor: User, membership: Membership, role: str, note: str = ""
) -> Membership:
    if role not in ROLE_PERMISSIONS:
        raise ValidationError({"role": _("Unknown role.")})
    membership = locked(membership)
    MEMBERSHIP_CHECKS.run("change_role", actor, membership)
    previous = membership.role
    if previous == role:
        return membership
    membership.role = role
    _check_single_role(membership)
    membership.save(update_fields=["role"])
    MembershipEvent.objects.create(
        committee_id=membership.committee_id,
        membership=membership,
        action=MembershipEvent.Action.ROLE_CHANGED,
        from_role=previous,
        to_role=role,
        actor=actor,
        note=note,
    )
    _sync_grants(membership.user, membership.committee)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership, note: str = "") -> None:
    membership = locked(membership)
    MEMBERSHIP_CHECKS.run("revoke", actor, membership)
    _close(membership, actor=actor, action=MembershipEvent.Action.REVOKED, note=note)


@transaction.atomic
def memberships_expire(*, today: dt.date | None = None) -> int:
    """Close memberships whose term has ended, taking their permissions away.
    Run daily by Celery beat; access checks also look at the term, so nobody
    keeps access between the end of a term and the next sweep."""
    today = today or timezone.localdate()
    expired = list(
        Membership.objects.select_for_update()
        .filter(revoked_at__isnull=True, term_end__lt=today)
        .select_related("user", "committee")
    )
    for membership in expired:
        _close(membership, actor=None, action=MembershipEvent.Action.EXPIRED)
    return len(expired)


def _close(
    membership: Membership, *, actor: User | None, action: str, note: str = ""
) -> None:
    membership.revoked_at = timezone.now()
    membership.revoked_by = actor
    membership.save(update_fields=["revoked_at", "revoked_by"])
    MembershipEvent.objects.create(
        committee_id=membership.committee_id,
        membership=membership,
        action=action,
        from_role=membership.role,
        actor=actor,
        note=note,
    )
    notify(
        event_type=EventType.MEMBERSHIP_REVOKED,
        event_key=f"membership:{membership.pk}:ended",
        recipients=[membership.user],
        context={"committee": str(membership.committee)},
        link=reverse("committees:my_committees"),
    )
    _sync_grants(membership.user, membership.committee)
    _drop_staff_if_unneeded(membership.user)


def _check_single_role(membership: Membership) -> None:
    if membership.role not in (Role.CHAIR, Role.SECRETARY):
        return
    taken = Membership.objects.filter(
        committee_id=membership.committee_id,
        role=membership.role,
        revoked_at__isnull=True,
    ).exclude(pk=membership.pk)
    if taken.exists():
        raise ValidationError(
            {
                "role": _("This committee already has a %(role)s.")
                % {"role": membership.get_role_display()}
            }
        )


def _sync_grants(user: User, committee: Committee) -> None:
    """Make the user's grants on the committee exactly what their open
    membership's role carries (nothing once it is closed)."""
    open_roles = Membership.objects.filter(
        user=user, committee=committee, revoked_at__isnull=True
    ).values_list("role", flat=True)
    wanted = {perm for role in open_roles for perm in ROLE_PERMISSIONS[role]}
    granted = set(
        CommitteeUserObjectPermission.objects.filter(
            user=user, content_object=committee
        ).values_list("permission__codename", flat=True)
    )
    for codename in sorted(wanted - granted):
        assign_perm(f"committees.{codename}", user, committee)
    for codename in sorted(granted - wanted):
        remove_perm(f"committees.{codename}", user, committee)


def _drop_staff_if_unneeded(user: User) -> None:
    """Members get admin access for their committee work; take it back when
    their last membership ends, unless they are staff for another reason."""
    if user.is_superuser or not user.is_staff:
        return
    still_member = Membership.objects.filter(user=user, revoked_at__isnull=True)
    other_rights = user.user_permissions.exists() or user.groups.exists()
    if not still_member.exists() and not other_rights:
        User.objects.filter(pk=user.pk).update(is_staff=False)
        user.is_staff = False


# Conflicts of interest -------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, actor: User, producer: Producer, reason: str
) -> ConflictDeclaration:
    """A member declares a conflict with a producer (their own word suffices)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you have a conflict of interest.")})
    declaration, _created = ConflictDeclaration.objects.get_or_create(
        user=actor, producer=producer, defaults={"reason": reason}
    )
    return declaration
