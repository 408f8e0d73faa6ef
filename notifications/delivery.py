"""Sending what waits in the outbox (written by ``notifications.services.notify``).

Sending claims one row at a time with ``SELECT … FOR UPDATE SKIP LOCKED`` and
marks it sent in the same short transaction, so two workers never send the
same row, a worker killed mid-way leaves its row pending for the next, and at
most the one message in flight at the moment of a crash can go out twice
(it carries a stable Message-ID for receivers to drop the copy). The Celery
tasks call this module; it calls nothing back.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.services import password_reset_path
from notifications.models import Delivery, EventType

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)
STALE_AFTER = dt.timedelta(minutes=5)


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


def _link_of(delivery: Delivery) -> str:
    """A password-reset link signs its holder in, so it is made as the email
    goes out and never stored in the outbox."""
    if delivery.event_type == EventType.PASSWORD_RESET:
        return password_reset_path(user=delivery.recipient)
    return delivery.link


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
                delivery.event_type,
                delivery.context,
                _link_of(delivery),
                delivery.language,
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
