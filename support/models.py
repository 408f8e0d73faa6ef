"""Support plans (issue #10): what a district or provincial committee plans
for the nominations it ranked, action by action with a budget, and the
plan's append-only trail.

The models moved here from ``selection`` (migration ``support.0001``) and
keep their tables, so their rows, constraints and the PostgreSQL trigger of
the trail stayed where they were."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from core.events import AppendOnlyEvent
from selection.models import Nomination, Round


class SupportKind(models.TextChoices):
    PACKAGING = "packaging", _("Packaging and design")
    STANDARDS = "standards", _("Standards and certification")
    MARKETING = "marketing", _("Marketing and fairs")
    PRODUCTION = "production", _("Production technology")
    TRAINING = "training", _("Training")
    ECOMMERCE = "ecommerce", _("E-commerce")
    OTHER = "other", _("Other")


class FundingSource(models.TextChoices):
    DISTRICT = "district", _("District")
    PROVINCE = "province", _("Province")
    CDD = "cdd", _("Community Development Department")
    LOCAL = "local", _("Local administration")
    OTHER = "other", _("Other")


class SupportPlan(models.Model):
    """A district or provincial committee's plan to support the nominations
    it ranked in a round. The secretary edits it, the chair approves it as a
    whole; once approved only the actions' status and outcome change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="support_plans"
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="support_plans"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "selection_supportplan"
        ordering = ["round", "committee"]
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "committee"], name="one_support_plan_per_committee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.round}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class SupportAction(models.Model):
    """One support action for one ranked nomination, with its budget."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="actions"
    )
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        related_name="support_actions",
        verbose_name=_("nomination"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SupportKind.choices)
    description = models.TextField(_("description"))
    agency = models.CharField(_("responsible agency"), max_length=200)
    budget = models.DecimalField(
        _("budget (baht)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    source = models.CharField(
        _("funding source"), max_length=16, choices=FundingSource.choices
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year (B.E.)"),
        help_text=_("The Thai fiscal year, October to September, in B.E."),
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "selection_supportaction"
        ordering = ["plan", "fiscal_year", "quarter", "pk"]
        verbose_name = _("support action")
        verbose_name_plural = _("support actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="support_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="support_quarter_one_to_four",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.nomination.product}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class SupportPlanEvent(AppendOnlyEvent):
    """Append-only trail of a support plan: every edit, approval, reopening
    and progress report. ``item`` is the action's id (kept after a draft
    action is deleted, so it is not a foreign key)."""

    class Action(models.TextChoices):
        ADDED = "added", _("Action added")
        UPDATED = "updated", _("Action changed")
        DELETED = "deleted", _("Action deleted")
        APPROVED = "approved", _("Plan approved")
        REOPENED = "reopened", _("Plan reopened")
        PROGRESS = "progress", _("Progress reported")

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.PROTECT, related_name="events"
    )
    item = models.PositiveIntegerField(_("support action"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta(AppendOnlyEvent.Meta):
        db_table = "selection_supportplanevent"
        ordering = ["at", "pk"]
        verbose_name = _("support plan event")
        verbose_name_plural = _("support plan events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
