"""Getting in and around (issue #20 item 6), in the demo world: each demo
role lands on its own work page after logging in, the menu offers only
what the role can do, the officer's home flags the returned nomination and
the round's deadlines, /plans/ opens on the latest round with plans, and a
malformed ?round= is the portal's Thai 400 page."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from accounts.models import User
from devdata.demo.data import DEMO_PASSWORD
from selection.models import Nomination
from support.models import SupportPlan

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="site-nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')

OFFICER = "/officer/"
COMMITTEES = "/committees/"
DASHBOARD = "/dashboard/"
PLANS = "/plans/"
REPORT = "/reports/"
ADMIN = "/admin/"
EVERYONE = ["/", "/registry/"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo world, built once for the module in a transaction rolled back
    at its end (as tests/otop/test_get_writes_nothing.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_geography", stdout=io.StringIO())
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def menu(page: str) -> list[str]:
    return HREF.findall(NAV.search(page)[1])


@pytest.mark.parametrize(
    ("username", "lands_on"),
    [
        ("central-staff", ADMIN),
        ("central-chair", COMMITTEES),
        ("province-50-secretary", COMMITTEES),
        ("amphoe-4704-chair", COMMITTEES),
        ("officer-mueangsakon", OFFICER),
        ("officer-phannanikhom", OFFICER),
    ],
)
def test_each_demo_role_lands_on_its_own_work_page(demo, username, lands_on):
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
    )
    work = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == "/start/"
    assert work.status_code == 302
    assert work["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


def test_a_safe_next_is_honoured_and_an_unsafe_one_ignored(demo):
    login = {"username": "officer-mueangsakon", "password": DEMO_PASSWORD}

    safe = Client().post("/accounts/login/?next=/registry/", login)
    unsafe = Client().post("/accounts/login/?next=https://evil.example/", login)

    assert safe["Location"] == "/registry/"
    assert unsafe["Location"] == "/start/"


@pytest.mark.parametrize("method", ["get", "head"])
def test_start_needs_a_login(demo, method):
    response = getattr(Client(), method)("/start/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("username", "sections"),
    [
        (None, []),
        ("officer-mueangsakon", [OFFICER]),
        ("amphoe-4704-member", [COMMITTEES, DASHBOARD, PLANS, ADMIN]),
        ("province-50-secretary", [COMMITTEES, DASHBOARD, PLANS, ADMIN]),
        ("central-chair", [COMMITTEES, DASHBOARD, PLANS, ADMIN]),
        ("central-staff", [DASHBOARD, PLANS, REPORT, ADMIN]),
    ],
)
def test_the_menu_offers_only_what_the_role_can_do(demo, username, sections):
    client = signed_in(username) if username else Client()

    links = menu(client.get("/registry/").content.decode())

    assert links == EVERYONE + sections
    for url in sections:  # and every section offered opens
        assert client.get(url).status_code == 200, url


def test_the_provincial_secretary_is_no_longer_offered_the_officer_pages(demo):
    page = signed_in("province-50-secretary").get("/").content.decode()

    assert 'href="/officer/"' not in menu(page)


def test_the_officers_home_flags_the_returned_nomination_and_the_deadlines(demo):
    client = signed_in("officer-mueangsakon")
    returned = Nomination.objects.filter(state="returned", tier="tambon").first()

    page = client.get(OFFICER).content.decode()

    assert returned is not None
    assert 'id="returned-nominations"' in page
    assert f'href="/officer/nominations/{returned.pk}/"' in page
    assert returned.product.name_th in page
    assert returned.return_reason in page
    assert "ส่งใหม่ภายใน" in page
    assert 'id="round-deadlines"' in page


def test_an_officer_with_nothing_returned_sees_no_flag(demo):
    page = signed_in("officer-phannanikhom").get(OFFICER).content.decode()

    assert 'id="returned-nominations"' not in page
    assert 'id="round-deadlines"' in page


def test_plans_open_on_the_latest_round_with_plans(demo):
    client = signed_in("province-50-secretary")
    latest = SupportPlan.objects.order_by("-round__year").first().round

    response = client.get(PLANS)

    assert response.status_code == 200
    assert response.context["round"] == latest
    assert response.context["lines"]


@pytest.mark.parametrize(
    "value", ["abc", "-1", "123456789012345678901234567890", "25.69", "２๕๖๙"]
)
@pytest.mark.parametrize("method", ["get", "head"])
def test_a_malformed_round_is_the_portals_thai_400_page(demo, value, method):
    client = signed_in("province-50-secretary")

    response = getattr(client, method)(PLANS, {"round": value})

    assert response.status_code == 400
    if method == "get":
        page = response.content.decode()
        assert '<html lang="th">' in page
        assert "css/site.css" in page
        thai = "รอบการคัดสรรต้องเป็นปี พ.ศ."
        assert thai in page
        assert page.index(thai) < page.index("Round must be a B.E. year")
        assert "Bad Request (400)" not in page


@pytest.mark.parametrize("url", ["/plans/?round=%00", "/plans/?round=%FF"])
def test_hostile_round_values_are_a_400_too(demo, url):
    response = signed_in("province-50-secretary").get(url)

    assert response.status_code == 400
    assert "คำขอมีอักขระที่ใช้ไม่ได้" in response.content.decode()


def test_the_400_page_names_the_reason_with_debug_on(demo, settings):
    settings.DEBUG = True

    response = signed_in("province-50-secretary").get(PLANS, {"round": "abc"})

    assert response.status_code == 400
    assert "รอบการคัดสรรต้องเป็นปี พ.ศ." in response.content.decode()
