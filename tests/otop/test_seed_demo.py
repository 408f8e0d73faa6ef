"""``manage.py seed_demo``: the same world every time, every step of the ladder
present, and every demo login confined to its own area."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from committees.models import Committee, Membership
from communities.models import OfficerAssignment, Producer, Tambon
from communities.services import producer_create
from core.buddhist_era import fiscal_year
from devdata.demo.data import AMPHOES, DEMO_PASSWORD, LOGINS, OFFICERS, PRODUCTS
from devdata.demo.world import demo_rounds, stage_counts
from products.models import Certification, Product, ProductImage
from registry.models import RegistryEntry
from selection.models import (
    Nomination,
    NominationEvent,
    RankingEntry,
    Round,
    ScoreSheet,
    TambonForum,
)
from selection.selectors import nomination_queue_for, rankings_visible_to

pytestmark = pytest.mark.django_db

LOCAL_APPS = (
    "accounts",
    "communities",
    "products",
    "committees",
    "selection",
    "registry",
    "notifications",
)


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo world for the module (a build takes seconds): built in an
    outer transaction that is rolled back when the module is done; each test
    runs in a savepoint inside it. DEBUG is off in the test settings, hence
    --force (the refusal has its own test)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_geography", stdout=io.StringIO())
        output = seed("--force")
        yield output
        transaction.set_rollback(True)


def every_row() -> dict[str, list[dict]]:
    """Every row of every model of the portal's apps, as stored."""
    models = [m for app in LOCAL_APPS for m in apps.get_app_config(app).get_models()]
    models.append(User.user_permissions.through)
    return {
        m._meta.label: list(m._base_manager.order_by("pk").values()) for m in models
    }


def _rows(queryset, *fields) -> list[tuple]:
    return sorted(
        tuple("" if value is None else str(value) for value in row)
        for row in queryset.values_list(*fields)
    )


def fingerprint() -> dict[str, list[tuple]]:
    """The world by natural keys: what a rebuild must reproduce (ids,
    timestamps and photo file names aside)."""
    return {
        "users": _rows(User.objects.all(), "username", "display_name", "is_staff"),
        "rights": _rows(
            User.user_permissions.through.objects.all(),
            "user__username",
            "permission__codename",
        ),
        "committees": _rows(Committee.objects.all(), "tier", "amphoe", "province"),
        "memberships": _rows(
            Membership.objects.all(),
            "user__username",
            "committee__tier",
            "committee__amphoe",
            "committee__province",
            "role",
        ),
        "assignments": _rows(
            OfficerAssignment.objects.all(), "user__username", "tambon"
        ),
        "producers": _rows(
            Producer.objects.all(), "tambon", "name_th", "registration_number", "phone"
        ),
        "products": _rows(
            Product.objects.all(), "producer__name_th", "name_th", "category__code"
        ),
        "photos": _rows(ProductImage.objects.all(), "product__name_th", "is_primary"),
        "certificates": _rows(
            Certification.objects.all(),
            "product__name_th",
            "standard__code",
            "number",
            "issued_on",
            "expires_on",
        ),
        "rounds": _rows(
            Round.objects.all(), "year", "title_th", "status", "tambon_deadline"
        ),
        "forums": _rows(
            TambonForum.objects.all(), "round__year", "tambon", "held_on", "resolution"
        ),
        "nominations": _rows(
            Nomination.objects.all(),
            "round__year",
            "product__name_th",
            "tier",
            "state",
            "provincial_score",
            "final_score",
            "stars",
        ),
        "sheets": _rows(
            ScoreSheet.objects.all(),
            "nomination__product__name_th",
            "nomination__round__year",
            "tier",
            "member__username",
            "status",
            "total",
        ),
        "rankings": _rows(
            RankingEntry.objects.all(),
            "ranking__round__year",
            "ranking__committee__tier",
            "ranking__committee__amphoe",
            "ranking__committee__province",
            "ranking__status",
            "position",
            "nomination__product__name_th",
            "mean_total",
            "decision",
        ),
        "events": _rows(
            NominationEvent.objects.all(),
            "nomination__product__name_th",
            "action",
            "to_tier",
            "to_state",
            "note",
        ),
        "registry": _rows(
            RegistryEntry.objects.all(), "number", "name_th", "stars", "final_score"
        ),
    }


def counts() -> dict[str, int]:
    return {label: len(rows) for label, rows in every_row().items()}


def test_seed_demo_twice_gives_the_same_world_and_reset_rebuilds_it(demo):
    admin = User.objects.create_superuser("admin", password="not the demo's")
    theirs = producer_create(
        actor=admin,
        tambon=Tambon.objects.get(pk=AMPHOES[0].tambons[0]),
        kind="community",
        name_th="กลุ่มที่ไม่ใช่ข้อมูลสาธิต",
    )
    rows, world = every_row(), fingerprint()

    second = seed("--force")

    assert "already present" in second
    assert every_row() == rows  # nothing created, nothing changed
    assert "officer-sankamphaeng" in second  # the logins are printed each time

    before = counts()
    rebuilt = seed("--reset", "--force")

    assert "Rebuilding" in rebuilt
    assert counts() == before
    assert fingerprint() == world
    assert User.objects.filter(pk=admin.pk).exists()  # only the demo's rows go
    assert Producer.objects.filter(pk=theirs.pk).exists()


def test_the_demo_has_every_step_of_the_ladder_and_a_public_registry(demo, client):
    fy = fiscal_year(timezone.localdate())
    current = demo_rounds().get(status=Round.Status.OPEN)
    previous = demo_rounds().get(status=Round.Status.CLOSED)
    assert (current.year, previous.year) == (fy, fy - 1)
    assert current.tambon_deadline > timezone.localdate()

    steps = stage_counts(current)
    for step in ("draft", "submitted", "returned", "scored", "ranked", "forwarded"):
        assert steps.get(step), step
    assert stage_counts(previous).keys() >= {"awarded", "published"}
    assert set(Product.objects.values_list("name_th", flat=True)) == {
        p.name_th for p in PRODUCTS
    }
    assert 20 <= len(PRODUCTS) <= 40
    assert not Product.objects.filter(images__isnull=True).exists()

    listed = RegistryEntry.objects.listed()
    assert listed.count() == stage_counts(previous)["published"]
    assert {e.province_code for e in listed} == {"50", "47"}
    page = client.get("/registry/")
    assert page.status_code == 200
    assert listed.first().name_th in _text(page)


def _text(response) -> str:
    """The page without its tags: Thai names are marked up word by word."""
    return re.sub("<[^>]+>", "", response.content.decode())


def _names(nominations) -> set[str]:
    return {n.product.name_th for n in nominations}


def _committee_area(username: str) -> tuple[str, str]:
    """("amphoe", "5013") for amphoe-5013-chair; ("central", "") for the centre."""
    tier, _, rest = username.partition("-")
    return tier, rest.rpartition("-")[0]


def test_every_demo_login_sees_its_own_area_only(demo, client):
    waiting = Nomination.objects.filter(
        round__status=Round.Status.OPEN, state=Nomination.State.PENDING
    ).select_related("product")
    for login in LOGINS:
        client.logout()
        # axes' backend needs the request a login comes with.
        assert client.login(
            request=HttpRequest(), username=login.username, password=DEMO_PASSWORD
        ), login
        user = User.objects.get(username=login.username)
        if login.username.startswith("officer-"):
            amphoe = next(a for a in AMPHOES if OFFICERS[a.code] == login.username)
            own = Product.objects.filter(producer__tambon__amphoe=amphoe.code)
            other = Product.objects.exclude(producer__tambon__province=amphoe.code[:2])
            page = _text(client.get("/officer/products/"))
            assert all(p.name_th in page for p in own)
            assert not any(p.name_th in page for p in other)
            assert (
                client.get(f"/officer/products/{other.first().pk}/").status_code == 404
            )
            continue
        tier, area = _committee_area(login.username)
        if login.username == "central-staff":
            expected = _names(waiting)  # central staff see every queue
        else:
            field = {"amphoe": "amphoe_code", "province": "province_code"}.get(tier)
            mine = waiting.filter(tier=tier, **({field: area} if field else {}))
            expected = _names(mine)
            visible = {r.committee.area_code for r in rankings_visible_to(user)}
            assert visible == {area}, login.username
        assert _names(nomination_queue_for(user=user)) == expected, login.username
        if login.username.endswith("-chair") or login.username == "central-staff":
            page = client.get("/admin/selection/queuenomination/")
            assert page.status_code == 200
            html = _text(page)
            assert all(name in html for name in expected)
            assert not any(name in html for name in _names(waiting) - expected)
    assert _names(waiting.filter(tier="amphoe", amphoe_code="4704"))  # not vacuous


def test_seed_demo_refuses_without_debug(geography, settings):
    settings.DEBUG = False
    users = User.objects.filter(username__in=[x.username for x in LOGINS])
    before = sorted(users.values_list("pk", flat=True))

    for args in ((), ("--reset",)):
        with pytest.raises(CommandError, match="DEBUG is off"):
            seed(*args)

    assert sorted(users.values_list("pk", flat=True)) == before  # nothing touched


def test_seed_demo_runs_with_debug_on(demo, settings):
    settings.DEBUG = True  # as in make run (otop.settings.local)

    assert "already present" in seed()
