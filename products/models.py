"""What a tambon makes: OTOP products, their photos and certificates."""

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from communities.models import Producer
from core.events import AuditEvent

MAX_IMAGES_PER_PRODUCT = 8


class Category(models.Model):
    """The five OTOP product types and their sub-types (a two-level tree).
    Products take a leaf; central staff edit the tree in the admin."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("product type"),
    )
    name_th = models.CharField(_("name (Thai)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        name = self.name_en if get_language() == "en" else self.name_th
        return name


class Standard(models.Model):
    """A standard a product can be certified to (อย., มผช., มอก., GMP …)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        return self.name_en if get_language() == "en" else self.name_th


class ProductQuerySet(models.QuerySet):
    def with_completeness(self, on: dt.date | None = None) -> "ProductQuerySet":
        """Annotate ``has_photo``, ``has_valid_certificate`` and ``is_complete``
        (the ladder's entry rule) without a query per product."""
        on = on or timezone.localdate()
        valid = Certification.objects.filter(product=OuterRef("pk")).valid_on(on)
        return self.annotate(
            has_photo=Exists(ProductImage.objects.filter(product=OuterRef("pk"))),
            has_valid_certificate=Exists(valid),
        ).annotate(
            is_complete=models.ExpressionWrapper(
                Q(has_photo=True)
                & Q(has_valid_certificate=True)
                & ~Q(story="")
                & ~Q(name_th=""),
                output_field=models.BooleanField(),
            )
        )


class Product(models.Model):
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("producer"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
        limit_choices_to={"parent__isnull": False, "is_active": True},
    )
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    story = models.TextField(
        _("local-wisdom story"),
        blank=True,
        help_text=_("ภูมิปัญญาท้องถิ่น: where the product comes from and who keeps it."),
    )
    price = models.DecimalField(
        _("price (baht)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    monthly_capacity = models.PositiveIntegerField(
        _("monthly capacity (units)"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name_th", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            # The import's natural key: one product name per producer.
            models.UniqueConstraint(
                fields=["producer", "name_th"], name="product_name_unique_per_producer"
            ),
        ]

    def __str__(self) -> str:
        return self.name_th

    def missing_for_completeness(self, on: dt.date | None = None) -> list[str]:
        """What stops this product from entering a selection round."""
        on = on or timezone.localdate()
        missing = []
        if not self.name_th:
            missing.append(_("a Thai name"))
        if not self.category_id:
            missing.append(_("a category"))
        if not self.story.strip():
            missing.append(_("the local-wisdom story"))
        if not self.images.exists():
            missing.append(_("at least one photo"))
        if not self.certifications.valid_on(on).exists():
            missing.append(_("at least one valid certificate"))
        return missing


class RawMaterial(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="raw_materials"
    )
    name = models.CharField(_("raw material"), max_length=150)
    is_local = models.BooleanField(
        _("local"), default=True, help_text=_("Sourced in the community or province.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("raw material")
        verbose_name_plural = _("raw materials")

    def __str__(self) -> str:
        return self.name


def _image_path(instance: "ProductImage", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"products/{uuid.uuid4().hex}{suffix}"


def _thumbnail_path(instance: "ProductImage", filename: str) -> str:
    return f"products/thumbs/{uuid.uuid4().hex}.webp"


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("photo"), upload_to=_image_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_thumbnail_path, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_primary = models.BooleanField(_("primary photo"), default=False)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(is_primary=True),
                name="one_primary_photo_per_product",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or str(_("Photo %(number)s") % {"number": self.order})


class CertificationQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> "CertificationQuerySet":
        return self.filter(
            Q(issued_on__isnull=True) | Q(issued_on__lte=day),
            Q(expires_on__isnull=True) | Q(expires_on__gte=day),
        )


class Certification(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="certifications"
    )
    standard = models.ForeignKey(
        Standard, on_delete=models.PROTECT, verbose_name=_("standard")
    )
    number = models.CharField(_("certificate number"), max_length=100)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("Leave empty if it never expires."),
    )

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["standard__order", "expires_on"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "standard", "number"],
                name="certificate_once_per_product",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="certificate_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.number}"

    def is_valid_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.issued_on is None or self.issued_on <= day) and (
            self.expires_on is None or self.expires_on >= day
        )

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


class ProductEvent(AuditEvent):
    """Who changed what of a product, and when (append-only): one row per
    write of the product services, in the write's own transaction."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("details changed")
        MATERIALS_SET = "materials_set", _("raw materials changed")
        PHOTO_ADDED = "photo_added", _("photo added")
        PHOTO_REMOVED = "photo_removed", _("photo removed")
        PRIMARY_PHOTO_SET = "primary_photo_set", _("primary photo chosen")
        CERTIFICATE_ADDED = "certificate_added", _("certificate added")
        CERTIFICATE_REMOVED = "certificate_removed", _("certificate removed")

    # PROTECT: the trail outlives nothing it describes; a product with a
    # history is not deleted (generated worlds purge their events first).
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("product"),
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    # The names of the product's fields an update changed (not their values).
    changed = models.JSONField(_("fields changed"), default=list, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("product event")
        verbose_name_plural = _("product events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.product}"


def _private_storage():
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def _import_path(instance: "ImportJob", filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ImportJob(models.Model):
    """One uploaded spreadsheet on its way in: checked, previewed, confirmed.

    Small files are checked and written during the request; large ones by
    Celery tasks, with progress saved here for the job page to show. The file
    is kept in private storage (never served) until the job ends.
    """

    class Kind(models.TextChoices):
        PRODUCERS = "producers", _("Producers")
        PRODUCTS = "products", _("Products")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        READY = "ready", _("Checked: ready to import")
        INVALID = "invalid", _("Has errors: nothing imported")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed: nothing imported")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    file = models.FileField(
        _("file"), upload_to=_import_path, storage=_private_storage, blank=True
    )
    filename = models.CharField(_("file name"), max_length=255)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    # {"errors": [[row, column, message], …], "new": n, "update": n,
    #  "created": n, "updated": n, "certificates_created": n, …}
    report = models.JSONField(_("report"), default=dict, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Touched by every progress report: the sweeper's sign of life.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            # The officer's list of their own imports, newest first.
            models.Index(fields=["user", "-created_at"], name="importjob_user_recent"),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_working(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def errors(self) -> list[list]:
        return self.report.get("errors", [])
