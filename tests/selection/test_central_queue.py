"""The central queue and the batch grid at national scale (issue #19 point 4):
filtered by subcommittee, type, province and sheet, sorted by any column,
paginated, in the same number of queries for 100 nominations as for 2,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selection.models import Criterion, Nomination, NominationEvent, ScoreSheet
from tests.selection.admin_pages import QUEUE
from tests.selection.central_world import add_nominations, build_centre
from tests.selection.ladder import central_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GRID = f"{QUEUE}score-all/"


@pytest.fixture
def centre(geography):
    centre = build_centre()
    add_nominations(centre, 100)
    return centre


def _get(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    return response, captured.captured_queries


def _rows(response) -> list:
    return list(response.context["cl"].result_list)


def test_the_queue_costs_the_same_queries_at_100_and_2000(centre, client):
    staff, member = central_staff(), centre.production_member
    pages = [
        (staff, QUEUE, {}),
        (staff, QUEUE, {"province": "57", "o": "-7"}),
        (member, QUEUE, {"o": "6.-5"}),
        (member, GRID, {"category": centre.production.product_types.first().pk}),
    ]

    def counts():
        found = []
        for user, url, params in pages:
            client.force_login(user)
            response, queries = _get(client, url, params)
            assert response.status_code == 200, (url, params)
            found.append(len(queries))
        return found

    small = counts()
    add_nominations(centre, 1900)
    assert counts() == small


def test_the_count_of_the_queue_reads_no_annotation(centre, client):
    client.force_login(central_staff())
    _response, queries = _get(client, QUEUE)
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(")]
    assert counts, "the paginator counts the rows"
    for sql in counts:
        assert "selection_scoresheet" not in sql, sql
        assert "guardian" not in sql.lower() and "userobjectpermission" not in sql


def test_a_subcommittee_member_sees_only_their_types(centre, client):
    client.force_login(centre.marketing_member)
    response = client.get(QUEUE, {"all": ""})
    codes = {n.category.code for n in _rows(response)}
    assert codes == {"TEXTILE"}
    assert response.context["cl"].result_count == 20  # a fifth of 100

    client.force_login(centre.production_member)
    response = client.get(QUEUE)
    assert response.context["cl"].result_count == 40
    assert {n.category.code for n in _rows(response)} == {"FOOD", "DRINK"}


def test_the_filters_keep_the_right_rows(centre, client):
    client.force_login(central_staff())
    total = client.get(QUEUE).context["cl"].result_count
    assert total == 100

    marketing = client.get(QUEUE, {"subcommittee": centre.marketing.pk})
    assert marketing.context["cl"].result_count == 20
    province = client.get(QUEUE, {"province": "90"})
    assert province.context["cl"].result_count == (
        Nomination.objects.filter(province_code="90").count()
    )
    assert {n.province_code for n in _rows(province)} == {"90"}
    both = client.get(QUEUE, {"province": "90", "subcommittee": centre.production.pk})
    assert {(n.province_code, n.category.code) for n in _rows(both)} <= {
        ("90", "FOOD"),
        ("90", "DRINK"),
    }
    client.force_login(centre.production_member)
    assert client.get(QUEUE, {"scored": "yes"}).context["cl"].result_count == 40
    assert client.get(QUEUE, {"scored": "no"}).context["cl"].result_count == 0


def test_sorting_by_each_column_orders_the_rows(centre, client):
    client.force_login(centre.production_member)
    columns = {  # list_display index → the value it sorts by
        "0": lambda n: n.product.name_th,
        "3": lambda n: n.province_code,
        "4": lambda n: n.category.order,
        "6": lambda n: n.my_total,
        "7": lambda n: n.mean_total,
        "8": lambda n: n.sheets_submitted,
    }
    for index, key in columns.items():
        for sign in ("", "-"):
            rows = _rows(client.get(QUEUE, {"o": f"{sign}{index}", "all": ""}))
            values = [key(n) for n in rows]
            assert values == sorted(values, reverse=bool(sign)), (index, sign)


@pytest.mark.parametrize(
    "params",
    [
        {"province": "\x00"},
        {"province": "5" * 300},
        {"amphoe": "abc"},
        {"category": "abc"},
        {"category": "\x00"},
        {"subcommittee": "x"},
        {"o": "abc"},
        {"o": "99.-99"},
        {"p": "abc"},
        {"tier": "\x00"},
        {"scored": "\x00"},
    ],
)
def test_junk_in_the_query_string_is_never_a_server_error(centre, client, params):
    client.force_login(central_staff())
    assert client.get(QUEUE, params).status_code in (200, 302, 400)
    client.force_login(centre.production_member)
    assert client.get(GRID, params).status_code in (200, 302, 400)


def test_looking_at_the_queue_and_the_grid_writes_nothing(centre, client):
    client.force_login(centre.production_member)
    with CaptureQueriesContext(connection) as captured:
        client.get(QUEUE, {"province": "50"})
        client.get(GRID, {"province": "50"})
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []


def test_the_grid_scores_one_filtered_page_at_a_time(centre, client):
    member = centre.production_member
    ScoreSheet.objects.filter(member=member).delete()
    client.force_login(member)
    drinks = centre.production.product_types.get(code="DRINK")

    page = client.get(GRID, {"category": drinks.pk, "province": "50"})
    rows = [row["nomination"] for t in page.context["tables"] for row in t["rows"]]
    assert rows and {(n.category_id, n.province_code) for n in rows} == {
        (drinks.pk, "50")
    }
    assert len(rows) <= 25

    criteria = Criterion.objects.filter(round=centre.round, tier="central")
    body = {
        "category": drinks.pk,
        "province": "50",
        **{f"n{n.pk}_c{c.pk}": "8" for n in rows for c in criteria},
    }
    done = client.post(GRID, body)
    assert done.status_code == 302
    sheets = ScoreSheet.objects.filter(member=member, status="submitted")
    assert sorted(sheets.values_list("nomination_id", flat=True)) == sorted(
        n.pk for n in rows
    )
    assert NominationEvent.objects.filter(action="sheet_submitted").count() == len(rows)
