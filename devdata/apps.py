from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevdataConfig(AppConfig):
    """seed_demo and generate_dataset: the demo world and synthetic national data."""

    name = "devdata"
    verbose_name = _("Demo and synthetic data")
