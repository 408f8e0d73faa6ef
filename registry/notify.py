"""Who hears that a product entered the national registry (DESIGN.md §5).

Called by ``registry_publish`` inside its transaction, so the notifications
commit or roll back with the entry.
"""

from collections.abc import Iterable

from django.urls import reverse

from communities.selectors import officers_of_tambons
from notifications.models import EventType
from notifications.services import Contact, notify
from registry.models import RegistryEntry
from selection.models import Nomination


def officers_by_tambon(codes: Iterable[str]) -> dict[str, list]:
    """The officers of several tambons in one query (not one per entry)."""
    officers: dict[str, list] = {}
    for officer in officers_of_tambons(set(codes)):
        officers.setdefault(officer.tambon_code, []).append(officer)
    return officers


def entry_published(
    entry: RegistryEntry, nomination: Nomination, officers: list
) -> None:
    """The tambon's officers, the producer's account and the producer's
    contact address learn the registry number and the public link."""
    producer = nomination.product.producer
    recipients = list(officers)
    if producer.user_id and producer.user.is_active:
        recipients.append(producer.user)
    if producer.email:
        recipients.append(Contact(email=producer.email))
    notify(
        event_type=EventType.ENTRY_PUBLISHED,
        event_key=f"registry:{entry.number}:published",
        recipients=recipients,
        context={
            "number": entry.number,
            "product": entry.name_th,
            "producer": entry.producer_name_th,
            "tambon": entry.tambon_th,
            "round": nomination.round.title_th,
            "stars": entry.stars,
        },
        link=reverse("registry:detail", args=[entry.number]),
    )
