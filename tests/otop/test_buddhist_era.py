import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from core.buddhist_era import display_year, fiscal_year, format_date, format_datetime
from core.forms import BuddhistEraDateField, BuddhistEraYearField

UTC = dt.UTC
BANGKOK = ZoneInfo("Asia/Bangkok")


def test_thai_short_and_long_dates_use_the_buddhist_era(thai):
    day = dt.date(2026, 11, 24)
    assert format_date(day) == "24\u00a0พ.ย. 2569"
    assert format_date(day, "long") == "24\u00a0พฤศจิกายน 2569"
    assert display_year(day) == 2569
    assert display_year(2026) == 2569


def test_english_dates_use_the_common_era(english):
    day = dt.date(2026, 11, 24)
    assert format_date(day) == "24\u00a0Nov 2026"
    assert format_date(day, "long") == "24\u00a0November 2026"
    assert display_year(2026) == 2026


@pytest.mark.parametrize(
    ("instant", "thai", "english"),
    [
        # 16:59 UTC on 31 Dec is 23:59 in Bangkok: still the old year.
        (
            dt.datetime(2026, 12, 31, 16, 59, tzinfo=UTC),
            "31\u00a0ธ.ค. 2569",
            "31\u00a0Dec 2026",
        ),
        # 17:00 UTC on 31 Dec is midnight in Bangkok: the new year has begun.
        (
            dt.datetime(2026, 12, 31, 17, 0, tzinfo=UTC),
            "1\u00a0ม.ค. 2570",
            "1\u00a0Jan 2027",
        ),
        (
            dt.datetime(2027, 1, 1, 0, 0, tzinfo=BANGKOK),
            "1\u00a0ม.ค. 2570",
            "1\u00a0Jan 2027",
        ),
    ],
)
def test_the_year_boundary_falls_at_midnight_in_bangkok(instant, thai, english):
    assert format_date(instant, language="th") == thai
    assert format_date(instant, language="en") == english


def test_year_of_an_aware_datetime_is_its_bangkok_year():
    new_year_in_bangkok = dt.datetime(2026, 12, 31, 18, 0, tzinfo=UTC)
    assert display_year(new_year_in_bangkok, language="th") == 2570
    assert display_year(new_year_in_bangkok, language="en") == 2027


def test_datetimes_show_bangkok_time():
    instant = dt.datetime(2026, 11, 24, 7, 5, tzinfo=UTC)
    assert format_datetime(instant, language="th") == "24\u00a0พ.ย. 2569 14:05\u00a0น."
    assert format_datetime(instant, language="en") == "24\u00a0Nov 2026 14:05"


def test_a_day_keeps_its_month_and_a_time_its_unit_on_one_line(thai):
    """No-break spaces join "31 กรกฎาคม" and "05:28 น." in the filters' output;
    the month and the year, the date and the time may still part."""
    template = Template("{{ day|be_date:'long' }} / {{ instant|be_datetime }}")
    instant = dt.datetime(2026, 7, 30, 22, 28, tzinfo=UTC)  # 05:28 in Bangkok
    rendered = template.render(
        Context({"day": dt.date(2026, 7, 31), "instant": instant})
    )
    assert rendered == "31\u00a0กรกฎาคม 2569 / 31\u00a0ก.ค. 2569 05:28\u00a0น."


def test_files_get_plain_spaces():
    """CSV and XLSX cells are text to search and sort, not lines to wrap."""
    instant = dt.datetime(2026, 11, 24, 7, 5, tzinfo=UTC)
    assert format_datetime(instant, language="th", joined=False) == (
        "24 พ.ย. 2569 14:05 น."
    )
    assert format_date(instant, "long", language="th", joined=False) == (
        "24 พฤศจิกายน 2569"
    )


def test_fiscal_year_starts_in_october():
    assert fiscal_year(dt.date(2026, 9, 30)) == 2026
    assert fiscal_year(dt.date(2026, 10, 1)) == 2027
    assert display_year(fiscal_year(dt.date(2026, 10, 1)), language="th") == 2570


def test_template_filters_follow_the_active_language(thai):
    template = Template(
        "{{ day|be_date }} | {{ day|be_date:'long' }} | {{ year|be_year }} "
        "| {{ missing|be_date }}"
    )
    context = Context({"day": dt.date(2026, 11, 24), "year": 2026, "missing": None})
    assert template.render(context) == (
        "24\u00a0พ.ย. 2569 | 24\u00a0พฤศจิกายน 2569 | 2569 | "
    )


def test_template_filters_in_english(english):
    template = Template("{{ day|be_date }} {{ year|be_year }}")
    rendered = template.render(Context({"day": dt.date(2026, 11, 24), "year": 2026}))
    assert rendered == "24\u00a0Nov 2026 2026"


@pytest.mark.parametrize(("typed", "stored"), [("2569", 2026), ("2026", 2026)])
def test_year_field_reads_either_era(thai, typed, stored):
    assert BuddhistEraYearField().clean(typed) == stored


def test_year_field_shows_the_stored_year_in_the_readers_era(thai):
    assert BuddhistEraYearField().prepare_value(2026) == 2569


def test_year_field_refuses_an_implausible_year_with_a_thai_message(thai):
    field = BuddhistEraYearField(min_year=1900, max_year=2200)
    with pytest.raises(Exception) as error:
        field.clean("3500")
    assert "2443" in str(error.value)  # the range is told in B.E.


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("24/11/2569", dt.date(2026, 11, 24)),
        ("24/11/2026", dt.date(2026, 11, 24)),
        ("2026-11-24", dt.date(2026, 11, 24)),
        # 2567 B.E. is the leap year 2024; strptime on "2567" would refuse it.
        ("29/02/2567", dt.date(2024, 2, 29)),
        ("1.1.2570", dt.date(2027, 1, 1)),
    ],
)
def test_date_field_reads_buddhist_or_common_era(thai, typed, day):
    assert BuddhistEraDateField().clean(typed) == day


@pytest.mark.parametrize("typed", ["31/02/2569", "24-11", "tomorrow", "29/02/2568"])
def test_date_field_refuses_bad_dates_with_a_clear_message(thai, typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        BuddhistEraDateField().clean(typed)
    assert "24/11/2569" in str(error.value)


def test_date_widget_shows_the_readers_era(thai):
    html = BuddhistEraDateField().widget.render("issued_on", dt.date(2026, 11, 24))
    assert 'value="24/11/2569"' in html
    assert "วว/ดด/ปปปป" in html


def test_date_widget_shows_common_era_in_english(english):
    html = BuddhistEraDateField().widget.render("issued_on", dt.date(2026, 11, 24))
    assert 'value="24/11/2026"' in html


def test_iso_text_is_read_as_a_date(thai):
    assert format_date("2026-11-24") == "24\u00a0พ.ย. 2569"
    assert format_date("2026-12-31T17:30:00+00:00") == "1\u00a0ม.ค. 2570"


def test_an_empty_date_renders_as_nothing(thai):
    assert Template("[{{ day|be_date }}]").render(Context({"day": ""})) == "[]"
