"""The ladder: rounds, their criteria, nominations, score sheets, rankings,
and the append-only audit trail (DESIGN.md §3)."""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from communities.models import Tambon
from core.buddhist_era import display_year, to_be
from core.events import AppendOnlyEvent
from core.storage import PrivateStorage
from core.tiers import COMMITTEE_TIERS, Tier
from products.models import Category, Product


class Part(models.TextChoices):
    """The three parts of the OTOP Product Champion score sheet."""

    A = "A", _("Part A (ก): community strength and production")
    B = "B", _("Part B (ข): marketing and the product's story")
    C = "C", _("Part C (ค): product quality")


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
    tambon_quota = models.PositiveSmallIntegerField(
        _("nominations per tambon"), default=5, validators=[MinValueValidator(1)]
    )
    amphoe_advance = models.PositiveSmallIntegerField(
        _("forwarded per district committee"), default=5
    )
    province_advance = models.PositiveSmallIntegerField(
        _("forwarded per provincial committee"), default=10
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

    def deadline_for(self, tier: str) -> dt.date:
        return getattr(self, f"{tier}_deadline")

    def advance_for(self, tier: str, category: Category | None = None) -> int:
        """How many nominations a committee of ``tier`` forwards (per type, if
        the round sets a quota for the type)."""
        if category is not None:
            quota = self.type_quotas.filter(tier=tier, category=category).first()
            if quota is not None:
                return quota.advance
        return {Tier.AMPHOE: self.amphoe_advance, Tier.PROVINCE: self.province_advance}[
            tier
        ]

    def stars_for(self, score: Decimal) -> int:
        band = (
            self.star_bands.filter(min_score__lte=score).order_by("-min_score").first()
        )
        return band.stars if band else 1


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


class TambonForum(models.Model):
    """The community forum (เวทีประชาคม) that chose the tambon's products."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="forums")
    tambon = models.ForeignKey(
        Tambon,
        on_delete=models.PROTECT,
        related_name="forums",
        verbose_name=_("tambon"),
    )
    held_on = models.DateField(_("held on"))
    attendee_count = models.PositiveIntegerField(
        _("attendees"), validators=[MinValueValidator(1)]
    )
    resolution = models.TextField(_("resolution"))
    minutes = models.FileField(
        _("minutes (PDF or photo)"), upload_to="forums/", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tambon forum")
        verbose_name_plural = _("tambon forums")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "tambon"], name="one_forum_per_tambon_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tambon} · {self.held_on}"


class Nomination(models.Model):
    """One product in one round, climbing the ladder."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for the committee")
        RETURNED = "returned", _("Returned for revision")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NOT_SELECTED = "not_selected", _("Not selected at this tier")
        AWARDED = "awarded", _("Awarded")

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="nominations"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="nominations"
    )
    tier = models.CharField(
        _("tier"), max_length=8, choices=Tier.choices, default=Tier.TAMBON
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT
    )
    # Denormalised at creation so every committee queue is one indexed query.
    tambon_code = models.CharField(_("tambon code"), max_length=6)
    amphoe_code = models.CharField(_("amphoe code"), max_length=4)
    province_code = models.CharField(_("province code"), max_length=2)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product type"),
    )
    forum = models.ForeignKey(
        TambonForum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("forum"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Where a returned nomination goes back to when it is resubmitted.
    returned_from = models.CharField(max_length=8, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    response = models.TextField(_("officer's response"), blank=True)
    provincial_score = models.DecimalField(
        _("provincial score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    final_score = models.DecimalField(
        _("final score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "product"], name="one_nomination_per_product_and_round"
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                name="nomination_stars_one_to_five",
            ),
        ]
        indexes = [
            # Committee queues: one committee's pending nominations in a round.
            models.Index(
                fields=["round", "tier", "state", "amphoe_code"],
                name="nom_amphoe_queue",
            ),
            models.Index(
                fields=["round", "tier", "state", "province_code"],
                name="nom_province_queue",
            ),
            # The officer's list and the tambon quota count.
            models.Index(fields=["round", "tambon_code"], name="nom_tambon"),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.round}"

    @property
    def is_active(self) -> bool:
        return self.state not in {self.State.WITHDRAWN, self.State.NOT_SELECTED}


class QueueNomination(Nomination):
    """The nominations a committee member has to score (the admin's queue)."""

    class Meta:
        proxy = True
        verbose_name = _("nomination to score")
        verbose_name_plural = _("nominations to score")


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


# Round documents (issue #10) ---------------------------------------------------------


def _round_document_path(instance: "RoundDocument", filename: str) -> str:
    """A generated name under the round's year: never the uploader's name."""
    return f"rounds/{instance.round.year}/{uuid.uuid4().hex}.pdf"


class RoundDocumentFile(FieldFile):
    """A round document's file: private, so its URL is the round page's view
    (which checks the round is announced), never a media path."""

    @property
    def url(self) -> str:
        document = self.instance
        return reverse(
            "rounds:document", args=[to_be(document.round.year), document.pk]
        )


class RoundDocumentField(models.FileField):
    attr_class = RoundDocumentFile


class RoundDocument(models.Model):
    """A policy, strategy or master-plan PDF central staff attach to a round;
    listed on the round's public page."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        STRATEGY = "strategy", _("Strategy")
        MASTER_PLAN = "master_plan", _("Master plan")
        CRITERIA = "criteria", _("Criteria and guidelines")
        OTHER = "other", _("Other")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title_th = models.CharField(_("title (Thai)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    # Private: the round page's view serves it, and only once the round is
    # announced (central staff may open a draft round's documents).
    file = RoundDocumentField(
        _("PDF file"), upload_to=_round_document_path, storage=PrivateStorage()
    )
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "uploaded_at", "pk"]
        verbose_name = _("round document")
        verbose_name_plural = _("round documents")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return (
            self.title_en if get_language() == "en" and self.title_en else self.title_th
        )
