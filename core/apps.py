from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The workflow kernel and the helpers every app shares (DESIGN.md §2)."""

    name = "core"
    verbose_name = _("Core")
