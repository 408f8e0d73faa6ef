"""The ladder's append-only audit trail: what each event records."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.events import AppendOnlyEvent
from selection.models.nominations import Nomination
from selection.models.rankings import Ranking


class EventAction(models.TextChoices):
    """What a ladder event records (its code is what is stored)."""

    CREATED = "created", _("Created")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SHEET_SUBMITTED = "sheet_submitted", _("Score sheet submitted")
    RANKING_FINALIZED = "ranking_finalized", _("Ranking finalized")
    RANKING_REOPENED = "ranking_reopened", _("Ranking reopened")
    RANKING_APPROVED = "ranking_approved", _("Ranking approved")
    ENTRY_MOVED = "entry_moved", _("Position changed")
    FORWARDED = "forwarded", _("Forwarded to the next tier")
    NOT_SELECTED = "not_selected", _("Not selected")
    AWARDED = "awarded", _("Awarded")


class NominationEvent(AppendOnlyEvent):
    """Append-only audit trail of the ladder: every transition, score
    submission, ranking change and override."""

    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    ranking = models.ForeignKey(
        Ranking, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=32, choices=EventAction.choices)
    from_tier = models.CharField(max_length=8, blank=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_tier = models.CharField(max_length=8, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta(AppendOnlyEvent.Meta):
        ordering = ["at", "pk"]
        verbose_name = _("ladder event")
        verbose_name_plural = _("ladder events")
        constraints = [
            models.CheckConstraint(
                condition=Q(nomination__isnull=False) | Q(ranking__isnull=False),
                name="event_is_about_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
