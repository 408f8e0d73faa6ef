"""Removing the demo world, and only it."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError, Q

from accounts.models import User
from committees.models import Committee, Membership, MembershipEvent
from communities.models import (
    OfficerAssignmentEvent,
    Producer,
    ProducerRegistration,
    ProducerRegistrationEvent,
)
from core.buddhist_era import to_be
from devdata.demo.data import USERNAMES
from devdata.demo.status import DemoConflict, demo_rounds
from products.models import Product, ProductEvent, ProductImage
from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
from selection.models import (
    Nomination,
    NominationEvent,
    Ranking,
    TambonForum,
)
from support.models import SupportAction, SupportPlan, SupportPlanEvent


@transaction.atomic
def demo_remove() -> None:
    """Delete the demo world and only it: its rounds with everything in them,
    the products of producers its officers registered, its committees, its
    users. Geography, categories and every other row stay.

    The audit trails are append-only for people; here the demo's own events
    (of its rounds' nominations and rankings, of its products) go with the
    rows they describe, through ``purge()``, the one way past the append-only
    guards (and PostgreSQL's trigger). Anything else that points at a demo
    row (a demo member who scored in another round, say) stops the removal:
    DemoConflict.
    """
    users = User.objects.filter(username__in=USERNAMES)
    rounds = demo_rounds()
    producers = Producer.objects.filter(created_by__in=users)
    products = Product.objects.filter(producer__in=producers)
    nominations = Nomination.objects.filter(round__in=rounds)
    entries = RegistryEntry.objects.filter(nomination__in=nominations)
    files = _file_names(entries, "photo", "thumbnail") + _file_names(
        ProductImage.objects.filter(product__in=products), "image", "thumbnail"
    )
    # One round per year: the numbers of the demo rounds' years are all the
    # demo's, so their counters restart and a rebuild gets the same numbers.
    counters = RegistryCounter.objects.filter(
        year_be__in=[to_be(year) for year in rounds.values_list("year", flat=True)]
    )
    committees = Committee.objects.filter(
        pk__in=Membership.objects.filter(user__in=users).values("committee")
    ).exclude(pk__in=Membership.objects.exclude(user__in=users).values("committee"))
    try:
        RegistryEvent.objects.filter(entry__in=entries).purge()
        entries.delete()
        counters.delete()
        NominationEvent.objects.filter(
            Q(nomination__in=nominations) | Q(ranking__round__in=rounds)
        ).purge()
        SupportPlanEvent.objects.filter(plan__round__in=rounds).purge()
        SupportAction.objects.filter(plan__round__in=rounds).delete()
        SupportPlan.objects.filter(round__in=rounds).delete()
        Ranking.objects.filter(round__in=rounds).delete()
        nominations.delete()
        TambonForum.objects.filter(round__in=rounds).delete()
        rounds.delete()
        ProductEvent.objects.filter(product__in=products).purge()
        products.delete()
        registrations = ProducerRegistration.objects.filter(producer__in=producers)
        ProducerRegistrationEvent.objects.filter(registration__in=registrations).purge()
        registrations.delete()
        producers.delete()
        committee_ids = list(committees.values_list("pk", flat=True))
        MembershipEvent.objects.filter(committee__in=committee_ids).purge()
        Committee.objects.filter(pk__in=committee_ids).delete()
        OfficerAssignmentEvent.objects.filter(assignment__user__in=users).purge()
        users.delete()
    except ProtectedError as error:
        blocking = sorted({str(obj) for obj in error.protected_objects})[:5]
        raise DemoConflict(
            "Other rows point at the demo world, so it was left as it was: "
            + "; ".join(blocking)
        ) from error
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])


def _file_names(queryset, *fields) -> list[str]:
    return [name for row in queryset.values_list(*fields) for name in row if name]
