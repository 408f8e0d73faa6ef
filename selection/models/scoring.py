"""A committee member's score sheet for a nomination at a tier, and its
points per criterion."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from core.tiers import COMMITTEE_TIERS
from selection.models.nominations import Nomination
from selection.models.rounds import Criterion


class ScoreSheet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="sheets"
    )
    tier = models.CharField(
        _("tier"), max_length=8, choices=[(t.value, t.label) for t in COMMITTEE_TIERS]
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="sheets"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sheets"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comment = models.TextField(_("comment"), blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, default=0)
    part_a = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    part_b = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    part_c = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "tier", "member"],
                name="one_sheet_per_member_and_tier",
            )
        ]
        indexes = [
            # The ranking's means: a committee's submitted sheets at a tier.
            models.Index(fields=["committee", "tier", "status"], name="sheet_committee")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.nomination}"


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="score_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"
