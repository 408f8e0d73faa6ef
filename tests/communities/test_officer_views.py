import pytest
from django.urls import reverse

from communities.models import Producer
from tests.accounts.factories import UserFactory
from tests.communities.factories import (
    ProducerFactory,
    officer_for,
    producer_data,
    tambon,
)
from tests.products.factories import ProductFactory

# The officer (tests/roles.py) serves tambon 100101 in Bangkok.
pytestmark = pytest.mark.officer_tambon("100101")


@pytest.fixture
def chiang_mai(geography):
    """Another officer's tambon, in another province: 500101."""
    return tambon("500101")


@pytest.fixture
def chiang_mai_officer(chiang_mai):
    return officer_for(chiang_mai, username="officer-b")


@pytest.mark.parametrize(
    "url",
    [
        "/officer/",
        "/officer/producers/",
        "/officer/producers/new/",
        "/officer/producers/1/edit/",
    ],
)
def test_anonymous_users_are_sent_to_log_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_tells_an_unassigned_user_to_contact_the_provincial_office(
    client, db, english
):
    client.force_login(UserFactory())

    html = client.get("/officer/").content.decode()

    assert "สำนักงานพัฒนาชุมชนจังหวัด" in html


def test_dashboard_counts_producers_and_products_per_tambon(
    client, officer, officer_tambon, english, django_assert_max_num_queries
):
    producer = ProducerFactory(tambon=officer_tambon)
    ProducerFactory(tambon=officer_tambon)
    ProductFactory.create_batch(3, producer=producer)
    client.force_login(officer)

    with django_assert_max_num_queries(8):
        response = client.get("/officer/")

    rows = response.context["rows"]
    assert [row["tambon"].code for row in rows] == [officer_tambon.code]
    assert rows[0]["producers"] == 2
    assert rows[0]["products"] == 3
    assert rows[0]["complete"] == 0  # no photo, no certificate
    assert rows[0]["incomplete"] == 3


def test_officer_sees_only_producers_of_their_tambons(
    client, officer, chiang_mai_officer, officer_tambon, chiang_mai
):
    mine = ProducerFactory(tambon=officer_tambon, name_th="ของฉัน")
    ProducerFactory(tambon=chiang_mai, name_th="ของคนอื่น")
    client.force_login(officer)

    response = client.get("/officer/producers/")

    assert list(response.context["page"]) == [mine]
    assert "ของคนอื่น" not in response.content.decode()


def test_producer_list_searches_by_name_and_filters_by_tambon(
    client, geography, officer_tambon
):
    second = tambon("100102")
    two_tambon_officer = officer_for(officer_tambon, second)
    ProducerFactory(tambon=officer_tambon, name_th="กลุ่มจักสาน")
    weavers = ProducerFactory(tambon=second, name_th="กลุ่มทอผ้า")
    client.force_login(two_tambon_officer)

    by_name = client.get("/officer/producers/", {"q": "ทอผ้า"})
    by_tambon = client.get("/officer/producers/", {"tambon": second.code})

    assert list(by_name.context["page"]) == [weavers]
    assert list(by_tambon.context["page"]) == [weavers]


def test_officer_registers_a_producer_in_their_tambon(client, officer, officer_tambon):
    client.force_login(officer)

    response = client.post("/officer/producers/new/", producer_data(officer_tambon))

    assert response.status_code == 302
    producer = Producer.objects.get()
    assert producer.tambon == officer_tambon
    assert producer.founded_year == 2007  # typed as B.E. 2550
    assert producer.created_by == officer


def test_officer_cannot_register_a_producer_in_another_officers_tambon(
    client, officer, chiang_mai_officer, chiang_mai
):
    client.force_login(officer)

    response = client.post("/officer/producers/new/", producer_data(chiang_mai))

    assert response.status_code == 200
    assert "tambon" in response.context["form"].errors
    assert not Producer.objects.exists()


def test_officer_edits_their_producer(client, officer, officer_tambon):
    producer = ProducerFactory(tambon=officer_tambon)
    client.force_login(officer)

    response = client.post(
        f"/officer/producers/{producer.pk}/edit/",
        producer_data(officer_tambon, name_th="ชื่อใหม่"),
    )

    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.name_th == "ชื่อใหม่"


def test_officer_cannot_view_or_edit_another_officers_producer(
    client, officer, chiang_mai_officer, chiang_mai
):
    theirs = ProducerFactory(tambon=chiang_mai, name_th="ของคนอื่น")
    client.force_login(officer)
    url = f"/officer/producers/{theirs.pk}/edit/"

    assert client.get(url).status_code == 404
    assert (
        client.post(url, producer_data(chiang_mai, name_th="ถูกแก้")).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.name_th == "ของคนอื่น"


def test_duplicate_producer_name_in_a_tambon_is_a_form_error(
    client, officer, officer_tambon
):
    ProducerFactory(tambon=officer_tambon, name_th="ซ้ำ")
    client.force_login(officer)

    response = client.post(
        "/officer/producers/new/", producer_data(officer_tambon, name_th="ซ้ำ")
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Producer.objects.count() == 1


def test_the_producer_list_shows_the_founding_year_in_buddhist_era(
    client, officer, officer_tambon
):
    ProducerFactory(tambon=officer_tambon, founded_year=2007)
    client.force_login(officer)

    assert ">2550<" in client.get("/officer/producers/").text
