"""Django's own admin words that its Thai catalogue (Django 5.2) leaves in
English: the sidebar's filter box, "Show counts", a refused form's "Please
correct the error below.", the labels screen readers announce.

The portal's catalogue (LOCALE_PATHS) is read before Django's, so their Thai is
in locale/th/LC_MESSAGES/django.po; they are named here only so that
makemessages finds them there and keeps them. Nothing imports this module.
The admin's JavaScript words are in locale/th/LC_MESSAGES/djangojs.po, which
makemessages does not write (it is run for the "django" domain only).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

WORDS = (
    gettext_noop("Error:"),
    gettext_noop("Skip to main content"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Sidebar"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Clear all filters"),
    gettext_noop("Empty"),
    gettext_noop("Not empty"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Remove from sorting"),
    gettext_noop("Toggle sorting"),
)

PLURALS = (
    ngettext_lazy(
        "Please correct the error below.", "Please correct the errors below."
    ),
)
