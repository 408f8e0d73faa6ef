"""Django's own password words that its Thai catalogue (Django 5.2) leaves
in English: the validators' rules and refusals on the reset and change
pages. Their Thai is in locale/th/LC_MESSAGES/django.po
(read before Django's); they are named here only so that makemessages finds
them and keeps them. Nothing imports this module (as core/django_thai.py)."""

from django.utils.translation import gettext_noop, ngettext_lazy

WORDS = (
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop(
        "Your password can’t be too similar to your other personal information."
    ),
)

PLURALS = (
    ngettext_lazy(
        "This password is too short. It must contain at least %(min_length)d "
        "character.",
        "This password is too short. It must contain at least %(min_length)d "
        "characters.",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
)
