"""The round dashboard's late committees: those past their deadline without
an approved ranking, on the page and in the download, and downloads that
cannot start a spreadsheet formula."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from core.buddhist_era import format_date
from selection.models import Round
from selection.selectors import queue_for
from tests.reports.dashboard_world import (
    URL,
    World,
    be,
    build_world,
    csv_rows,
    member_of,
)
from tests.selection.ladder import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(geography) -> World:
    return build_world()


# Late committees -----------------------------------------------------------------


def test_late_committees_are_those_past_the_deadline_without_approval(
    client, world, central_staff
):
    round_ = world.round
    # The portal's today is Bangkok's, a day ahead of UTC from 17:00 UTC.
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)
    Round.objects.filter(pk=round_.pk).update(
        tambon_deadline=three_days_ago, amphoe_deadline=three_days_ago
    )
    waiting = {  # computed here: districts with pending nominations, not approved
        board.committee.pk
        for board in world.districts.values()
        if queue_for(board.committee, round_).exists()
        and not round_.rankings.filter(
            committee=board.committee, status="approved"
        ).exists()
    }
    assert waiting == {
        world.districts["5002"].committee.pk,
        world.districts["3402"].committee.pk,
    }
    client.force_login(central_staff)
    response = client.get(URL)
    late = response.context["late"]
    assert {item.committee.pk for item in late} == waiting
    assert {item.days_late for item in late} == {3}
    assert {item.ranking_status for item in late} == {"", "finalized"}
    assert {item.pending for item in late} == {2}
    html = response.content.decode()
    assert (
        len(re.findall(r"<tr data-key=\"\d+\">", html.split('id="table-late"')[1])) == 2
    )
    assert format_date(three_days_ago, language="th") in html  # B.E. date

    rows = csv_rows(client.get(f"{URL}late.csv", {"round": be(round_)}))
    assert len(rows) == 3
    assert {row[2] for row in rows[1:]} == {"5002", "3402"}
    assert {row[4] for row in rows[1:]} == {"3"}

    client.force_login(member_of(world.provinces["34"]))
    late = client.get(URL).context["late"]
    assert [item.committee.pk for item in late] == [
        world.districts["3402"].committee.pk
    ]
    client.force_login(member_of(world.districts["5001"]))
    assert client.get(URL).context["late"] == []


def test_no_committee_is_late_before_the_deadlines(client, world, central_staff):
    client.force_login(central_staff)
    response = client.get(URL)
    assert response.context["late"] == []
    assert 'id="late-none"' in response.content.decode()


def test_downloads_cannot_start_a_spreadsheet_formula(client, world, central_staff):
    round_ = world.round
    Round.objects.filter(pk=round_.pk).update(
        tambon_deadline=TODAY - dt.timedelta(days=1),
        amphoe_deadline=TODAY - dt.timedelta(days=1),
    )
    committee = world.districts["5002"].committee
    committee.name_th = '=HYPERLINK("http://evil")'
    committee.save(update_fields=["name_th"])
    client.force_login(central_staff)
    rows = csv_rows(client.get(f"{URL}late.csv", {"round": be(round_)}))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert not any(cell.startswith("=") for row in rows for cell in row)
