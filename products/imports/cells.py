"""Parsing one cell: dates, decimals, counts."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

BUDDHIST_ERA_OFFSET = 543
FIRST_BUDDHIST_YEAR = 2400  # a year at or above this is B.E.


class CellError(Exception):
    pass


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_THAI_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: str) -> dt.date | None:
    """yyyy-mm-dd or dd/mm/yyyy; a year of 2400 or more is Buddhist Era."""
    if not value:
        return None
    if match := _ISO_DATE.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _THAI_DATE.match(value):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise CellError(_("Not a date; write yyyy-mm-dd or dd/mm/yyyy."))
    if year >= FIRST_BUDDHIST_YEAR:
        year -= BUDDHIST_ERA_OFFSET
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("There is no such date.")) from None


def parse_decimal(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise CellError(_("Not a number.")) from None
    if not number.is_finite():
        raise CellError(_("Not a number."))
    if number < 0:
        raise CellError(_("Must not be negative."))
    if number >= Decimal("100000000"):  # before quantize, which fails on 1E26
        raise CellError(_("Too large."))
    if number != number.quantize(Decimal("0.01")):
        raise CellError(_("At most two decimal places."))
    return number.quantize(Decimal("0.01"))


def parse_count(value: str, *, minimum: int = 0) -> int | None:
    if not value:
        return None
    cleaned = value.replace(",", "").replace(" ", "")
    if not cleaned.isdecimal():  # isdigit() would let "²" through to int()
        raise CellError(_("Not a whole number."))
    number = int(cleaned)
    if number < minimum:
        raise CellError(_("Must be at least %(min)s.") % {"min": minimum})
    if number > 2_147_483_647:
        raise CellError(_("Too large."))
    return number
