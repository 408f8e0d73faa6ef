"""The officer's OTOP registration pages: the list (scope, filters, query
count), the move pages, the producer form's existing registration, the admin."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils.translation import gettext as _

from communities.models import ProducerRegistration
from communities.services import registration_apply
from tests.accounts.factories import staff_with
from tests.clock import TODAY
from tests.communities.factories import officer_for, producer_data, tambon
from tests.communities.registration_world import (
    OTHER_TAMBON,
    district_officer,
    producer_in,
    registration_in,
)
from tests.rows import changed_rows, row_counts

pytestmark = pytest.mark.django_db

Status = ProducerRegistration.Status
DAY = dt.timedelta(days=1)
LIST = "/officer/producers/registrations/"


@pytest.fixture
def district(geography):
    return district_officer(username="district-5001")


@pytest.fixture
def tambon_officer(geography):
    return officer_for(tambon("500101"), username="tambon-500101")


def names(response):
    return [row["producer"].name_th for row in response.context["rows"]]


def test_the_list_shows_only_the_officers_own_producers(client, district):
    registration_in(
        Status.APPROVED, district=district, producer=producer_in(name_th="ก")
    )
    producer_in(OTHER_TAMBON, name_th="กรุงเทพ")
    client.force_login(district)

    response = client.get(LIST)

    assert response.status_code == 200
    assert names(response) == ["ก"]
    assert "กรุงเทพ" not in response.content.decode()


def test_the_list_filters_by_status_and_by_ending_soon(client, district):
    registration_in(
        Status.APPLIED, district=district, producer=producer_in(name_th="ก")
    )
    registration_in(
        Status.APPROVED,
        district=district,
        producer=producer_in(name_th="ข"),
        valid_until=TODAY + 60 * DAY,
    )
    registration_in(
        Status.APPROVED,
        district=district,
        producer=producer_in(name_th="ค"),
        valid_until=TODAY + 61 * DAY,
    )
    producer_in(name_th="ง")
    client.force_login(district)

    assert names(client.get(LIST, {"status": "approved"})) == ["ข", "ค"]
    assert names(client.get(LIST, {"status": "none"})) == ["ง"]
    assert names(client.get(LIST, {"expiring": "on"})) == ["ข"]
    assert names(client.get(LIST, {"q": "OTOP-50"})) == ["ข", "ค"]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"status": ["approved", "x" * 500]},
        {"q": "x" * 500},
        {"page": "abc"},
        {"page": "99999"},
        {"expiring": "%00"},
        {"status": "\x00"},
    ],
)
def test_junk_filters_are_a_400_or_a_page_never_a_500(client, district, query):
    registration_in(Status.APPROVED, district=district)
    client.force_login(district)
    before = row_counts()

    response = client.get(LIST, query)

    assert response.status_code in (200, 400)
    assert changed_rows(before) == {}


def test_the_list_writes_nothing_and_its_queries_do_not_grow(
    client, district, django_assert_max_num_queries
):
    registration_in(Status.APPROVED, district=district)
    client.force_login(district)
    client.get(LIST)  # warm the session and the permission caches
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for status in (Status.APPLIED, Status.APPROVED, Status.CANCELLED) * 6:
        registration_in(status, district=district)
    for _n in range(5):
        producer_in()
    before = row_counts()

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)

    assert len(response.context["rows"]) == 24
    assert changed_rows(before) == {}


def test_the_list_offers_each_role_its_moves(client, district, tambon_officer):
    applied = registration_in(Status.APPLIED, district=district)
    producer_in(name_th="ยังไม่ยื่น")

    client.force_login(tambon_officer)
    mine = {r["producer"].pk: r["actions"] for r in client.get(LIST).context["rows"]}
    client.force_login(district)
    theirs = {r["producer"].pk: r["actions"] for r in client.get(LIST).context["rows"]}

    assert mine[applied.producer_id] == []
    assert theirs[applied.producer_id] == ["approve", "cancel"]
    assert ["apply"] in mine.values()


def test_the_list_links_only_moves_that_have_a_page(client, district):
    """Correcting a held registration is the admin's: no dead link to it here."""
    held = registration_in(Status.APPROVED, district=district)
    client.force_login(district)
    response = client.get(LIST)

    actions = {r["producer"].pk: r["actions"] for r in response.context["rows"]}
    assert "correct" not in actions[held.producer_id]
    assert "/registration/correct/" not in response.content.decode()


def test_the_district_approves_from_its_page(client, district):
    applied = registration_in(Status.APPLIED, district=district)
    client.force_login(district)
    url = f"/officer/producers/{applied.producer_id}/registration/approve/"

    assert client.get(url).status_code == 200
    response = client.post(url, {"number": "", "valid_until": "", "note": ""})

    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == Status.APPROVED
    assert applied.number == "OTOP-50-2569-00001"


def test_cancelling_asks_for_confirmation_and_a_reason(client, district):
    held = registration_in(Status.APPROVED, district=district)
    client.force_login(district)
    url = f"/officer/producers/{held.producer_id}/registration/cancel/"

    confirm = client.get(url)
    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "เลิกผลิต"})

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert held.producer.name_th in page and "button-warning" in page
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert done.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.cancelled_reason) == (Status.CANCELLED, "เลิกผลิต")


def test_a_move_the_user_may_not_make_is_refused_on_post(
    client, district, tambon_officer
):
    applied = registration_in(Status.APPLIED, district=district)
    client.force_login(tambon_officer)
    url = f"/officer/producers/{applied.producer_id}/registration/approve/"

    page = client.get(url)
    response = client.post(url, {"number": "", "valid_until": ""})

    assert (
        _(
            "Only an officer assigned to the producer's district, or central "
            "staff, can approve, renew or cancel an OTOP registration."
        )
        in page.content.decode()
    )
    assert response.status_code == 200
    applied.refresh_from_db()
    assert applied.status == Status.APPLIED


@pytest.mark.parametrize("move", ["correct", "delete", "x" * 50])
def test_an_unknown_move_is_not_found(client, district, move):
    client.force_login(district)
    producer = producer_in()
    assert (
        client.get(f"/officer/producers/{producer.pk}/registration/{move}/").status_code
        == 404
    )


def test_another_districts_producer_is_not_found(client, district):
    theirs = producer_in(OTHER_TAMBON)
    registration_apply(
        actor=district_officer("1001", username="bkk"),
        producer=theirs,
        applied_on=TODAY,
    )
    client.force_login(district)
    for move in ("apply", "approve", "cancel"):
        url = f"/officer/producers/{theirs.pk}/registration/{move}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert theirs.registration.status == Status.APPLIED


# The producer form: a registration made before the portal ------------------------


def test_the_producer_form_records_an_existing_approved_registration(
    client, tambon_officer
):
    client.force_login(tambon_officer)

    response = client.post(
        "/officer/producers/new/",
        producer_data(
            tambon("500101"),
            otop_status="approved",
            otop_number="ชม. 77/2560",
            otop_applied_on="01/02/2560",
            otop_valid_until="31/12/2570",
        ),
    )

    assert response.status_code == 302
    registration = ProducerRegistration.objects.get()
    assert registration.number == "ชม. 77/2560"
    assert registration.applied_on == dt.date(2017, 2, 1)
    assert registration.valid_until == dt.date(2027, 12, 31)
    assert registration.is_valid_on(TODAY)
    assert list(
        registration.events.order_by("pk").values_list("action", flat=True)
    ) == [
        "applied",
        "approved",
    ]


def test_an_approved_registration_without_a_number_is_refused_beside_it(
    client, tambon_officer
):
    client.force_login(tambon_officer)
    before = row_counts()

    response = client.post(
        "/officer/producers/new/",
        producer_data(
            tambon("500101"), otop_status="approved", otop_valid_until="31/12/2570"
        ),
    )

    assert response.status_code == 200
    assert "otop_number" in response.context["registration_form"].errors
    assert changed_rows(before) == {}


# The admin -------------------------------------------------------------------------


def test_the_admin_shows_the_trail_and_corrects_through_the_service(
    client, district, central_staff
):
    held = registration_in(Status.APPROVED, district=district)
    client.force_login(central_staff)
    url = f"/admin/communities/producerregistration/{held.pk}/change/"
    before = row_counts()

    page = client.get(url)
    listing = client.get("/admin/communities/producerregistration/")

    assert page.status_code == listing.status_code == 200
    assert changed_rows(before) == {}
    assert str(held.valid_until.year + 543) in listing.content.decode()
    response = client.post(
        url,
        {
            "number": "ชม. 1/2569",
            "valid_until": "31/01/2571",
            "note": "พิมพ์ผิด",
            # The trail's inline (read-only) still sends its management form.
            "events-TOTAL_FORMS": "2",
            "events-INITIAL_FORMS": "2",
        },
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.number, held.valid_until) == ("ชม. 1/2569", dt.date(2028, 1, 31))
    assert held.events.first().action == "corrected"


def test_the_admin_shows_a_looker_the_dates_in_be_and_no_correction_field(
    client, district
):
    held = registration_in(Status.APPROVED, district=district)
    looker = staff_with("approve_registration", "registrar")
    looker.user_permissions.add(
        Permission.objects.get(codename="view_producerregistration")
    )
    client.force_login(looker)

    page = client.get(f"/admin/communities/producerregistration/{held.pk}/change/")

    text = page.content.decode()
    assert page.status_code == 200
    assert str(held.valid_until.year + 543) in text
    assert "Note:" not in text
