from django.db.models import F, QuerySet

from accounts.models import User
from communities.models import Producer, Tambon


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
