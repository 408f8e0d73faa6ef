from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: officer, committee member, central staff.

    Custom from the first migration, as Django advises for new projects, so the
    profile can grow without a painful swap later.
    """

    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("How the portal addresses you, e.g. “นางสาวสมศรี ใจดี”."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="th",
        help_text=_("Pages and messages are shown in this language."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_short_name()

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.display_name or self.first_name or self.username
