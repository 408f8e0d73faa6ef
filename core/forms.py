"""Form fields that speak the reader's era: Buddhist Era in Thai, C.E. in English.

Years are stored in C.E. A typed year of 2400 or more is read as B.E. and
anything smaller as C.E., whatever the language: the two ranges in use never
overlap, so nobody's "2569" or "2026" is misread.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.buddhist_era import BE_OFFSET, display_year, from_be, uses_buddhist_era

FIRST_BE_YEAR = 2400


def _to_ce(year: int) -> int:
    return from_be(year) if year >= FIRST_BE_YEAR else year


class BuddhistEraYearField(forms.IntegerField):
    """A year typed and shown as B.E. in Thai (``2569``), C.E. in English."""

    default_error_messages = {
        "invalid": _("Enter a year, e.g. 2569 (B.E.) or 2026 (C.E.)."),
    }

    def __init__(self, *, min_year: int = 1900, max_year: int = 2200, **kwargs):
        self.min_year, self.max_year = min_year, max_year
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return display_year(value)
        return value

    def to_python(self, value):
        year = super().to_python(value)
        if year is None:
            return None
        year = _to_ce(year)
        if not self.min_year <= year <= self.max_year:
            raise ValidationError(
                _("Enter a year between %(first)s and %(last)s."),
                code="out_of_range",
                params={
                    "first": display_year(self.min_year),
                    "last": display_year(self.max_year),
                },
            )
        return year


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class BuddhistEraDateInput(forms.TextInput):
    """Shows a date as ``24/11/2569`` in Thai and ``24/11/2026`` in English."""

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", **(attrs or {})}
        )

    def format_value(self, value):
        if isinstance(value, dt.date):
            year = value.year + BE_OFFSET if uses_buddhist_era() else value.year
            return f"{value.day:02d}/{value.month:02d}/{year}"
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault(
            "placeholder", "วว/ดด/ปปปป" if uses_buddhist_era() else "dd/mm/yyyy"
        )
        return context


class BuddhistEraDateField(forms.DateField):
    """Day/month/year with a B.E. or C.E. year (``29/02/2567`` = 29 Feb 2024), or ISO.

    Parsed by hand: ``strptime`` would test 29 February against the B.E. year
    (2567 is not a leap year in C.E. arithmetic) and wrongly refuse it.
    """

    widget = BuddhistEraDateInput
    default_error_messages = {
        "invalid": _("Enter a date as day/month/year, e.g. 24/11/2569."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value)
        if match := _DMY.match(text):
            day, month, year = (int(part) for part in match.groups())
        elif match := _ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return dt.date(_to_ce(year), month, day)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
