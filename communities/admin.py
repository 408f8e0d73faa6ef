from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from communities.models import (
    Amphoe,
    OfficerAssignment,
    OfficerAssignmentEvent,
    Producer,
    ProducerRegistration,
    ProducerRegistrationEvent,
    Province,
    Region,
    Tambon,
)
from communities.resources import ProducerResource
from communities.selectors import producers_visible_to, registration_producers_for
from communities.services import (
    assignment_grant,
    assignment_revoke,
    registration_correct,
)
from core.admin import (
    AuditTrailInline,
    BuddhistEraAdminMixin,
    NotFoundOutsideQuerysetMixin,
    ReadOnlyAdminMixin,
    ServiceForm,
    ServiceFormAdminMixin,
    era_column,
)
from core.workflow import REFUSALS, refusal_text


class ReadOnlyGeographyAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Geography comes from ``load_geography`` only; the admin just shows it."""

    search_fields = ("^code", "name_th", "name_en")
    list_per_page = 50


@admin.register(Region)
class RegionAdmin(ReadOnlyGeographyAdmin):
    list_display = ("code", "name_th", "name_en", "order")


@admin.register(Province)
class ProvinceAdmin(ReadOnlyGeographyAdmin):
    list_display = ("code", "name_th", "name_en", "region")
    list_filter = ("region",)
    list_select_related = ("region",)


@admin.register(Amphoe)
class AmphoeAdmin(ReadOnlyGeographyAdmin):
    list_display = ("code", "name_th", "name_en", "province")
    list_filter = ("province__region", "province")
    list_select_related = ("province",)
    search_fields = (*ReadOnlyGeographyAdmin.search_fields, "province__name_th")


@admin.register(Tambon)
class TambonAdmin(ReadOnlyGeographyAdmin):
    list_display = ("code", "name_th", "name_en", "amphoe", "province", "postal_codes")
    list_filter = ("province__region", "province")
    list_select_related = ("amphoe", "province")
    search_fields = (
        *ReadOnlyGeographyAdmin.search_fields,
        "postal_codes",
        "amphoe__name_th",
        "amphoe__name_en",
    )


class OfficerAssignmentForm(ServiceForm):
    """Assigns through the assignment service, which grants the tambons."""

    class Meta:
        model = OfficerAssignment
        fields = ("user", "tambon", "amphoe")

    def write(self, data) -> OfficerAssignment:
        return assignment_grant(
            actor=self.request.user,
            user=data["user"],
            tambon=data.get("tambon"),
            amphoe=data.get("amphoe"),
        )


class OfficerAssignmentEventInline(AuditTrailInline):
    """The assignment's audit trail: who assigned and who revoked it."""

    model = OfficerAssignmentEvent
    verbose_name_plural = _("history of the assignment")


@admin.register(OfficerAssignment)
class OfficerAssignmentAdmin(
    ServiceFormAdminMixin, NotFoundOutsideQuerysetMixin, admin.ModelAdmin
):
    """Central staff assign officers; saving calls the assignment service,
    which grants the tambon permissions."""

    form = OfficerAssignmentForm
    list_display = ("user", "tambon", "amphoe", "assigned", "revoked")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "user__display_name", "tambon__name_th")
    list_select_related = ("user", "tambon", "amphoe")
    autocomplete_fields = ("user", "tambon", "amphoe")
    fields = ("user", "tambon", "amphoe")
    actions = ("revoke",)
    inlines = (OfficerAssignmentEventInline,)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row stays as history

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()  # no trail before the row

    # The times in the reader's era (B.E. on a Thai page), as the trail shows them.

    assigned = era_column("assigned_at", _("assigned at"))
    revoked = era_column("revoked_at", _("revoked at"))

    @admin.action(description=_("Revoke the selected assignments"))
    def revoke(self, request, queryset):
        revoked = 0
        for assignment in queryset.select_related("user", "tambon", "amphoe"):
            try:
                assignment_revoke(actor=request.user, assignment=assignment)
            except REFUSALS as error:
                messages.error(
                    request,
                    gettext("%(assignment)s: %(reason)s")
                    % {"assignment": assignment, "reason": refusal_text(error)},
                )
            else:
                revoked += 1
        if revoked:
            self.message_user(request, _("Assignments revoked."), messages.SUCCESS)


@admin.register(Producer)
class ProducerAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, ExportMixin, admin.ModelAdmin
):
    # Producers are registered by officers through the services; the admin
    # shows and exports them.
    resource_classes = [ProducerResource]
    export_formats = [CSV, XLSX]  # the two the officer pages offer
    import_export_change_list_template = "admin/change_list_officer_import_export.html"
    list_display = ("name_th", "kind", "registration_number", "tambon")
    list_filter = ("kind", "tambon__province")
    search_fields = ("name_th", "name_en", "registration_number", "tambon__name_th")
    list_select_related = ("tambon",)

    def get_queryset(self, request):
        # Staff who are not superusers see the producers of their own tambons.
        if request.user.is_superuser:
            return super().get_queryset(request)
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=producers_visible_to(request.user).values("pk"))
        )


class RegistrationCorrectForm(ServiceForm):
    """Correcting a mistyped number or end date, through the service, which
    keeps the old values in the trail."""

    note = forms.CharField(
        label=_("What was wrong"), widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = ProducerRegistration
        fields = ("number", "valid_until")

    def write(self, data) -> ProducerRegistration:
        return registration_correct(
            actor=self.request.user,
            registration=self.instance,
            number=data["number"],
            valid_until=data["valid_until"],
            note=data["note"],
        )


class ProducerRegistrationEventInline(AuditTrailInline):
    model = ProducerRegistrationEvent
    verbose_name_plural = _("history of the registration")


@admin.register(ProducerRegistration)
class ProducerRegistrationAdmin(
    BuddhistEraAdminMixin,
    ServiceFormAdminMixin,
    NotFoundOutsideQuerysetMixin,
    admin.ModelAdmin,
):
    """Registrations are applied for, approved, renewed and cancelled on the
    officer pages; here staff look them up and correct a number or an end
    date (the service writes the trail)."""

    form = RegistrationCorrectForm
    list_display = ("producer", "number", "status", "applied", "valid", "tambon")
    list_filter = ("status",)
    search_fields = ("number", "producer__name_th", "producer__name_en")
    list_select_related = ("producer__tambon",)
    fields = ("number", "valid_until", "note")
    inlines = (ProducerRegistrationEventInline,)

    applied = era_column("applied_on", _("applied on"))
    valid = era_column("valid_until", _("valid until"))

    @admin.display(description=_("tambon"), ordering="producer__tambon")
    def tambon(self, obj):
        return obj.producer.tambon

    def get_fields(self, request, obj=None):
        # Who may only look sees the registration, its dates in B.E., and not
        # the correction form's empty "what was wrong".
        if self.has_change_permission(request, obj):
            return self.fields
        return ("number", "status", "applied", "valid")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(producer__in=registration_producers_for(request.user))
        )

    def has_add_permission(self, request):
        return False  # applied for on the officer pages

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled, never deleted: the trail stays
