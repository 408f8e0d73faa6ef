from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from committees.models import ConflictDeclaration, Membership
from communities.models import Producer
from communities.selectors import tambons_managed_by


def conflicts_for(user: User) -> QuerySet[Producer]:
    """Producers ``user`` may not score: declared conflicts, producers linked
    to the user's own account, and producers in tambons the user serves as
    officer. One query; usable as a subquery (``producer__in=``)."""
    declared = ConflictDeclaration.objects.filter(user=user, producer=OuterRef("pk"))
    return Producer.objects.filter(
        Q(Exists(declared)) | Q(user=user) | Q(tambon__in=tambons_managed_by(user))
    )


def is_conflicted(user: User, producer: Producer) -> bool:
    return conflicts_for(user).filter(pk=producer.pk).exists()


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's current memberships, with their committees' areas."""
    return (
        Membership.objects.current()
        .filter(user=user, committee__is_active=True)
        .select_related("committee__amphoe", "committee__province")
        .order_by("committee__tier", "committee__province_id", "committee__amphoe_id")
    )
