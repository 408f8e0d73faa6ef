from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin
from notifications.models import Delivery, Notification
from notifications.services import deliveries_retry


class ReadOnly(NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    """The email outbox; failed deliveries can be sent again."""

    list_display = (
        "address",
        "event_type",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "event_type", "channel")
    search_fields = ("address", "event_key")
    actions = ("retry",)
    show_full_result_count = False

    @admin.action(description=_("Send the selected failed deliveries again"))
    def retry(self, request, queryset):
        count = deliveries_retry(actor=request.user, deliveries=queryset)
        self.message_user(
            request,
            _("%(count)s deliveries will be sent again.") % {"count": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        # The retry action needs the change right; the rows stay read-only.
        return obj is None and request.user.has_perm("notifications.change_delivery")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("notifications.change_delivery"):
            actions.pop("retry", None)
        return actions


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("recipient", "event_type", "created_at", "read_at")
    list_filter = ("event_type",)
    search_fields = ("recipient__username", "event_key")
    list_select_related = ("recipient",)
    show_full_result_count = False
