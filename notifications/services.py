"""Writing notifications into the outbox; the inbox and email preferences.

``notify`` is called inside a transition's transaction: its rows commit or
roll back with the change, and the delivery task is queued only after commit.
Sending is ``notifications.delivery``'s, run by the Celery tasks.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import (
    EMAIL_ONLY,
    Delivery,
    EmailOptOut,
    EventType,
    Notification,
)
from notifications.tasks import deliver_due

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Contact:
    """Someone who gets email but has no account (a producer's contact)."""

    email: str
    language: str = "th"


@dataclass(frozen=True)
class Message:
    """One occurrence to record: its key, who hears of it, and what it says."""

    event_key: str
    recipients: tuple
    context: dict
    link: str = ""


# Keys per statement when many messages are written at once (well under the
# SQLite and PostgreSQL limits on bound parameters).
BATCH = 500


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
    return notify_each(
        event_type=event_type,
        messages=[Message(event_key, tuple(recipients), context or {}, link)],
    )


def notify_each(*, event_type: str, messages: Iterable[Message]) -> int:
    """``notify`` for many occurrences of one event type at once (a whole
    ranking awarded, say): the same rows, written in a few statements per
    batch of keys instead of a few per occurrence."""
    messages = list(messages)
    written, delivering = 0, False
    for start in range(0, len(messages), BATCH):
        created, deliveries = _notify_batch(event_type, messages[start : start + BATCH])
        written, delivering = written + created, delivering or deliveries
    if delivering:
        transaction.on_commit(enqueue_delivery)
    return written


def _notify_batch(event_type: str, messages: list[Message]) -> tuple[int, bool]:
    users_of = {
        m.event_key: {
            r.pk: r for r in m.recipients if isinstance(r, User) and r.is_active
        }
        for m in messages
    }
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                event_type=event_type,
                event_key=m.event_key,
                context=m.context,
                link=m.link,
            )
            for m in messages
            for user in users_of[m.event_key].values()
        ],
        ignore_conflicts=True,
    )
    everyone = {pk for users in users_of.values() for pk in users}
    if not everyone:
        notifications = {}
        opted_out = set()
    else:
        notifications = {
            (n.event_key, n.recipient_id): n
            for n in Notification.objects.filter(
                event_key__in=list(users_of), recipient__in=everyone
            )
        }
        opted_out = set(
            EmailOptOut.objects.filter(
                user__in=everyone, event_type=event_type
            ).values_list("user_id", flat=True)
        )
    deliveries = []
    for m in messages:
        users = users_of[m.event_key]
        user_emails = {u.email.lower() for u in users.values()}
        contacts = {
            c.email.lower(): c
            for c in m.recipients
            if isinstance(c, Contact) and c.email
        }
        deliveries += [
            Delivery(
                notification=notifications.get((m.event_key, user.pk)),
                event_type=event_type,
                event_key=m.event_key,
                recipient=user,
                address=user.email,
                language=user.preferred_language,
                context=m.context,
                link=m.link,
            )
            for user in users.values()
            if user.email and user.pk not in opted_out
        ] + [
            Delivery(
                event_type=event_type,
                event_key=m.event_key,
                address=contact.email,
                language=contact.language,
                context=m.context,
                link=m.link,
            )
            for address, contact in contacts.items()
            if address not in user_emails
        ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(created), bool(deliveries)


def email_queue(
    *, event_type: str, event_key: str, recipient: User, context: dict | None = None
) -> bool:
    """Put one email to ``recipient`` in the outbox, with no inbox item and
    whatever their email settings (EMAIL_ONLY events). Idempotent per event
    key: returns False when that key was queued for the address already."""
    if event_type not in EMAIL_ONLY:
        raise ValueError(f"{event_type} is sent through notify()")
    if not (recipient.is_active and recipient.email):
        return False
    _, created = Delivery.objects.get_or_create(
        event_key=event_key,
        address=recipient.email,
        channel=Delivery.Channel.EMAIL,
        defaults={
            "event_type": event_type,
            "recipient": recipient,
            "language": recipient.preferred_language,
            "context": context or {},
        },
    )
    if created:
        transaction.on_commit(enqueue_delivery)
    return created


# One reset email per person per window: the form cannot flood a mailbox,
# and a second request inside the window waits for the first email.
PASSWORD_RESET_WINDOW = timedelta(minutes=10)


@transaction.atomic
def password_reset_email(*, user: User) -> bool:
    """Queue the password-reset email of ``user``. The link with its token
    is made when the email is sent (notifications.delivery), so the outbox
    row holds no secret and a retry after a lost worker still works."""
    window = int(timezone.now().timestamp() // PASSWORD_RESET_WINDOW.total_seconds())
    return email_queue(
        event_type=EventType.PASSWORD_RESET,
        event_key=f"password_reset:{user.pk}:{window}",
        recipient=user,
        context={
            "username": user.get_username(),
            "name": user.get_short_name(),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )


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
            if event_type not in wanted and event_type not in EMAIL_ONLY
        ],
        ignore_conflicts=True,
    )
