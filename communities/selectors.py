import datetime as dt

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User
from communities.models import Producer, ProducerRegistration, Tambon


def tambons_managed_by(user: User) -> QuerySet[Tambon]:
    """The tambons an officer may register producers and products in.

    One query when evaluated, and usable as a subquery (``tambon__in=``) so
    scoped lists never build Python lists of ids.
    """
    if not (user.is_authenticated and user.is_active):
        return Tambon.objects.none()
    if user.is_superuser:
        return Tambon.objects.all()
    return Tambon.objects.filter(
        tambonuserobjectpermission__user=user,
        tambonuserobjectpermission__permission__codename="manage_tambon",
    )


def producers_visible_to(user: User) -> QuerySet[Producer]:
    return Producer.objects.filter(tambon__in=tambons_managed_by(user))


def officers_of(tambon_code: str) -> QuerySet[User]:
    """The officers assigned to a tambon (those holding its manage grant)."""
    return officers_of_tambons([tambon_code])


def officers_of_tambons(codes) -> QuerySet[User]:
    """The officers of several tambons, each row annotated with the
    ``tambon_code`` it serves (an officer of two tambons comes twice)."""
    return User.objects.filter(
        is_active=True,
        tambonuserobjectpermission__content_object_id__in=list(codes),
        tambonuserobjectpermission__permission__codename="manage_tambon",
    ).annotate(tambon_code=F("tambonuserobjectpermission__content_object_id"))


def registrations_due_for_renewal() -> QuerySet[ProducerRegistration]:
    """Approved registrations ending within the reminder window (Bangkok's
    today), the daily task's work; uses the (status, valid_until) index."""
    horizon = timezone.localdate() + dt.timedelta(
        days=settings.OTOP_REGISTRATION_REMINDER_DAYS
    )
    return ProducerRegistration.objects.filter(
        status=ProducerRegistration.Status.APPROVED, valid_until__lte=horizon
    ).order_by("valid_until", "pk")


def registration_producers_for(user: User) -> QuerySet[Producer]:
    """The producers whose OTOP registration ``user`` looks after: every
    producer for central staff holding ``approve_registration``, else those
    of the officer's tambons (an amphoe officer's covers the district)."""
    if not (user.is_authenticated and user.is_active):
        return Producer.objects.none()
    if user.has_perm("communities.approve_registration"):
        return Producer.objects.all()
    return producers_visible_to(user)
