"""Who may do what in which committee, as queries the database answers at once.

Always ask these helpers, never guardian's ``has_perm`` directly: they also
require the committee to be active and the membership to be within its term,
so access ends the day a term ends even before the expiry sweep runs.
"""

from collections.abc import Mapping
from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from committees.models import Committee, Membership
from core.tiers import BY_CODE, NATIONAL_TIERS

M = TypeVar("M", bound=Model)


def committees_for(user: User, perm: str) -> QuerySet[Committee]:
    """Active committees in which ``user`` currently holds ``perm`` (a codename
    such as ``"score_in"``). One query; usable as a subquery."""
    if not (user.is_authenticated and user.is_active):
        return Committee.objects.none()
    codename = perm.split(".")[-1]
    current = Membership.objects.current(timezone.localdate()).filter(
        user=user, committee=OuterRef("pk")
    )
    return Committee.objects.filter(
        Exists(current),
        is_active=True,
        committeeuserobjectpermission__user=user,
        committeeuserobjectpermission__permission__codename=codename,
    )


def can(user: User, perm: str, committee: Committee) -> bool:
    return committees_for(user, perm).filter(pk=committee.pk).exists()


def can_view(user: User, committee: Committee) -> bool:
    """Central staff see every committee; members see their own."""
    return user.has_perm("committees.view_committee") or can(
        user, "view_committee", committee
    )


def visible_committees(user: User) -> QuerySet[Committee]:
    if user.has_perm("committees.view_committee"):
        return Committee.objects.all()
    return Committee.objects.filter(pk__in=committees_for(user, "view_committee"))


def limit_to_committee_areas(
    queryset: QuerySet[M],
    user: User,
    perm: str = "view_committee",
    *,
    area_fields: Mapping[str, str],
) -> QuerySet[M]:
    """Narrow any area-coded queryset (nominations, products, producers) to
    the areas of the committees where ``user`` holds ``perm``: rows of their
    amphoe for a district committee, of their province for a provincial one,
    everything for the central committee. ``area_fields``: committee tier →
    the queryset's field holding that tier's area code (core.tiers
    ``nomination_areas`` / ``tambon_areas``). One query, no lists of ids."""
    committees = committees_for(user, perm)
    visible = Q(Exists(committees.filter(tier__in=NATIONAL_TIERS)))
    for tier, field in area_fields.items():
        area = BY_CODE[tier].committee_area
        visible |= Q(**{f"{field}__in": committees.filter(tier=tier).values(area)})
    return queryset.filter(visible)
