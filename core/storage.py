"""Storage for files that only a view hands out, after checking the right to
them: kept under ``PRIVATE_MEDIA_ROOT``, which no web server serves."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible(path="core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """``FileSystemStorage`` under ``PRIVATE_MEDIA_ROOT``, read when first
    used (and again when a test changes the setting), without a URL."""

    def __init__(self):
        super().__init__()

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private files have no URL: a view serves them.")
