"""The ladder's audit trail in the admin, read-only."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin
from selection import admin_views
from selection.admin.access import sees_committee_work
from selection.models import (
    NominationEvent,
)
from selection.selectors import (
    events_visible_to,
)

# The audit trail ---------------------------------------------------------------------


@admin.register(NominationEvent)
class NominationEventAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    list_display = ("at", "action", "nomination", "ranking", "actor", "move", "note")
    list_filter = ("action",)
    list_select_related = ("actor", "nomination__product", "ranking__committee")
    search_fields = ("nomination__product__name_th", "note")
    show_full_result_count = False
    actions = None

    def get_queryset(self, request):
        return events_visible_to(request.user).select_related(
            "actor", "nomination__product", "nomination__round", "ranking__committee"
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return sees_committee_work(request) or request.user.has_perm(
            "selection.view_nominationevent"
        )

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="selection_nominationevent_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return admin_views.events_export(self.get_queryset(request))

    @admin.display(description=_("from → to"))
    def move(self, obj):
        before = " ".join(x for x in (obj.from_tier, obj.from_state) if x)
        after = " ".join(x for x in (obj.to_tier, obj.to_state) if x)
        return f"{before} → {after}" if before or after else ""
