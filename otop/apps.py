from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OtopConfig(AppConfig):
    """The project package: health check, Buddhist-Era helpers, base templates."""

    name = "otop"
    verbose_name = _("OTOP Selection Portal")
