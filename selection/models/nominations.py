"""The tambon's community forum and the nominations it chose, climbing the
ladder; the admin's queue of nominations to score is a proxy of them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Tambon
from core.tiers import Tier
from products.models import Category, Product
from selection.models.rounds import Round


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
            # The central queue of a subcommittee: its product types.
            models.Index(
                fields=["round", "tier", "state", "category"],
                name="nom_type_queue",
            ),
            # The committee queue's pages in the admin's order (tier, area,
            # id): a page is read off the index, not sorted out of the queue.
            models.Index(
                fields=["tier", "province_code", "amphoe_code", "tambon_code", "id"],
                condition=Q(state="pending"),
                name="nom_pending_queue_order",
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
