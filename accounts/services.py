import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("Unknown language “%(language)s”."), params={"language": language}
        )
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


@transaction.atomic
def superuser_ensure(*, username: str = "admin") -> tuple[User, str | None]:
    """Create a first superuser when the site has none.

    Returns the superuser and, when one was just created, its generated password
    (shown once to whoever set the site up); ``None`` when one already existed.
    """
    existing = User.objects.filter(is_superuser=True).order_by("pk").first()
    if existing is not None:
        return existing, None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(
        username=username, email="", password=password, display_name=username
    )
    return user, password


def password_reset_path(*, user: User) -> str:
    """The page where ``user`` sets a new password: Django's token, valid
    for PASSWORD_RESET_TIMEOUT and spent once the password changes."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
