from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports across the apps (reports → registry, support, selection, products,
    communities): the top of the dependency graph, imported by no app."""

    name = "reports"
    verbose_name = _("Reports")
