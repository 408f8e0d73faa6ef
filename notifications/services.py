"""Writing notifications into the outbox; the inbox and email preferences.

``notify`` is called inside a transition's transaction: its rows commit or
roll back with the change, and the delivery task is queued only after commit.
Sending is ``notifications.delivery``'s, run by the Celery tasks.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import Delivery, EmailOptOut, EventType, Notification
from notifications.tasks import deliver_due

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Contact:
    """Someone who gets email but has no account (a producer's contact)."""

    email: str
    language: str = "th"


def notify(
    *,
    event_type: str,
    event_key: str,
    recipients: Iterable[User | Contact],
    context: dict | None = None,
    link: str = "",
) -> int:
    """Record the event for each recipient (in-app for users, email for
    everyone with an address who has not opted out). Idempotent per event key.
    Returns how many recipients were new."""
    context = context or {}
    users = {r.pk: r for r in recipients if isinstance(r, User) and r.is_active}
    contacts = {
        c.email.lower(): c for c in recipients if isinstance(c, Contact) and c.email
    }
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                event_type=event_type,
                event_key=event_key,
                context=context,
                link=link,
            )
            for user in users.values()
        ],
        ignore_conflicts=True,
    )
    notifications = {
        n.recipient_id: n
        for n in Notification.objects.filter(event_key=event_key, recipient__in=users)
    }
    opted_out = set(
        EmailOptOut.objects.filter(user__in=users, event_type=event_type).values_list(
            "user_id", flat=True
        )
    )
    deliveries = [
        Delivery(
            notification=notifications.get(user.pk),
            event_type=event_type,
            event_key=event_key,
            recipient=user,
            address=user.email,
            language=user.preferred_language,
            context=context,
            link=link,
        )
        for user in users.values()
        if user.email and user.pk not in opted_out
    ] + [
        Delivery(
            event_type=event_type,
            event_key=event_key,
            address=contact.email,
            language=contact.language,
            context=context,
            link=link,
        )
        for contact in contacts.values()
        if contact.email.lower() not in {u.email.lower() for u in users.values()}
    ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    if deliveries:
        transaction.on_commit(enqueue_delivery)
    return len(created)


def enqueue_delivery() -> None:
    """Ask a worker to send what is due; if the broker is down the rows wait
    for the sweeper, so nothing is lost."""
    try:
        deliver_due.delay()
    except Exception:  # the broker is unreachable: the beat sweeper retries
        logger.warning("could not queue the delivery task", exc_info=True)


@transaction.atomic
def deliveries_retry(*, actor: User, deliveries) -> int:
    """Central staff send failed deliveries again from the admin."""
    if not actor.has_perm("notifications.change_delivery"):
        raise PermissionDenied(_("Only central staff can retry deliveries."))
    count = deliveries.filter(status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        transaction.on_commit(enqueue_delivery)
    return count


def notification_mark_read(*, user: User, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def email_preferences_set(*, user: User, email_on: Iterable[str]) -> None:
    """Email for the given event types, in-app only for the others."""
    wanted = set(email_on)
    EmailOptOut.objects.filter(user=user, event_type__in=wanted).delete()
    EmailOptOut.objects.bulk_create(
        [
            EmailOptOut(user=user, event_type=event_type)
            for event_type in EventType.values
            if event_type not in wanted
        ],
        ignore_conflicts=True,
    )
