from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
