"""Writing notifications into the outbox, and sending what waits there.

``notify`` is called inside a transition's transaction: its rows commit or
roll back with the change, and the delivery task is queued only after commit.
Sending claims one row at a time with ``SELECT … FOR UPDATE SKIP LOCKED`` and
marks it sent in the same short transaction, so two workers never send the
same row, a worker killed mid-way leaves its row pending for the next, and at
most the one message in flight at the moment of a crash can go out twice
(it carries a stable Message-ID for receivers to drop the copy).
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import Delivery, EmailOptOut, EventType, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)
STALE_AFTER = dt.timedelta(minutes=5)


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
    from notifications.tasks import deliver_due

    try:
        deliver_due.delay()
    except Exception:  # the broker is unreachable: the beat sweeper retries
        logger.warning("could not queue the delivery task", exc_info=True)


def render(
    event_type: str, context: dict, link: str, language: str
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the message, in ``language``."""
    data = {**context, "link": _absolute(link), "event_type": event_type}
    with translation.override(language):
        subject = render_to_string(f"notifications/{event_type}/subject.txt", data)
        body = render_to_string(f"notifications/{event_type}/body.txt", data).strip()
        html = render_to_string(
            "notifications/email.html",
            {**data, "subject": subject.strip(), "body_text": body},
        )
    text = f"{body}\n\n{data['link']}" if data["link"] else body
    return " ".join(subject.split()), text, html


def _absolute(link: str) -> str:
    if not link or link.startswith("http"):
        return link
    return settings.SITE_URL.rstrip("/") + link


def deliveries_send_due(*, limit: int | None = None) -> int:
    """Send due deliveries one at a time until none is left (or ``limit``)."""
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        while limit is None or sent < limit:
            outcome = _send_next(connection)
            if outcome is None:
                break
            sent += outcome
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken SMTP connection must not mask work
            logger.debug("closing the mail connection failed", exc_info=True)
    return sent


def _send_next(connection) -> int | None:
    """Claim, send and mark one due delivery; None when nothing is due."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            subject, text, html = render(
                delivery.event_type, delivery.context, delivery.link, delivery.language
            )
            message = EmailMultiAlternatives(
                subject,
                text,
                settings.DEFAULT_FROM_EMAIL,
                [delivery.address],
                headers={"Message-ID": delivery.message_id},
                connection=connection,
            )
            message.attach_alternative(html, "text/html")
            message.send()
        except Exception as error:  # any failure of rendering or sending retries
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            else:
                delay = min(FIRST_RETRY * 2 ** (delivery.attempts - 1), LONGEST_RETRY)
                delivery.next_attempt_at = timezone.now() + delay
            delivery.save(
                update_fields=["attempts", "last_error", "status", "next_attempt_at"]
            )
            return 0
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["attempts", "status", "sent_at"])
        return 1


def deliveries_stale(now: dt.datetime | None = None):
    """Pending rows that should have gone out a while ago (their task was lost)."""
    now = now or timezone.now()
    return Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=now - STALE_AFTER
    )


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
