from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OtopConfig(AppConfig):
    """The project package: settings, URLs, the Celery app, the health check."""

    name = "otop"
    verbose_name = _("OTOP Selection Portal")
