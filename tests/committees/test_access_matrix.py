"""Every role against every committee page and admin view, own area and another.

Denied means 404 (or 403); users who are not staff at all are sent to the
admin's login page instead, which the admin does before any object is looked up.
"""

import pytest
from django.contrib.auth.models import Permission

from committees.models import Membership, Role
from tests.accounts.factories import UserFactory
from tests.committees.factories import amphoe_committee, member_of

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "officer", "member", "secretary", "chair", "observer", "central"]
PAGES = [
    "/committees/{committee}/",
    "/admin/committees/committee/{committee}/change/",
    "/admin/committees/membership/{membership}/change/",
]
CHANGELISTS = ["/admin/committees/committee/", "/admin/committees/membership/"]


@pytest.fixture
def world(officer):
    own = amphoe_committee("5001")
    other = amphoe_committee("5002")
    people = {"anonymous": None, "officer": officer}  # the officer of 500101
    for role in ("member", "secretary", "chair", "observer"):
        people[role] = member_of(own, role, username=role)
    people["other-chair"] = member_of(other, Role.CHAIR, username="other-chair")
    # Central staff without superuser rights: the committee permissions only.
    central = UserFactory(username="central-clerk", is_staff=True)
    central.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="committees",
            codename__in=[
                "view_committee",
                "add_committee",
                "change_committee",
                "view_membership",
                "add_membership",
                "change_membership",
            ],
        )
    )
    people["central"] = central
    return own, other, people


def _urls(committee):
    membership = Membership.objects.filter(committee=committee).first()
    return [
        page.format(committee=committee.pk, membership=membership.pk) for page in PAGES
    ]


def _client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _denied(response):
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "central"])
def test_another_areas_committee_is_out_of_reach(client, world, role):
    _own, other, people = world
    client = _client_for(client, people[role])

    for url in _urls(other):
        response = client.get(url)
        assert _denied(response), (role, url, response.status_code)


@pytest.mark.parametrize(
    "role", ["member", "secretary", "chair", "observer", "central"]
)
def test_own_committee_is_open(client, world, role):
    own, _other, people = world
    client = _client_for(client, people[role])

    for url in _urls(own):
        assert client.get(url).status_code == 200, (role, url)


@pytest.mark.parametrize("role", ["anonymous", "officer"])
def test_non_members_cannot_open_even_their_areas_committee(client, world, role):
    own, _other, people = world
    client = _client_for(client, people[role])

    for url in _urls(own):
        assert _denied(client.get(url)), (role, url)


@pytest.mark.parametrize("role", ["member", "secretary", "chair", "observer"])
def test_changelists_show_members_only_their_own_committees(client, world, role):
    _own, _other, people = world
    client.force_login(people[role])

    pages = [client.get(url) for url in CHANGELISTS]

    assert [page.status_code for page in pages] == [200, 200]
    assert "เมืองเชียงใหม่" in pages[0].text  # amphoe 5001, their committee
    assert "จอมทอง" not in pages[0].text  # amphoe 5002, the other committee
    assert people["chair"].get_short_name() in pages[1].text
    assert people["other-chair"].get_short_name() not in pages[1].text


def test_central_staff_see_every_committee(client, world):
    _own, other, people = world
    client.force_login(people["central"])

    page = client.get("/admin/committees/committee/").text

    assert "เมืองเชียงใหม่" in page and "จอมทอง" in page
    for url in _urls(other):
        assert client.get(url).status_code == 200


def test_members_see_only_the_apps_they_may_use(client, world):
    _own, _other, people = world
    client.force_login(people["member"])

    index = client.get("/admin/").text

    assert "/admin/committees/" in index
    assert "/admin/products/" not in index
    assert "/admin/accounts/" not in index
    assert "/admin/communities/" not in index


def test_members_cannot_change_their_committee_in_the_admin(client, world):
    own, _other, people = world
    client.force_login(people["chair"])
    url = f"/admin/committees/committee/{own.pk}/change/"

    client.post(url, {"name_th": "แก้ชื่อเอง", "term_start": "2025-10-01"})

    own.refresh_from_db()
    assert own.name_th != "แก้ชื่อเอง"
    assert client.get("/admin/committees/committee/add/").status_code == 403
