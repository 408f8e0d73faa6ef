"""Committees of the ladder, their members, and members' conflicts of interest.

A committee works at one tier for one area: a district (amphoe) committee for
its Amphoe, a provincial one for its Province, the central one for the whole
country. A membership gives a user a role in it; the membership services turn
roles into django-guardian object permissions on the committee.
"""

import datetime as dt
import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from communities.models import Amphoe, Producer, Province
from core.events import AuditEvent
from core.tiers import TIERS
from core.tiers import CommitteeTier as Tier


class Kind(models.TextChoices):
    """The main committee of a tier (the national committee at the centre,
    the district or provincial committee below) or a central subcommittee."""

    MAIN = "main", _("Main committee")
    ADMINISTRATION = "administration", _("Administration subcommittee")
    PRODUCTION = "production", _("Production promotion subcommittee")
    MARKETING = "marketing", _("Marketing promotion subcommittee")
    STANDARDS = "standards", _("Standards and quality development subcommittee")
    # A panel that grades the entries of the product types it is given (the
    # OTOP Product Champion grading has one per product-type group). Unlike
    # the four standing subcommittees, several are active at once: they are
    # told apart by their product types, one active grader per type.
    GRADING = "grading", _("Grading subcommittee")


class Role(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


# What each role may do in its committee: the object permissions a membership
# carries. The ladder checks these (committees.permissions), never roles.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CHAIR: ("view_committee", "score_in", "approve_ranking", "reopen_ranking"),
    Role.SECRETARY: (
        "view_committee",
        "score_in",
        "finalize_ranking",
        "return_nomination",
        "move_ranking_entry",
    ),
    Role.MEMBER: ("view_committee", "score_in"),
    Role.OBSERVER: ("view_committee",),
}
COMMITTEE_PERMISSIONS = sorted(
    {p for perms in ROLE_PERMISSIONS.values() for p in perms}
)


# The committee's field for each tier's area (core.tiers): a committee has its
# tier's area and no other (none at a national tier), one active per area.
AREA_FIELDS = {
    Tier(t.code): t.committee_area.removesuffix("_id")
    for t in TIERS
    if t.committee_area
}


def _area_matches_tier() -> Q:
    """Each tier's committee has its own area field set and the others empty."""
    return reduce(
        operator.or_,
        (
            Q(
                tier=tier,
                **{
                    f"{f}__isnull": f != AREA_FIELDS.get(tier)
                    for f in AREA_FIELDS.values()
                },
            )
            for tier in Tier
        ),
    )


class Committee(models.Model):
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    amphoe = models.ForeignKey(
        Amphoe,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees",
        verbose_name=_("amphoe"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees",
        verbose_name=_("province"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.MAIN
    )
    # The product types a central subcommittee scores (top-level categories).
    # At most one active subcommittee per type: committees.services checks it,
    # as a unique index cannot see the committee's is_active flag.
    product_types = models.ManyToManyField(
        "products.Category",
        blank=True,
        related_name="subcommittees",
        limit_choices_to={"parent__isnull": True},
        verbose_name=_("product types scored"),
    )
    name_th = models.CharField(_("name (Thai)"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tier", "province_id", "amphoe_id", "-term_start"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        permissions = [
            ("score_in", _("Can score nominations in the committee")),
            ("finalize_ranking", _("Can finalize the committee's ranking")),
            ("approve_ranking", _("Can approve the committee's ranking")),
            ("reopen_ranking", _("Can reopen the committee's ranking")),
            ("return_nomination", _("Can return nominations for revision")),
            ("move_ranking_entry", _("Can move an entry in the ranking")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_area_matches_tier(), name="committee_area_matches_tier"
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="committee_term_ends_after_it_starts",
            ),
            *(
                models.UniqueConstraint(
                    fields=[area],
                    condition=Q(is_active=True, tier=tier),
                    name=f"one_active_committee_per_{area}",
                )
                for tier, area in AREA_FIELDS.items()
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.MAIN) | Q(tier=Tier.CENTRAL),
                name="committee_subcommittees_are_central",
                violation_error_message=_("Only the central tier has subcommittees."),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(is_active=True, tier=Tier.CENTRAL) & ~Q(kind=Kind.GRADING),
                name="one_active_central_committee_per_kind",
                violation_error_message=_(
                    "There is already an active central committee of this kind; "
                    "deactivate it first."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if get_language() == "en":
            return self.name_en or self.default_name("en")
        return self.name_th or self.default_name("th")

    @property
    def area(self) -> Amphoe | Province | None:
        field = AREA_FIELDS.get(self.tier)
        return getattr(self, field) if field else None

    @property
    def area_code(self) -> str:
        field = AREA_FIELDS.get(self.tier)
        return (getattr(self, f"{field}_id") if field else None) or ""

    @property
    def is_subcommittee(self) -> bool:
        return self.kind != Kind.MAIN

    @property
    def kind_label(self) -> str:
        """The kind as people say it: the centre's main committee is the
        national committee."""
        if self.tier == Tier.CENTRAL and self.kind == Kind.MAIN:
            return str(_("National committee"))
        return self.get_kind_display()

    def default_name(self, language: str) -> str:
        """The programme's customary name for the committee of this area."""
        if self.tier == Tier.AMPHOE and self.amphoe is not None:
            if language == "en":
                return f"OTOP Driving Committee, {self.amphoe.name_en} District"
            return f"คณะทำงานขับเคลื่อน OTOP {_amphoe_word(self.amphoe.name_th)}"
        if self.tier == Tier.PROVINCE and self.province is not None:
            if language == "en":
                return f"OTOP Driving Committee, {self.province.name_en} Province"
            return f"คณะทำงานขับเคลื่อน OTOP จังหวัด{self.province.name_th}"
        if self.is_subcommittee:
            english, thai = SUBCOMMITTEE_NAMES[self.kind]
            return english if language == "en" else thai
        if language == "en":
            return "National OTOP Committee"
        return "คณะกรรมการอำนวยการหนึ่งตำบล หนึ่งผลิตภัณฑ์"


# The customary names of the national committee's subcommittees (กอ.นตผ.).
SUBCOMMITTEE_NAMES = {
    Kind.ADMINISTRATION: (
        "OTOP Administration Subcommittee",
        "คณะอนุกรรมการด้านการบริหารจัดการ หนึ่งตำบล หนึ่งผลิตภัณฑ์",
    ),
    Kind.PRODUCTION: (
        "OTOP Production Promotion Subcommittee",
        "คณะอนุกรรมการด้านการส่งเสริมการผลิต หนึ่งตำบล หนึ่งผลิตภัณฑ์",
    ),
    Kind.MARKETING: (
        "OTOP Marketing Promotion Subcommittee",
        "คณะอนุกรรมการด้านการส่งเสริมการตลาด หนึ่งตำบล หนึ่งผลิตภัณฑ์",
    ),
    Kind.STANDARDS: (
        "OTOP Standards and Quality Development Subcommittee",
        "คณะอนุกรรมการด้านการพัฒนามาตรฐานและคุณภาพผลิตภัณฑ์ หนึ่งตำบล หนึ่งผลิตภัณฑ์",
    ),
    Kind.GRADING: (
        "OTOP Product Grading Subcommittee",
        "คณะอนุกรรมการพิจารณาคัดสรรผลิตภัณฑ์ หนึ่งตำบล หนึ่งผลิตภัณฑ์",
    ),
}


def grading_names(types) -> tuple[str, str]:
    """(Thai, English) names of a grading subcommittee given ``types``: the
    customary name followed by the product types it grades."""
    english, thai = SUBCOMMITTEE_NAMES[Kind.GRADING]
    if not types:
        return thai, english
    return (
        f"{thai} ประเภท{' '.join(t.name_th for t in types)}",
        f"{english}: {', '.join(t.name_en for t in types)}",
    )


def _amphoe_word(name_th: str) -> str:
    # Bangkok's districts are khet ("เขตพระนคร"); elsewhere "อำเภอ" + name.
    return name_th if name_th.startswith("เขต") else f"อำเภอ{name_th}"


class CommitteeUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key table for committee grants (joins by key)."""

    content_object = models.ForeignKey(Committee, on_delete=models.CASCADE)


class CommitteeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Committee, on_delete=models.CASCADE)


class MembershipQuerySet(models.QuerySet):
    def current(self, day: dt.date | None = None) -> "MembershipQuerySet":
        """Not revoked and within its term on ``day`` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(
            Q(revoked_at__isnull=True),
            Q(term_start__lte=day),
            Q(term_end__isnull=True) | Q(term_end__gte=day),
        )


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("member"),
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("committee"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
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

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "role", "user__display_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "committee"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_membership_per_user_and_committee",
            ),
            models.UniqueConstraint(
                fields=["committee", "role"],
                condition=Q(revoked_at__isnull=True, role__in=["chair", "secretary"]),
                name="one_chair_and_one_secretary_per_committee",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="membership_term_ends_after_it_starts",
            ),
        ]
        indexes = [
            # The expiry sweep: open memberships whose term has ended.
            models.Index(
                fields=["term_end"],
                condition=Q(revoked_at__isnull=True),
                name="membership_open_term_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.committee}"


class MembershipEvent(AuditEvent):
    """Who granted, revoked or changed whose role, and when (append-only)."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("granted")
        REVOKED = "revoked", _("revoked")
        ROLE_CHANGED = "role_changed", _("role changed")
        EXPIRED = "expired", _("term ended")

    # PROTECT: the trail outlives nothing it describes; committees and
    # memberships end (term, revocation), they are not deleted.
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="membership_events"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_role = models.CharField(_("from role"), max_length=16, blank=True)
    to_role = models.CharField(_("to role"), max_length=16, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.membership}"


class ConflictDeclaration(models.Model):
    """A member's declared conflict of interest with a producer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflict_declarations",
        verbose_name=_("member"),
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.CASCADE,
        related_name="conflict_declarations",
        verbose_name=_("producer"),
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "producer"],
                name="one_declaration_per_member_and_producer",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="conflict_reason_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.producer}"
