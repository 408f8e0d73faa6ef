from django.db.models import Case, IntegerField, Q, QuerySet, When

from accounts.models import User
from committees.models import Committee, ConflictDeclaration, Kind, Membership, Tier
from communities.models import Producer
from communities.selectors import tambons_managed_by


def conflicts_for(user: User) -> QuerySet[Producer]:
    """Producers ``user`` may not score: declared conflicts, producers linked
    to the user's own account, and producers in tambons the user serves as
    officer. One query; usable as a subquery (``producer__in=``)."""
    # The declarations as a set (not a correlated EXISTS per producer): the
    # whole list of conflicts is then one pass over the producers.
    declared = ConflictDeclaration.objects.filter(user=user).values("producer")
    return Producer.objects.filter(
        Q(pk__in=declared) | Q(user=user) | Q(tambon__in=tambons_managed_by(user))
    )


def conflicts_of(users) -> dict[int, set[int]]:
    """conflicts_for of several users at once, as ids: user id → the ids of
    the producers they may not score. Three queries whatever the number of
    users (a ranking asks it for every member of every panel), each on an
    index; the same sets as ``conflicts_for(user)`` (tests hold them equal)."""
    users = list(users)
    found: dict[int, set[int]] = {user.pk: set() for user in users}
    pks = list(found)
    pairs = [
        *ConflictDeclaration.objects.filter(user__in=pks).values_list(
            "user_id", "producer_id"
        ),
        *Producer.objects.filter(user__in=pks).values_list("user_id", "pk"),
    ]
    officers = []  # tambons_managed_by: none for the inactive, all for superusers
    for user in users:
        if not (user.is_authenticated and user.is_active):
            continue
        if user.is_superuser:  # rare: their own query
            found[user.pk] |= set(conflicts_for(user).values_list("pk", flat=True))
        else:
            officers.append(user.pk)
    pairs += Producer.objects.filter(
        tambon__tambonuserobjectpermission__user__in=officers,
        tambon__tambonuserobjectpermission__permission__codename="manage_tambon",
    ).values_list("tambon__tambonuserobjectpermission__user", "pk")
    for user_id, producer_id in pairs:
        found[user_id].add(producer_id)
    return found


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


# Central subcommittees -----------------------------------------------------------


def active_subcommittees() -> QuerySet[Committee]:
    return Committee.objects.filter(tier=Tier.CENTRAL, is_active=True).exclude(
        kind=Kind.MAIN
    )


def subcommittee_types() -> QuerySet:
    """Ids of the product types an active subcommittee scores (a subquery)."""
    return Committee.product_types.through.objects.filter(
        committee__in=active_subcommittees()
    ).values("category_id")


def central_scorers_for(category) -> QuerySet[Committee]:
    """The active central committees that may score a product type (an id, a
    Category or an ``OuterRef``), the responsible one first: the subcommittee
    given the type, else the national committee. Take ``[:1]`` or first()."""
    return (
        Committee.objects.filter(tier=Tier.CENTRAL, is_active=True)
        .filter(Q(kind=Kind.MAIN) | Q(product_types=category))
        .annotate(
            is_national=Case(
                When(kind=Kind.MAIN, then=1), default=0, output_field=IntegerField()
            )
        )
        .order_by("is_national", "pk")
    )


def central_routing() -> dict[int, Committee]:
    """Product type id → the active subcommittee that scores it (types missing
    here are scored by the national committee). One query."""
    routing: dict[int, Committee] = {}
    rows = (
        Committee.product_types.through.objects.filter(
            committee__in=active_subcommittees()
        )
        .select_related("committee")
        .order_by("committee_id")
    )
    for row in rows:
        routing.setdefault(row.category_id, row.committee)
    return routing
