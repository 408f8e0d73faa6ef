"""A committee's ranking in a round and its entries, in rank order."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from core.tiers import COMMITTEE_TIERS
from selection.models.nominations import Nomination
from selection.models.rounds import Round


class Ranking(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FINALIZED = "finalized", _("Finalized")
        APPROVED = "approved", _("Approved")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="rankings")
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="rankings"
    )
    tier = models.CharField(
        _("tier"), max_length=8, choices=[(t.value, t.label) for t in COMMITTEE_TIERS]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finalized by"),
    )
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "committee"],
                name="one_ranking_per_committee_and_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.round}"


class RankingEntry(models.Model):
    class Decision(models.TextChoices):
        UNDECIDED = "", _("Not decided")
        FORWARD = "forward", _("Forwarded")
        NOT_SELECTED = "not_selected", _("Not selected")

    ranking = models.ForeignKey(
        Ranking, on_delete=models.CASCADE, related_name="entries"
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="ranking_entries"
    )
    position = models.PositiveIntegerField(_("position"))
    mean_total = models.DecimalField(_("mean total"), max_digits=6, decimal_places=2)
    mean_a = models.DecimalField(max_digits=6, decimal_places=2)
    mean_b = models.DecimalField(max_digits=6, decimal_places=2)
    mean_c = models.DecimalField(max_digits=6, decimal_places=2)
    sheet_count = models.PositiveSmallIntegerField(_("sheets"))
    expected_sheets = models.PositiveSmallIntegerField(_("sheets expected"), default=0)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, blank=True
    )
    moved = models.BooleanField(_("moved by the secretary"), default=False)
    justification = models.TextField(_("justification"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        constraints = [
            models.UniqueConstraint(
                fields=["ranking", "nomination"], name="nomination_once_per_ranking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.nomination}"
