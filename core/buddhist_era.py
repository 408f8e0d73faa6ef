"""Years and dates as Thai readers expect them: Buddhist Era (พ.ศ.) in Thai,
Common Era in English.

B.E. = C.E. + 543. Datetimes are first converted to the current time zone
(Asia/Bangkok), so 31 Dec 2026 23:30 UTC is already 1 ม.ค. 2570 in Thailand.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language

BE_OFFSET = 543
# Joins a day to its month and a time to "น." so that a line never ends between
# them ("31 | กรกฎาคม", "05:28 | น."); files (CSV, XLSX) ask for plain spaces.
NBSP = "\u00a0"

THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
THAI_MONTHS_LONG = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
ENGLISH_MONTHS_SHORT = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
ENGLISH_MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def uses_buddhist_era(language: str | None = None) -> bool:
    return (language or get_language() or "th").split("-")[0] == "th"


def to_be(year: int) -> int:
    return year + BE_OFFSET


def from_be(year: int) -> int:
    return year - BE_OFFSET


def _local_date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, str):  # ISO text, as kept in JSON (notifications)
        parse = dt.datetime.fromisoformat if "T" in value else dt.date.fromisoformat
        value = parse(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def display_year(
    value: int | dt.date | dt.datetime, language: str | None = None
) -> int:
    """The year to show: ``2569`` in Thai, ``2026`` in English.

    An int is taken as a C.E. year (as stored); a date or datetime as its local date.
    """
    year = value if isinstance(value, int) else _local_date(value).year
    return to_be(year) if uses_buddhist_era(language) else year


def format_date(
    value: dt.date | dt.datetime | str | None,
    style: str = "short",
    language: str | None = None,
    *,
    joined: bool = True,
) -> str:
    """``24 พ.ย. 2569`` / ``24 พฤศจิกายน 2569`` in Thai, ``24 Nov 2026`` in English;
    the day and its month joined by a no-break space unless ``joined`` is off."""
    if value is None:
        return ""
    day = _local_date(value)
    thai = uses_buddhist_era(language)
    if thai:
        months = THAI_MONTHS_LONG if style == "long" else THAI_MONTHS_SHORT
    else:
        months = ENGLISH_MONTHS_LONG if style == "long" else ENGLISH_MONTHS_SHORT
    year = to_be(day.year) if thai else day.year
    space = NBSP if joined else " "
    return f"{day.day}{space}{months[day.month - 1]} {year}"


def format_datetime(
    value: dt.datetime | None,
    style: str = "short",
    language: str | None = None,
    *,
    joined: bool = True,
) -> str:
    """``24 พ.ย. 2569 14:05 น.`` in Thai, ``24 Nov 2026 14:05`` in English; the
    day and its month, the time and "น." joined unless ``joined`` is off."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    date_part = format_date(local, style, language, joined=joined)
    if uses_buddhist_era(language):
        space = NBSP if joined else " "
        return f"{date_part} {local:%H:%M}{space}น."
    return f"{date_part} {local:%H:%M}"


def fiscal_year(value: dt.date | dt.datetime) -> int:
    """Thailand's fiscal year (C.E.) runs October to September: 1 Oct 2026 opens
    fiscal year 2027 (ปีงบประมาณ พ.ศ. 2570)."""
    day = _local_date(value)
    return day.year + 1 if day.month >= 10 else day.year
