from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.throttling import login_attempts_unlock
from core.admin import NotFoundOutsideQuerysetMixin


@admin.register(User)
class UserAdmin(NotFoundOutsideQuerysetMixin, DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "email",
        "preferred_language",
        "is_staff",
        "is_active",
    )
    list_filter = ("preferred_language", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (
            _("Profile"),
            {"fields": ("display_name", "preferred_language")},
        ),
        *DjangoUserAdmin.fieldsets[1:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "display_name",
                    "preferred_language",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


# Login lockouts: axes' own admin for access attempts, plus an action that
# unlocks the selected username + address pairs before their cool-off ends.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    actions = [*AxesAccessAttemptAdmin.actions, "unlock"]

    @admin.action(description=_("Unlock the selected logins"), permissions=["delete"])
    def unlock(self, request, queryset):
        try:
            count = login_attempts_unlock(attempts=queryset, actor=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d login unlocked: it may be tried again now.",
                "%(count)d logins unlocked: they may be tried again now.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
