"""The round dashboard's readers: each sees only their areas, officers and
outsiders are refused, and the menu offers the page only to those who may
see it."""

import pytest
from django.contrib.auth.models import Permission

from tests.accounts.factories import UserFactory
from tests.reports.dashboard_world import (
    TIERS,
    URL,
    World,
    as_rows,
    be,
    build_world,
    csv_table,
    expected_progress,
    expected_scores,
    member_of,
    page_table,
    with_total,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(geography) -> World:
    return build_world()


# Who sees what -------------------------------------------------------------------


def test_a_provincial_member_sees_their_province_by_district(client, world):
    round_ = world.round
    board = world.provinces["50"]
    client.force_login(member_of(board))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()

    expected = expected_progress(round_, "amphoe")
    for tier in TIERS:
        mine = {
            code: counts
            for code, counts in expected[tier].items()
            if code.startswith("50")
        }
        rows = with_total(as_rows(mine, tier))
        assert page_table(html, f"progress-{tier}") == rows
        assert (
            csv_table(client.get(f"{URL}progress-{tier}.csv", {"round": be(round_)}))
            == rows
        )
    assert set(page_table(html, "progress-amphoe")) == {"5001", "5002", "total"}

    scores = expected_scores(round_, provinces={"50"})
    page_scores = page_table(html, "scores")
    for band in range(10):
        assert page_scores[str(band * 10)][:3] == [scores[t][band] for t in TIERS]
    assert set(page_table(html, "stars-region")) == {"north", "total"}
    assert page_table(html, "stars-region")["north"] == [1, 0, 0, 0, 0, 1]
    assert "อุบลราชธานี" not in html


def test_a_district_member_sees_only_their_district(client, world):
    round_ = world.round
    client.force_login(member_of(world.districts["5001"]))
    html = client.get(URL).content.decode()

    expected = expected_progress(round_, "amphoe")
    assert page_table(html, "progress-amphoe") == with_total(
        as_rows({"5001": expected["amphoe"]["5001"]}, "amphoe")
    )
    assert page_table(html, "progress-amphoe")["5001"] == [0, 0, 1, 2, 0, 3]
    assert set(page_table(html, "progress-central")) == {"5001", "total"}
    csv = csv_table(client.get(f"{URL}progress-amphoe.csv", {"round": be(round_)}))
    assert set(csv) == {"5001", "total"}
    page_scores = page_table(html, "scores")
    assert page_scores["total"] == [3, 1, 1, 5]  # 81, 77, 73; 94; 90
    assert "จอมทอง" not in html  # the neighbouring district


def test_the_manage_round_permission_is_enough_for_the_whole_country(client, world):
    staff = UserFactory(username="cdd-analyst")
    staff.user_permissions.add(Permission.objects.get(codename="manage_round"))
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert set(page_table(html, "progress-amphoe")) == {"50", "34", "total"}


def test_central_committee_members_see_the_whole_country(client, world):
    client.force_login(member_of(world.central))
    html = client.get(URL).content.decode()
    assert set(page_table(html, "progress-amphoe")) == {"50", "34", "total"}


@pytest.mark.parametrize("path", [URL, f"{URL}progress-amphoe.csv", f"{URL}late.csv"])
def test_officers_and_outsiders_are_refused(client, world, path):
    assert client.get(path).status_code == 302  # to the login page
    assert "/accounts/login/" in client.get(path)["Location"]
    for user in (world.officers["5001"], UserFactory(username="citizen")):
        client.force_login(user)
        assert client.get(path).status_code == 403


def test_the_menu_shows_the_dashboard_only_to_those_who_may_see_it(client, world):
    client.force_login(member_of(world.provinces["34"]))
    assert 'href="/dashboard/"' in client.get("/").content.decode()
    client.force_login(world.officers["5001"])
    assert 'href="/dashboard/"' not in client.get("/").content.decode()
