"""The round dashboard's numbers: every number on the page and in the
downloads equals a count made independently (tests/reports/dashboard_world.py),
the round is chosen by its year, and the page costs the same number of queries
for any round size."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Amphoe
from selection.models import Nomination, Round
from selection.rounds import round_create
from tests.reports.dashboard_world import (
    MORE,
    PROVINCES,
    TIERS,
    URL,
    World,
    as_rows,
    be,
    build_province,
    build_world,
    csv_table,
    expected_progress,
    expected_scores,
    expected_stars,
    first_tambon,
    member_of,
    page_table,
    with_total,
)
from tests.selection.ladder import TODAY, submitted_nomination

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(geography) -> World:
    return build_world()


# The numbers ---------------------------------------------------------------------


def test_central_staff_see_every_number_as_counted_independently(
    client, world, central_staff
):
    round_ = world.round
    client.force_login(central_staff)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["round"] == round_  # the open round by default
    html = response.content.decode()

    expected = expected_progress(round_, "province")
    for tier in TIERS:
        rows = with_total(as_rows(expected[tier], tier))
        assert page_table(html, f"progress-{tier}") == rows
        assert (
            csv_table(client.get(f"{URL}progress-{tier}.csv", {"round": be(round_)}))
            == rows
        )
    # The scenario, spelled out: both provinces alike at the district tier.
    for code in PROVINCES:
        counts = expected["amphoe"][code]
        assert counts["forwarded"] == 1 and counts["not_selected"] == 2
        assert counts["returned"] == 2 and counts["pending"] + counts["ranked"] == 2
    assert expected["amphoe"]["34"]["ranked"] == 2
    assert expected["central"]["50"]["awarded"] == 1

    figures = {
        name: int(value.replace(",", ""))
        for name, value in re.findall(r'data-figure="(\w+)"[^>]*>([\d,]+)</dd>', html)
    }
    nominations = list(Nomination.objects.filter(round=round_))
    assert figures["total"] == len(nominations) == 16
    assert figures["drafts"] == sum(n.state == "draft" for n in nominations) == 2
    assert figures["awarded"] == sum(n.state == "awarded" for n in nominations) == 2
    assert figures["submitted"] == sum(n.submitted_at is not None for n in nominations)

    scores = expected_scores(round_)
    score_rows = {
        str(band * 10): [scores[t][band] for t in TIERS]
        + [sum(scores[t][band] for t in TIERS)]
        for band in range(10)
    }
    score_rows = with_total(score_rows)
    assert page_table(html, "scores") == score_rows
    assert csv_table(client.get(f"{URL}scores.csv", {"round": be(round_)})) == (
        score_rows
    )
    assert scores["amphoe"][9] == 1  # 100 points falls in the 90–100 band
    assert scores["central"] == Counter({9: 1, 7: 1})

    by_region, by_type = expected_stars(round_)
    assert by_region == Counter({("north", 5): 1, ("northeast", 3): 1})
    page_regions = page_table(html, "stars-region")
    assert list(page_regions)[:6] == [
        "north",
        "central",
        "northeast",
        "west",
        "east",
        "south",
    ]
    for region, values in page_regions.items():
        if region != "total":
            stars = [by_region[(region, n)] for n in (5, 4, 3, 2, 1)]
            assert values == [*stars, sum(stars)]
    for kind, values in page_table(html, "stars-type").items():
        if kind != "total":
            stars = [by_type[(kind, n)] for n in (5, 4, 3, 2, 1)]
            assert values == [*stars, sum(stars)]
    assert page_table(html, "stars-type")["total"] == [1, 0, 1, 0, 0, 2]
    for chart in ("stars-region", "stars-type"):
        assert csv_table(
            client.get(f"{URL}{chart}.csv", {"round": be(round_)})
        ) == page_table(html, chart)


def test_charts_are_accessible_svg_with_tables_and_downloads(
    client, world, central_staff
):
    client.force_login(central_staff)
    html = client.get(URL).content.decode()

    charts = re.findall(r"<svg class=\"chart-svg[^>]*>", html)
    assert len(charts) == 3 + 3 + 2  # progress per tier, score bands, stars
    assert all('role="img"' in svg and "aria-labelledby" in svg for svg in charts)
    assert html.count('<title id="chart-') == len(charts)
    assert html.count('<details class="chart-table">') == 6
    for chart in (*(f"progress-{t}" for t in TIERS), "scores", "stars-region"):
        assert f"/dashboard/{chart}.csv?round={be(world.round)}" in html
    assert "/dashboard/late.csv?round=" in html
    assert " style=" not in html.split('<main id="main"')[1]
    assert "<script" not in html


# Rounds --------------------------------------------------------------------------


def test_the_round_is_chosen_by_its_buddhist_era_year(client, world, central_staff):
    older = round_create(
        actor=central_staff,
        year=world.round.year - 2,
        title_th="รอบเก่า",
        tambon_deadline=TODAY,
        amphoe_deadline=TODAY,
        province_deadline=TODAY,
        central_deadline=TODAY,
    )
    Round.objects.filter(pk=older.pk).update(status=Round.Status.CLOSED)
    client.force_login(central_staff)
    response = client.get(URL, {"round": older.year + 543})
    assert response.context["round"] == older
    assert response.context["progress"].total == 0
    assert f'<option value="{older.year + 543}" selected>' in response.content.decode()
    assert client.get(URL).context["round"] == world.round
    assert client.get(URL, {"round": "25x9"}).status_code == 400
    assert client.get(URL, {"round": "2400"}).status_code == 404
    assert client.get(f"{URL}nothing.csv").status_code == 404


def test_without_a_round_the_page_says_so(client, central_staff):
    client.force_login(central_staff)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'id="dashboard-empty"' in response.content.decode()
    assert client.get(f"{URL}scores.csv").status_code == 404


# Query count ---------------------------------------------------------------------


def _queries(client, path=URL) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_queries_for_a_small_and_a_larger_round(
    client, world, central_staff
):
    a_week_ago = TODAY - dt.timedelta(days=7)  # so the late list is queried too
    Round.objects.filter(pk=world.round.pk).update(
        tambon_deadline=a_week_ago, amphoe_deadline=a_week_ago
    )
    readers = {
        "central": central_staff,
        "province": member_of(world.provinces["50"]),
        "district": member_of(world.districts["5001"]),
    }
    small = {}
    for name, user in readers.items():
        client.force_login(user)
        _queries(client)  # warm the session
        small[name] = _queries(client)
        assert small[name] <= 15, name  # one is the menu's (otop.navigation)

    Round.objects.filter(pk=world.round.pk).update(
        tambon_deadline=world.round.central_deadline,
        amphoe_deadline=world.round.central_deadline,
    )
    # A third province, ranked but not forwarded: the centre approved its
    # ranking, and nothing may join a finalized ranking's queue.
    build_province(world, MORE, 0, to_centre=False)
    # And more waiting in two districts whose rankings are still open.
    for code in ("5002", Amphoe.objects.filter(province_id=MORE)[1].code):
        officer = world.officers[code]
        tambon = first_tambon(Amphoe.objects.get(code=code))
        for j in range(2):
            submitted_nomination(officer, world.round, tambon, f"เพิ่ม {code}-{j}")
    assert Nomination.objects.count() == 28  # from 16
    Round.objects.filter(pk=world.round.pk).update(
        tambon_deadline=a_week_ago, amphoe_deadline=a_week_ago
    )
    client.force_login(central_staff)
    assert len(client.get(URL).context["late"]) == 3  # 5002, 3402 and 5702

    for name, user in readers.items():
        client.force_login(user)
        _queries(client)
        assert _queries(client) == small[name], name
