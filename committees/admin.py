"""Committees in the admin, for central staff (everything) and for members
(their own committees, read-only). Guardian's admin does not filter lists, so
every queryset here is narrowed by committees.permissions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX

from committees.forms import CommitteeAdminForm
from committees.models import (
    Committee,
    ConflictDeclaration,
    Membership,
    MembershipEvent,
    Role,
    Tier,
)
from committees.permissions import committees_for, visible_committees
from committees.resources import MembershipResource
from committees.services import (
    membership_change_role,
    membership_grant,
    membership_revoke,
)
from core.admin import (
    AuditTrailInline,
    BuddhistEraAdminMixin,
    NotFoundOutsideQuerysetMixin,
    ServiceForm,
    ServiceFormAdminMixin,
    era_column,
)
from core.uploads import SafeImportForm


def _is_central(request, action: str, model: str) -> bool:
    return request.user.has_perm(f"committees.{action}_{model}")


def _is_member(request) -> bool:
    # Asked by every committee admin for the sidebar of every admin page:
    # once a request.
    if not hasattr(request, "_committees_is_member"):
        request._committees_is_member = committees_for(
            request.user, "view_committee"
        ).exists()
    return request._committees_is_member


class MembershipDates:
    """A membership's term and revocation in the reader's era (B.E. in Thai)."""

    term_starts = era_column("term_start", _("term starts"))
    term_ends = era_column("term_end", _("term ends"))
    revoked = era_column("revoked_at", _("revoked at"))


def _role_label(value: str) -> str:
    return Role(value).label if value in Role.values else value


class MembershipInline(MembershipDates, admin.TabularInline):
    model = Membership
    fields = ("user", "role", "term_starts", "term_ends", "revoked")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipEventInline(AuditTrailInline):
    """The committee's audit trail: who appointed, removed or re-roled whom."""

    model = MembershipEvent
    fields = (
        "at_display",
        "action",
        "membership_link",
        "from_role_label",
        "to_role_label",
        "actor",
        "note",
    )
    related = ("membership__user", "membership__committee", "actor")
    verbose_name_plural = _("history of appointments")

    @admin.display(description=_("membership"))
    def membership_link(self, event):
        url = reverse("admin:committees_membership_change", args=[event.membership_id])
        return format_html('<a href="{}">{}</a>', url, event.membership)

    @admin.display(description=_("from role"))
    def from_role_label(self, event):
        return _role_label(event.from_role) or self.get_empty_value_display()

    @admin.display(description=_("to role"))
    def to_role_label(self, event):
        return _role_label(event.to_role) or self.get_empty_value_display()


@admin.register(Committee)
class CommitteeAdmin(
    BuddhistEraAdminMixin,
    ServiceFormAdminMixin,
    NotFoundOutsideQuerysetMixin,
    admin.ModelAdmin,
):
    form = CommitteeAdminForm
    list_display = (
        "__str__",
        "tier",
        "kind_label",
        "area",
        "term_start",
        "term_end",
        "is_active",
    )
    list_filter = ("tier", "kind", "is_active", "province__region")
    search_fields = (
        "name_th",
        "name_en",
        "amphoe__name_th",
        "amphoe__name_en",
        "province__name_th",
        "province__name_en",
    )
    list_select_related = ("amphoe", "province")
    autocomplete_fields = ("amphoe", "province")
    inlines = (MembershipInline, MembershipEventInline)

    def get_fields(self, request, obj=None):
        if obj is None:
            return (
                "tier",
                "kind",
                "amphoe",
                "province",
                "product_types",
                "name_th",
                "name_en",
                "term_start",
                "term_end",
            )
        central = ("kind_label",) if obj.tier == Tier.CENTRAL else ()
        types = ("product_types",) if obj.is_subcommittee else ()
        return (
            "tier",
            *central,
            "area",
            *types,
            "name_th",
            "name_en",
            "term_start",
            "term_end",
            "is_active",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not _is_central(request, "change", "committee"):
            return self.get_fields(request, obj)
        return ("tier", "kind_label", "area")

    @admin.display(description=_("area"))
    def area(self, obj):
        return obj.area or "—"

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return obj.kind_label

    def get_queryset(self, request):
        return visible_committees(request.user).select_related("amphoe", "province")

    def has_module_permission(self, request):
        return _is_central(request, "view", "committee") or _is_member(request)

    def has_view_permission(self, request, obj=None):
        if _is_central(request, "view", "committee"):
            return True
        if obj is None:
            return _is_member(request)
        return committees_for(request.user, "view_committee").filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the history stays

    def save_related(self, request, form, formsets, change):
        # The product types were saved by the service; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class MembershipForm(ServiceForm):
    """Appoints or changes a role through the membership services."""

    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Membership
        fields = ("user", "committee", "role", "term_start", "term_end")

    def write(self, data) -> Membership:
        if self.instance.pk:
            return membership_change_role(
                actor=self.request.user,
                membership=self.instance,
                role=data["role"],
                note=data.get("note", ""),
            )
        return membership_grant(
            actor=self.request.user,
            user=data["user"],
            committee=data["committee"],
            role=data["role"],
            term_start=data.get("term_start"),
            term_end=data.get("term_end"),
        )


@admin.register(Membership)
class MembershipAdmin(
    MembershipDates,
    BuddhistEraAdminMixin,
    ServiceFormAdminMixin,
    NotFoundOutsideQuerysetMixin,
    ImportMixin,
    admin.ModelAdmin,
):
    form = MembershipForm
    resource_classes = [MembershipResource]
    import_formats = [CSV, XLSX]
    import_form_class = SafeImportForm  # size, content, XLSX bomb, row cap
    list_display = ("user", "committee", "role", "term_starts", "term_ends", "revoked")
    list_filter = (
        "role",
        "committee__tier",
        ("revoked_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("user__username", "user__display_name", "committee__name_th")
    list_select_related = ("user", "committee__amphoe", "committee__province")
    autocomplete_fields = ("user", "committee")
    actions = ("revoke",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "committee", "role", "term_start", "term_end")
        return ("user", "committee", "role", "term_starts", "term_ends", "note")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not _is_central(request, "change", "membership") or obj.revoked_at:
            return ("user", "committee", "role", "term_starts", "term_ends")
        return ("user", "committee", "term_starts", "term_ends")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_central(request, "view", "membership"):
            return queryset
        return queryset.filter(
            committee__in=committees_for(request.user, "view_committee")
        )

    def has_module_permission(self, request):
        return _is_central(request, "view", "membership") or _is_member(request)

    def has_view_permission(self, request, obj=None):
        if _is_central(request, "view", "membership"):
            return True
        if obj is None:
            return _is_member(request)
        return (
            committees_for(request.user, "view_committee")
            .filter(pk=obj.committee_id)
            .exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the history stays

    def has_import_permission(self, request):
        return _is_central(request, "add", "membership")

    @admin.action(description=_("Remove the selected members from their committees"))
    def revoke(self, request, queryset):
        if not _is_central(request, "change", "membership"):
            raise PermissionDenied
        for membership in queryset.filter(revoked_at__isnull=True):
            membership_revoke(actor=request.user, membership=membership)
        self.message_user(request, _("Members removed."), messages.SUCCESS)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(NotFoundOutsideQuerysetMixin, admin.ModelAdmin):
    """Read-only: members declare on their conflicts page; central staff see
    everyone's declarations, members their own."""

    list_display = ("user", "producer", "reason", "declared_at")
    search_fields = ("user__username", "producer__name_th")
    list_select_related = ("user", "producer")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_central(request, "view", "conflictdeclaration"):
            return queryset
        return queryset.filter(user=request.user)

    def has_module_permission(self, request):
        return _is_central(request, "view", "conflictdeclaration") or _is_member(
            request
        )

    def has_view_permission(self, request, obj=None):
        if _is_central(request, "view", "conflictdeclaration"):
            return True
        return _is_member(request) and (obj is None or obj.user_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
