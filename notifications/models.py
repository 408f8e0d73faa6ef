"""In-app notifications and the email outbox (DESIGN.md §5).

A transition writes its Notification and Delivery rows in its own
transaction, so a rolled-back change notifies nobody and a committed one is
never forgotten: the rows wait in the outbox until a worker sends them.
This app knows recipients, templates and links, never a domain model.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    NOMINATION_SUBMITTED = (
        "nomination_submitted",
        _("A nomination reached your committee"),
    )
    NOMINATION_RETURNED = "nomination_returned", _("A nomination was returned to you")
    RANKING_FINALIZED = "ranking_finalized", _("A ranking awaits your approval")
    RANKING_APPROVED = "ranking_approved", _("A ranking was approved")
    NOMINATION_AWARDED = "nomination_awarded", _("A product was awarded stars")
    ENTRY_PUBLISHED = (
        "entry_published",
        _("A product was published in the national registry"),
    )
    MEMBERSHIP_GRANTED = "membership_granted", _("You were appointed to a committee")
    MEMBERSHIP_REVOKED = "membership_revoked", _("Your committee membership ended")
    IMPORT_FINISHED = "import_finished", _("Your import finished")
    IMPORT_FAILED = "import_failed", _("Your import failed")
    DEADLINE_REMINDER = "deadline_reminder", _("Score sheets are due soon")
    REGISTRATION_RENEWAL_DUE = (
        "registration_renewal_due",
        _("An OTOP producer registration is due for renewal"),
    )
    PASSWORD_RESET = "password_reset", _("You asked to reset your password")


# Sent by email only and always: no inbox item, no opting out (a password
# reset is asked for by someone who cannot sign in).
EMAIL_ONLY = frozenset({EventType.PASSWORD_RESET})


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    event_type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    # Identifies the event: the same event never notifies a person twice.
    event_key = models.CharField(_("event key"), max_length=200)
    context = models.JSONField(_("details"), default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="one_notification_per_event"
            )
        ]
        indexes = [
            # The bell: a user's unread count, on every page.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} → {self.recipient}"


class Delivery(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # A user's delivery belongs to their in-app notification; a producer's
    # contact address (not a user of the portal) gets the email alone.
    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    event_type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    event_key = models.CharField(_("event key"), max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, default="th")
    context = models.JSONField(_("details"), default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    address = models.EmailField(_("address"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # The address stands for the recipient on the email channel.
            models.UniqueConstraint(
                fields=["event_key", "address", "channel"],
                name="one_delivery_per_event_recipient_and_channel",
            )
        ]
        indexes = [
            # The outbox: pending rows due now, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} · {self.get_status_display()}"

    @property
    def message_id(self) -> str:
        """Stable per delivery, so a receiver can drop a resent copy."""
        return f"<delivery-{self.pk}@otop-portal>"


class EmailOptOut(models.Model):
    """A user's choice to get an event type in the inbox only, not by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_opt_outs",
    )
    event_type = models.CharField(_("event"), max_length=32, choices=EventType.choices)

    class Meta:
        verbose_name = _("email opt-out")
        verbose_name_plural = _("email opt-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event_type"], name="one_opt_out_per_event_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event_type}"
