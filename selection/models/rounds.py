"""A round and its plan: the parts of the score sheet, the deadlines and
quotas, the quotas by product type, the star bands and the criteria."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.buddhist_era import display_year
from core.tiers import COMMITTEE_TIERS, Tier
from products.models import Category, Standard
from selection.models.plans import Part, Plan, Preset, plan_of

__all__ = ["Criterion", "Part", "Round", "StarBand", "TypeQuota", "stars_from_bands"]


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Quorum(models.TextChoices):
        ALL = "all", _("Every member has submitted")
        MINIMUM = "minimum", _("At least a minimum number of sheets")

    year = models.PositiveSmallIntegerField(
        _("year (C.E.)"), help_text=_("Stored in C.E.; shown in B.E. in Thai.")
    )
    title_th = models.CharField(_("title (Thai)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    tambon_deadline = models.DateField(_("tambon submissions close"))
    amphoe_deadline = models.DateField(_("district rankings close"))
    province_deadline = models.DateField(_("provincial rankings close"))
    central_deadline = models.DateField(_("central awards close"))
    preset = models.CharField(
        _("plan"),
        max_length=8,
        choices=Preset.choices,
        default=Preset.LADDER,
        help_text=_("The preset the round's plan started from."),
    )
    # Who may enter (selection.eligibility), judged on the cut-off date.
    cutoff_date = models.DateField(
        _("eligibility cut-off date"),
        null=True,
        blank=True,
        help_text=_(
            "Certificates and registrations must be valid on this day; "
            "empty: the tambon submission deadline."
        ),
    )
    require_registration = models.BooleanField(
        _("registered OTOP producers only"), default=False
    )
    eligible_standards = models.ManyToManyField(
        Standard,
        blank=True,
        related_name="+",
        verbose_name=_("standards accepted"),
        help_text=_(
            "A product needs a certificate of one of these valid on the "
            "cut-off date; none chosen: no standard is required."
        ),
    )
    eligible_types = models.ManyToManyField(
        Category,
        blank=True,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
        verbose_name=_("product types taken"),
        help_text=_("None chosen: every product type."),
    )
    quorum = models.CharField(
        _("quorum to finalize"),
        max_length=8,
        choices=Quorum.choices,
        default=Quorum.ALL,
    )
    quorum_minimum = models.PositiveSmallIntegerField(
        _("minimum sheets per nomination"), default=3
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        permissions = [("manage_round", _("Can manage selection rounds"))]
        constraints = [
            models.UniqueConstraint(fields=["year"], name="one_round_per_year"),
            models.CheckConstraint(
                condition=Q(tambon_deadline__lte=models.F("amphoe_deadline"))
                & Q(amphoe_deadline__lte=models.F("province_deadline"))
                & Q(province_deadline__lte=models.F("central_deadline")),
                name="round_deadlines_in_ladder_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def unique_error_message(self, model_class, unique_check):
        # one_round_per_year, in the words of the people who run the rounds
        if tuple(unique_check) == ("year",):
            return ValidationError(
                _("A round for %(year)s exists already."),
                code="unique",
                params={"year": display_year(self.year)},
            )
        return super().unique_error_message(model_class, unique_check)

    @property
    def title(self) -> str:
        return (
            self.title_en if get_language() == "en" and self.title_en else self.title_th
        )

    @property
    def cutoff(self) -> dt.date:
        """The day eligibility is judged on."""
        return self.cutoff_date or self.tambon_deadline

    def deadline_for(self, tier: str) -> dt.date:
        return getattr(self, f"{tier}_deadline")

    @property
    def plan(self) -> Plan:
        """The tiers that take part and what each does (selection.models.plans)."""
        return plan_of(self)

    def advance_for(self, tier: str, category: Category | None = None) -> int | None:
        """How many nominations a committee of ``tier`` forwards under a quota
        (per type, if the round sets a quota for the type); None when the
        tier does not forward by quota."""
        if category is not None:
            quota = self.type_quotas.filter(tier=tier, category=category).first()
            if quota is not None:
                return quota.advance
        step = self.plan.step(tier)
        return step.quota if step is not None and step.advance == "quota" else None

    def stars_for(self, score: Decimal) -> int:
        bands = self.star_bands.order_by("-min_score").values_list("stars", "min_score")
        return stars_from_bands(bands, score)


def stars_from_bands(bands, score: Decimal) -> int:
    """The stars of the highest band ``score`` reaches (one below every band):
    ``bands`` are a round's (stars, min_score), highest minimum first, so that
    awarding many reads the bands once."""
    return next((stars for stars, low in bands if low <= score), 1)


class TypeQuota(models.Model):
    """A per-product-type number forwarded by each committee of a tier."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="type_quotas"
    )
    tier = models.CharField(
        _("tier"),
        max_length=8,
        choices=[
            (Tier.AMPHOE, Tier.AMPHOE.label),
            (Tier.PROVINCE, Tier.PROVINCE.label),
        ],
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        limit_choices_to={"parent__isnull": True},
        verbose_name=_("product type"),
    )
    advance = models.PositiveSmallIntegerField(
        _("forwarded"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("quota by product type")
        verbose_name_plural = _("quotas by product type")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "tier", "category"], name="one_quota_per_type_and_tier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} · {self.category}: {self.advance}"


class StarBand(models.Model):
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="star_bands"
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    min_score = models.DecimalField(
        _("from score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["-stars"]
        verbose_name = _("star band")
        verbose_name_plural = _("star bands")
        constraints = [
            models.UniqueConstraint(fields=["round", "stars"], name="one_band_per_star")
        ]

    def __str__(self) -> str:
        return f"{'★' * self.stars} ≥ {self.min_score}"


DEFAULT_STAR_BANDS = ((5, 90), (4, 80), (3, 70), (2, 50), (1, 0))


class Criterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    tier = models.CharField(
        _("tier"),
        max_length=8,
        choices=[(t.value, t.label) for t in COMMITTEE_TIERS],
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"parent__isnull": True},
        verbose_name=_("product type"),
        help_text=_("Leave empty for criteria that apply to every product type."),
    )
    part = models.CharField(_("part"), max_length=1, choices=Part.choices)
    code = models.CharField(_("code"), max_length=16)
    title_th = models.CharField(_("title (Thai)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["tier", "category_id", "part", "order", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "tier", "category", "code"],
                condition=Q(category__isnull=False),
                name="criterion_code_unique_per_type_sheet",
            ),
            models.UniqueConstraint(
                fields=["round", "tier", "code"],
                condition=Q(category__isnull=True),
                name="criterion_code_unique_per_general_sheet",
            ),
        ]

    def __str__(self) -> str:
        title = (
            self.title_en if get_language() == "en" and self.title_en else self.title_th
        )
        return f"{self.code} {title}"
