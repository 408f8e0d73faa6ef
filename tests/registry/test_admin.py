"""The registry in the admin: central staff publish awarded nominations from
their own list (one, several or a whole round, all or nothing) and revoke
entries with a reason; the tambon's officers and the producer hear of it."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from committees.models import Tier as CommitteeTier
from communities.models import Producer
from notifications.delivery import render
from notifications.models import Delivery, Notification
from registry.models import RegistryEntry, RegistryEvent
from registry.services import registry_publish
from selection.models import Nomination, Ranking
from selection.services import nomination_award
from tests.accounts.factories import UserFactory
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/registry/registryentry/"
PUBLISH = f"{ADMIN}publish/"
COFFEE, COTTON, UMBRELLA = "กาแฟดอยช้างคั่วกลาง", "ผ้าฝ้ายทอมือ", "ร่มบ่อสร้าง"


@pytest.fixture
def client(client):
    """These tests read the admin's English wording (the Thai is tested elsewhere)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def registrar(client, publisher):
    """The publisher, signed in."""
    client.force_login(publisher)
    return publisher


@pytest.fixture
def nominations(awarded):
    """Three awarded nominations of one tambon: coffee, cotton, umbrella."""
    return awarded


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def history(change_page) -> list[str]:
    """The actions in the entry's history, as its change page lists them."""
    cell = r'<td class="field-action_display">\s*<p>(\w+)</p>'
    return re.findall(cell, change_page.text)


def published_names() -> list[str]:
    return list(
        RegistryEntry.objects.order_by("number").values_list("name_th", flat=True)
    )


def entry_notices() -> int:
    return Notification.objects.filter(event_type="entry_published").count()


def entry_deliveries() -> int:
    return Delivery.objects.filter(event_type="entry_published").count()


# Publishing ------------------------------------------------------------------


def test_the_page_lists_awarded_nominations_in_central_ranking_order(
    client,
    registrar,
    nominations,
):
    page = client.get(PUBLISH)

    assert page.status_code == 200
    html = page.text
    assert html.index(COFFEE) < html.index(COTTON) < html.index(UMBRELLA)
    assert "Publish selected" in html
    assert "Publish all for this round (3)" in html
    assert 'name="csrfmiddlewaretoken"' in html
    for nomination in nominations:
        assert f'name="one" value="{nomination.pk}"' in html


def test_central_staff_publish_one_and_get_a_link_to_its_public_page(
    client,
    registrar,
    nominations,
):
    response = client.post(PUBLISH, {"one": nominations[1].pk}, follow=True)

    entry = RegistryEntry.objects.get()
    assert entry.nomination_id == nominations[1].pk
    assert entry.published_by == registrar
    assert RegistryEvent.objects.get(entry=entry).action == "published"
    [message] = texts(response)
    assert message.startswith("1 entry was published")
    assert f'<a href="/registry/{entry.number}/">{entry.number}</a>' in message
    assert f'href="/registry/{entry.number}/"' in response.text  # not escaped
    assert COTTON not in response.text.split("Publish selected")[0]  # left the list


def test_central_staff_publish_the_selected_ones_in_ranking_order(
    client,
    registrar,
    nominations,
):
    chosen = {"do": "selected", "nomination": [nominations[2].pk, nominations[0].pk]}

    response = client.post(PUBLISH, chosen)

    assert response.status_code == 302
    assert published_names() == [COFFEE, UMBRELLA]  # numbered by the ranking
    [message] = texts(response)
    assert message.startswith("2 entries were published")
    for entry in RegistryEntry.objects.all():
        assert f"/registry/{entry.number}/" in message


def test_publish_all_for_a_round(client, registrar, nominations):
    response = client.post(PUBLISH, {"round": nominations[0].round.year}, follow=True)

    assert published_names() == [COFFEE, COTTON, UMBRELLA]
    assert "3 entries were published" in texts(response)[0]
    assert "No awarded nomination is waiting for publication" in response.text


def test_a_bulk_publication_is_all_or_nothing_and_says_which_failed(
    client,
    registrar,
    nominations,
    publisher,
):
    client.get(PUBLISH)  # the list shows all three …
    registry_publish(
        actor=publisher, nomination=nominations[1]
    )  # … a colleague is quicker
    notices, deliveries = entry_notices(), entry_deliveries()

    response = client.post(
        PUBLISH, {"do": "selected", "nomination": [n.pk for n in nominations]}
    )

    assert published_names() == [COTTON]  # only the colleague's
    [message] = texts(response)
    assert message.startswith("Nothing was published.")
    assert COTTON in message and "already in the registry" in message
    assert (entry_notices(), entry_deliveries()) == (notices, deliveries)


def test_a_nomination_no_longer_awarded_stops_the_whole_batch(
    client,
    registrar,
    nominations,
):
    Nomination.objects.filter(pk=nominations[2].pk).update(
        state=Nomination.State.PENDING
    )

    response = client.post(
        PUBLISH, {"do": "selected", "nomination": [n.pk for n in nominations]}
    )

    assert not RegistryEntry.objects.exists()
    assert not RegistryEvent.objects.exists()
    assert entry_notices() == entry_deliveries() == 0
    [message] = texts(response)
    assert UMBRELLA in message and "Only awarded nominations" in message


def test_an_empty_or_unknown_choice_publishes_nothing(
    client,
    registrar,
    nominations,
):
    nothing = client.post(PUBLISH, {"do": "selected"}, follow=True)
    unknown = client.post(
        PUBLISH, {"do": "selected", "nomination": [nominations[0].pk, 999999]}
    )

    assert not RegistryEntry.objects.exists()
    assert texts(nothing) == ["Choose at least one nomination to publish."]
    assert "unknown" in texts(unknown)[0]


def test_the_page_only_answers_publishers(client, nominations):
    staff = UserFactory(username="clerk", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_registryentry"))
    client.force_login(staff)

    assert client.get(PUBLISH).status_code == 403
    assert client.post(PUBLISH, {"one": nominations[0].pk}).status_code == 403
    assert client.post(PUBLISH, {"round": nominations[0].round.year}).status_code == 403
    assert not RegistryEntry.objects.exists()
    assert "Awarded nominations to publish" not in client.get(ADMIN).text


def test_the_page_refuses_get_publishing_and_needs_a_login(
    client, nominations, publisher
):
    anonymous = client.post(PUBLISH, {"one": nominations[0].pk})
    client.force_login(publisher)
    get = client.get(PUBLISH, {"one": nominations[0].pk})

    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert get.status_code == 200
    assert not RegistryEntry.objects.exists()


def test_the_empty_page_says_nothing_waits(client, registrar, geography):
    page = client.get(PUBLISH)

    assert page.status_code == 200
    assert "No awarded nomination is waiting for publication" in page.text
    assert "Publish selected" not in page.text


# Who sees the registry admin -------------------------------------------------


@pytest.mark.parametrize("username", ["amphoe-5001-chair", "province-50-member0"])
def test_district_and_provincial_members_cannot_see_the_registry_admin(
    client,
    nominations,
    username,
    publisher,
):
    entry = registry_publish(actor=publisher, nomination=nominations[0])
    client.force_login(User.objects.get(username=username))

    assert "/admin/registry/" not in client.get("/admin/").text
    assert client.get(ADMIN).status_code == 403
    assert client.get(f"{ADMIN}{entry.pk}/change/").status_code == 403
    assert client.get(PUBLISH).status_code == 403
    assert client.get(f"{ADMIN}{entry.pk}/revoke/").status_code == 403


def test_publishers_browse_read_only_entries_with_their_history(
    client,
    registrar,
    nominations,
):
    entry = registry_publish(actor=registrar, nomination=nominations[0])

    index = client.get("/admin/").text
    listing = client.get(ADMIN, {"q": "ดอยช้าง"})
    change = client.get(f"{ADMIN}{entry.pk}/change/")

    assert f"{ADMIN}" in index
    assert entry.number in listing.text and f'href="{PUBLISH}"' in listing.text
    assert change.status_code == 200
    assert 'name="_save"' not in change.text  # a snapshot: nothing to save
    assert f"{ADMIN}{entry.pk}/revoke/" in change.text
    assert history(change) == ["published"]
    assert str(registrar) in change.text
    assert client.get(f"{ADMIN}nonsense/revoke/").status_code == 404
    assert client.get(f"{ADMIN}add/").status_code == 403
    assert client.get(f"{ADMIN}{entry.pk}/delete/").status_code == 403


# Revoking --------------------------------------------------------------------


def test_revoking_needs_a_reason_and_keeps_the_page_marked_revoked(
    client,
    registrar,
    nominations,
):
    entry = registry_publish(actor=registrar, nomination=nominations[0])
    revoke = f"{ADMIN}{entry.pk}/revoke/"

    blank = client.post(revoke, {"reason": "  "})
    entry.refresh_from_db()
    assert blank.status_code == 200 and not entry.is_revoked
    assert texts(blank) == ["Say why the entry is revoked."]

    done = client.post(revoke, {"reason": "ใบรับรอง มผช. ถูกเพิกถอน"})
    entry.refresh_from_db()
    assert done.status_code == 302
    assert entry.is_revoked and entry.revoke_reason == "ใบรับรอง มผช. ถูกเพิกถอน"
    assert RegistryEvent.objects.filter(entry=entry, action="revoked").exists()

    page = client.get(f"{ADMIN}{entry.pk}/change/")
    assert history(page) == ["published", "revoked"]
    assert "ใบรับรอง มผช. ถูกเพิกถอน" in page.text
    assert revoke not in page.text  # no second revoke offered
    again = client.post(revoke, {"reason": "อีกครั้ง"})
    assert texts(again) == ["This entry is already revoked."]

    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert entry.number not in client.get("/registry/").text
    public = client.get(f"/registry/{entry.number}/")
    assert public.status_code == 200
    assert "This entry has been revoked" in public.text


def test_only_publishers_revoke(client, nominations, publisher):
    entry = registry_publish(actor=publisher, nomination=nominations[0])
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_registryentry"))
    client.force_login(viewer)

    assert client.get(f"{ADMIN}{entry.pk}/change/").status_code == 200
    refused = client.post(f"{ADMIN}{entry.pk}/revoke/", {"reason": "ไม่มีสิทธิ์"})

    entry.refresh_from_db()
    assert refused.status_code == 403 and not entry.is_revoked


# Notifications ---------------------------------------------------------------


def test_publishing_notifies_the_officer_and_the_producer_contact(
    client,
    registrar,
    nominations,
):
    producer = Producer.objects.get(products__nominations=nominations[0])
    producer.email = "coffee@example.co.th"
    producer.save()
    officer = User.objects.get(username="officer-500101")

    client.post(PUBLISH, {"one": nominations[0].pk})

    entry = RegistryEntry.objects.get()
    link = f"/registry/{entry.number}/"
    note = Notification.objects.get(event_type="entry_published")
    assert note.recipient == officer and note.link == link
    assert note.context["number"] == entry.number
    assert note.context["stars"] == entry.stars
    deliveries = Delivery.objects.filter(event_type="entry_published")
    assert {d.address for d in deliveries} == {officer.email, producer.email}
    assert deliveries.get(address=producer.email).recipient is None

    subject, text, _html = render("entry_published", note.context, note.link, "en")
    assert entry.number in subject and f"{entry.stars} stars" in subject
    assert f"{settings.SITE_URL.rstrip('/')}{link}" in text
    assert entry.number in text


def test_a_refused_publication_notifies_nobody(client, nominations):
    client.force_login(UserFactory(username="clerk", is_staff=True))

    client.post(PUBLISH, {"round": nominations[0].round.year})

    assert entry_notices() == entry_deliveries() == 0


# The central ranking links here ---------------------------------------------


def test_the_central_ranking_links_to_the_page_for_publishers_only(client, nominations):
    chair = User.objects.get(username="central-all-chair")
    central = Ranking.objects.get(tier="central")
    district = Ranking.objects.get(tier="amphoe")
    link = f'href="{PUBLISH}"'
    client.force_login(chair)
    assert link not in client.get(f"/admin/selection/ranking/{central.pk}/change/").text

    chair.user_permissions.add(Permission.objects.get(codename="publish_entry"))
    client.force_login(User.objects.get(pk=chair.pk))
    assert link in client.get(f"/admin/selection/ranking/{central.pk}/change/").text
    assert (
        link not in client.get(f"/admin/selection/ranking/{district.pk}/change/").text
    )


# Query budgets ---------------------------------------------------------------


@pytest.fixture
def ten_awarded(geography):
    """Ten awarded nominations from two tambons, in central ranking order."""
    round_ = make_round(tambon_quota=5, amphoe_advance=10, province_advance=10)
    boards = [
        make_board(CommitteeTier.AMPHOE, "5001"),
        make_board(CommitteeTier.PROVINCE, "50"),
        make_board(CommitteeTier.CENTRAL),
    ]
    nominations = []
    for tambon in ("500101", "500102"):
        officer = make_officer(tambon)
        nominations += [
            submitted_nomination(officer, round_, tambon, f"ผลิตภัณฑ์ {tambon}-{i}")
            for i in range(5)
        ]
    for board in boards:
        for i, nomination in enumerate(nominations):
            score_all(board, [nomination], {"A": 10 - i, "B": 9, "C": 9})
        rank_and_approve(board, round_)
    for nomination in nominations:
        nomination_award(actor=boards[2].chair, nomination=nomination)
    return nominations


def _queries(client, method, *args) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(*args)
    assert response.status_code in (200, 302)
    return [query["sql"] for query in captured.captured_queries]


def test_the_page_costs_the_same_with_3_or_10_waiting(client, registrar, ten_awarded):
    with_ten = _queries(client, "get", PUBLISH)
    for nomination in ten_awarded[:7]:
        registry_publish(actor=registrar, nomination=nomination)
    with_three = _queries(client, "get", PUBLISH)

    assert client.get(PUBLISH).text.count('name="one"') == 3
    assert len(with_three) == len(with_ten)


# Lock, check, number (3), photo, certificates, entry, event, notify (4).
PER_ENTRY_BUDGET = 13


def test_bulk_publishing_costs_a_constant_number_of_queries_per_entry(
    client, registrar, ten_awarded
):
    three = _queries(
        client,
        "post",
        PUBLISH,
        {"do": "selected", "nomination": [n.pk for n in ten_awarded[:3]]},
    )
    seven = _queries(
        client,
        "post",
        PUBLISH,
        {"do": "selected", "nomination": [n.pk for n in ten_awarded[3:]]},
    )

    assert RegistryEntry.objects.count() == 10
    per_entry, rest = divmod(len(seven) - len(three), 4)
    assert rest == 0 and per_entry <= PER_ENTRY_BUDGET, (len(three), len(seven))
    # The officers of every tambon in the batch come in one query.
    officers = re.compile(r"tambonuserobjectpermission", re.IGNORECASE)
    assert sum(bool(officers.search(sql)) for sql in seven) == 1
