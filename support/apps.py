from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """Support plans and their budget, on top of the ladder (support →
    selection): selection never imports it."""

    name = "support"
    verbose_name = _("Support plans and budget")
