"""The national OTOP product registry: what central staff publish.

An entry is a snapshot taken at publication: later edits of the product or
producer do not change what the registry says about the awarded product.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.events import AppendOnlyEvent
from products.models import Product
from selection.models import Nomination


class RegistryCounter(models.Model):
    """The last sequence number used per B.E. year and province; its row is
    locked while a number is taken, so numbers are unique and never reused."""

    year_be = models.PositiveSmallIntegerField()
    province_code = models.CharField(max_length=2)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year_be", "province_code"],
                name="one_counter_per_year_province",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year_be}-{self.province_code}: {self.last}"


class RegistryEntryQuerySet(models.QuerySet):
    def listed(self):
        """Entries shown in lists, searches and exports (not revoked)."""
        return self.filter(revoked_at__isnull=True)


class RegistryEntry(models.Model):
    number = models.CharField(_("registry number"), max_length=24, unique=True)
    nomination = models.OneToOneField(
        Nomination, on_delete=models.PROTECT, related_name="registry_entry"
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="registry_entries",
        verbose_name=_("product"),
    )
    round_year = models.PositiveSmallIntegerField(_("round (C.E. year)"))
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    story = models.TextField(_("local-wisdom story"), blank=True)
    description = models.TextField(_("description"), blank=True)
    type_code = models.CharField(_("product type"), max_length=32)
    category_code = models.CharField(_("category"), max_length=32)
    category_th = models.CharField(max_length=150)
    category_en = models.CharField(max_length=150)
    producer_name_th = models.CharField(_("producer"), max_length=200)
    producer_name_en = models.CharField(max_length=200, blank=True)
    producer_phone = models.CharField(_("phone"), max_length=32, blank=True)
    producer_email = models.EmailField(_("email"), blank=True)
    tambon_code = models.CharField(max_length=6)
    amphoe_code = models.CharField(max_length=4)
    province_code = models.CharField(max_length=2)
    tambon_th = models.CharField(max_length=100)
    tambon_en = models.CharField(max_length=100)
    amphoe_th = models.CharField(max_length=100)
    amphoe_en = models.CharField(max_length=100)
    province_th = models.CharField(max_length=100)
    province_en = models.CharField(max_length=100)
    region_code = models.CharField(max_length=16)
    stars = models.PositiveSmallIntegerField(_("stars"))
    final_score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    photo = models.CharField(_("photo"), max_length=255, blank=True)
    thumbnail = models.CharField(max_length=255, blank=True)
    # [{"standard_th", "standard_en", "number", "issued_on", "expires_on"}, …]
    certificates = models.JSONField(_("certificates"), default=list)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    objects = RegistryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")
        permissions = [("publish_entry", _("Can publish and revoke registry entries"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5),
                name="registry_stars_one_to_five",
            ),
        ]
        indexes = [
            # The public list's facets and sorts, over listed entries only.
            models.Index(
                fields=["province_code", "amphoe_code"],
                condition=Q(revoked_at__isnull=True),
                name="registry_area",
            ),
            models.Index(
                fields=["-stars", "name_th"],
                condition=Q(revoked_at__isnull=True),
                name="registry_stars",
            ),
            models.Index(
                fields=["round_year", "type_code"],
                condition=Q(revoked_at__isnull=True),
                name="registry_round_type",
            ),
            # Covers every facet's GROUP BY: index-only scans, not the table.
            models.Index(
                fields=["province_code", "type_code", "stars", "round_year"],
                condition=Q(revoked_at__isnull=True),
                name="registry_facets",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name_th}"

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_th

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class RegistryEvent(AppendOnlyEvent):
    """Who published or revoked which entry, and why (append-only)."""

    entry = models.ForeignKey(
        RegistryEntry, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta(AppendOnlyEvent.Meta):
        ordering = ["at", "pk"]
        verbose_name = _("registry event")
        verbose_name_plural = _("registry events")

    def __str__(self) -> str:
        return f"{self.action} {self.entry_id}"
