"""Thailand's administrative geography, keyed by the DOPA codes.

The codes are the natural primary keys: 2 digits for a province (changwat),
4 for an amphoe (district; khet in Bangkok), 6 for a tambon (subdistrict;
khwaeng in Bangkok). An area's code starts with its parent's, so area filters
can use the code alone. Rows are loaded by ``manage.py load_geography`` from the
``geothai`` package (data: GeoThai, CC BY 4.0) and are read-only in the admin.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.events import AuditEvent


class BilingualName(models.Model):
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Thai unless English is active)."""
        return self.name_en if get_language() == "en" else self.name_th


class Region(BilingualName):
    """One of the six geographical regions (ภาค) of the National Geographical
    Committee's scheme, used to group provinces in reports."""

    code = models.CharField(_("code"), max_length=16, primary_key=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(BilingualName):
    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="provinces",
        verbose_name=_("region"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Amphoe(BilingualName):
    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="amphoes",
        verbose_name=_("province"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("amphoe (district)")
        verbose_name_plural = _("amphoes (districts)")


class Tambon(BilingualName):
    code = models.CharField(_("DOPA code"), max_length=6, primary_key=True)
    amphoe = models.ForeignKey(
        Amphoe,
        on_delete=models.PROTECT,
        related_name="tambons",
        verbose_name=_("amphoe (district)"),
    )
    # Denormalised from the amphoe so province-wide lists need no join.
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="tambons",
        verbose_name=_("province"),
    )
    postal_codes = models.CharField(
        _("postal codes"),
        max_length=64,
        blank=True,
        help_text=_("Comma-separated; a few tambons have more than one."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("tambon (subdistrict)")
        verbose_name_plural = _("tambons (subdistricts)")
        permissions = [
            ("manage_tambon", _("Can register the tambon's producers and products")),
        ]

    @property
    def postal_code_list(self) -> list[str]:
        return [code for code in self.postal_codes.split(",") if code]


class TambonUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key table for per-tambon grants: joins by key,
    not by a text ``object_pk``, so scoping a list is one indexed query."""

    content_object = models.ForeignKey(Tambon, on_delete=models.CASCADE)


class TambonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Tambon, on_delete=models.CASCADE)


class OfficerAssignment(models.Model):
    """A community development officer's responsibility for a tambon, or for
    every tambon of an amphoe. The assignment services turn it into guardian
    grants on the Tambon rows; revoking keeps the row as history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer_assignments",
        verbose_name=_("officer"),
    )
    tambon = models.ForeignKey(
        Tambon,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officer_assignments",
        verbose_name=_("tambon"),
    )
    amphoe = models.ForeignKey(
        Amphoe,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officer_assignments",
        verbose_name=_("whole amphoe"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["-assigned_at"]
        verbose_name = _("officer assignment")
        verbose_name_plural = _("officer assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(tambon__isnull=False, amphoe__isnull=True)
                    | models.Q(tambon__isnull=True, amphoe__isnull=False)
                ),
                name="assignment_is_a_tambon_or_an_amphoe",
            ),
            models.UniqueConstraint(
                fields=["user", "tambon"],
                condition=models.Q(revoked_at__isnull=True, tambon__isnull=False),
                name="one_active_assignment_per_officer_and_tambon",
            ),
            models.UniqueConstraint(
                fields=["user", "amphoe"],
                condition=models.Q(revoked_at__isnull=True, amphoe__isnull=False),
                name="one_active_assignment_per_officer_and_amphoe",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.tambon or self.amphoe}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OfficerAssignmentEvent(AuditEvent):
    """Who assigned or revoked an officer's tambon or amphoe, and when."""

    class Action(models.TextChoices):
        # In context: a committee's "granted"/"revoked" reads appointed/removed.
        GRANTED = "granted", pgettext_lazy("officer assignment", "granted")
        REVOKED = "revoked", pgettext_lazy("officer assignment", "revoked")

    # PROTECT: the trail outlives nothing it describes; assignments are
    # revoked, not deleted.
    assignment = models.ForeignKey(
        OfficerAssignment,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("officer assignment"),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = _("officer assignment event")
        verbose_name_plural = _("officer assignment events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.assignment}"


class Producer(models.Model):
    """Who makes an OTOP product: a community group or enterprise, a single
    owner, or an SME, producing in one tambon."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community group / community enterprise")
        SINGLE_OWNER = "single_owner", _("Single owner")
        SME = "sme", _("SME")

    kind = models.CharField(_("producer type"), max_length=16, choices=Kind.choices)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    registration_number = models.CharField(
        _("registration number"),
        max_length=50,
        blank=True,
        help_text=_("Community enterprise or company registration number, if any."),
    )
    tambon = models.ForeignKey(
        Tambon,
        on_delete=models.PROTECT,
        related_name="producers",
        verbose_name=_("tambon of the production site"),
    )
    address = models.TextField(_("address"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    member_count = models.PositiveIntegerField(
        _("members"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For community groups and enterprises."),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded (year)"), null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="producers",
        verbose_name=_("producer's user account"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~models.Q(registration_number=""),
                name="producer_registration_number_unique_when_given",
            ),
            # The import's natural key when there is no registration number.
            models.UniqueConstraint(
                fields=["tambon", "name_th"], name="producer_name_unique_in_tambon"
            ),
        ]

    def __str__(self) -> str:
        return self.name_th


class ProducerRegistration(models.Model):
    """A producer's registration as an OTOP producer (ทะเบียนผู้ผลิต ผู้ประกอบการ
    OTOP): applied for at the tambon, approved by the district, renewed before
    it lapses, cancelled with a reason. Entrants of a selection round must
    hold a valid one (``is_valid_on``).

    Not ``Producer.registration_number``, which is the community enterprise or
    company number. ``number`` is given at approval: typed by the officer
    (an existing paper number) or generated as ``OTOP-<province>-<B.E.
    year>-<sequence>`` (communities.services.registration_number_next).
    """

    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("otop registration status", "Applied")
        APPROVED = "approved", pgettext_lazy("otop registration status", "Approved")
        RENEWAL_DUE = (
            "renewal_due",
            pgettext_lazy("otop registration status", "Renewal due"),
        )
        CANCELLED = "cancelled", pgettext_lazy("otop registration status", "Cancelled")

    # Statuses in which the registration counts, up to ``valid_until``.
    HOLDING = (Status.APPROVED, Status.RENEWAL_DUE)

    producer = models.OneToOneField(
        Producer,
        on_delete=models.PROTECT,
        related_name="registration",
        verbose_name=_("producer"),
    )
    number = models.CharField(_("OTOP registration number"), max_length=32, blank=True)
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPLIED
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
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    cancelled_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["producer__name_th"]
        verbose_name = _("OTOP producer registration")
        verbose_name_plural = _("OTOP producer registrations")
        permissions = [
            ("approve_registration", _("Can approve and cancel OTOP registrations")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="otop_registration_number_unique_when_given",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "renewal_due"])
                | (models.Q(valid_until__isnull=False) & ~models.Q(number="")),
                name="otop_registration_held_has_number_and_valid_until",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled")
                | ~models.Q(cancelled_reason=""),
                name="otop_registration_cancelled_has_reason",
            ),
        ]
        indexes = [
            # The daily renewal sweep and the list's "expiring soon" filter.
            models.Index(
                fields=["status", "valid_until"], name="otop_reg_status_until"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.get_status_display()} · {self.producer}"

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether the producer is a registered OTOP producer on ``day``."""
        return (
            self.status in self.HOLDING
            and self.valid_until is not None
            and day <= self.valid_until
        )


class ProducerRegistrationEvent(AuditEvent):
    """Who applied for, approved, renewed, cancelled or corrected a
    registration, and when."""

    class Action(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("otop registration", "applied")
        APPROVED = "approved", pgettext_lazy("otop registration", "approved")
        RENEWAL_DUE = "renewal_due", pgettext_lazy("otop registration", "renewal due")
        RENEWED = "renewed", pgettext_lazy("otop registration", "renewed")
        CANCELLED = "cancelled", pgettext_lazy("otop registration", "cancelled")
        CORRECTED = "corrected", pgettext_lazy("otop registration", "corrected")

    registration = models.ForeignKey(
        ProducerRegistration,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("OTOP producer registration"),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = _("OTOP registration event")
        verbose_name_plural = _("OTOP registration events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.registration}"
