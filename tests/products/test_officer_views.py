import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from products.models import Certification, Product, ProductImage, Standard
from tests.communities.factories import ProducerFactory, officer_for, tambon
from tests.products.factories import (
    CertificationFactory,
    ProductFactory,
    leaf_category,
    png_upload,
)

# The officer (tests/roles.py) serves tambon 100101 in Bangkok.
pytestmark = pytest.mark.officer_tambon("100101")


@pytest.fixture
def chiang_mai(geography):
    """Another officer's tambon, in another province: 500101."""
    return tambon("500101")


@pytest.fixture
def chiang_mai_officer(chiang_mai):
    return officer_for(chiang_mai, username="officer-b")


@pytest.fixture
def producer_a(officer_tambon):
    return ProducerFactory(tambon=officer_tambon)


def product_data(producer, **overrides):
    data = {
        "producer": producer.pk,
        "category": leaf_category().pk,
        "name_th": "ผ้าไหมมัดหมี่",
        "name_en": "Mudmee silk",
        "description": "",
        "story": "ลายโบราณของหมู่บ้าน",
        "price": "1500",
        "unit": "ผืน",
        "monthly_capacity": "",
        "local_materials": "เส้นไหม\nสีธรรมชาติ",
        "other_materials": "ด้ายฝ้าย",
        "photo_caption": "",
        "cert-TOTAL_FORMS": "1",
        "cert-INITIAL_FORMS": "0",
        "cert-MIN_NUM_FORMS": "0",
        "cert-MAX_NUM_FORMS": "1000",
        "cert-0-standard": "",
        "cert-0-number": "",
        "cert-0-issued_on": "",
        "cert-0-expires_on": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url",
    [
        "/officer/products/",
        "/officer/products/new/",
        "/officer/products/1/",
        "/officer/products/1/edit/",
    ],
)
def test_anonymous_users_are_sent_to_log_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_officer_creates_a_product_with_materials_photo_and_certificate(
    client, officer, producer_a
):
    standard = Standard.objects.first()
    client.force_login(officer)

    response = client.post(
        "/officer/products/new/",
        product_data(
            producer_a,
            photo=png_upload(),
            **{
                "cert-0-standard": standard.pk,
                "cert-0-number": "มผช. 123/2568",
                "cert-0-issued_on": "01/01/2568",
                "cert-0-expires_on": "31/12/2570",
            },
        ),
    )

    assert response.status_code == 302
    product = Product.objects.with_completeness().get()
    assert response["Location"] == f"/officer/products/{product.pk}/"
    assert [(m.name, m.is_local) for m in product.raw_materials.all()] == [
        ("เส้นไหม", True),
        ("สีธรรมชาติ", True),
        ("ด้ายฝ้าย", False),
    ]
    assert product.images.get().is_primary
    certification = product.certifications.get()
    assert certification.issued_on == dt.date(2025, 1, 1)
    assert certification.expires_on == dt.date(2027, 12, 31)
    assert product.is_complete


def test_a_renamed_text_file_is_a_form_error_and_nothing_is_saved(
    client, officer, producer_a
):
    product = ProductFactory(producer=producer_a, name_th="ชื่อเดิม")
    fake = SimpleUploadedFile("photo.png", b"just some text", content_type="image/png")
    client.force_login(officer)

    response = client.post(
        f"/officer/products/{product.pk}/edit/",
        product_data(producer_a, name_th="ชื่อใหม่", photo=fake),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    product.refresh_from_db()
    assert product.name_th == "ชื่อเดิม"
    assert not product.raw_materials.exists()
    assert not ProductImage.objects.exists()


def test_a_bad_photo_on_a_new_product_creates_no_product(client, officer, producer_a):
    fake = SimpleUploadedFile("photo.jpg", b"not a photo", content_type="image/jpeg")
    client.force_login(officer)

    response = client.post(
        "/officer/products/new/", product_data(producer_a, photo=fake)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not Product.objects.exists()


def test_officer_cannot_list_view_or_edit_another_officers_product(
    client, officer, chiang_mai_officer, chiang_mai
):
    theirs = ProductFactory(
        producer=ProducerFactory(tambon=chiang_mai), name_th="ของคนอื่น"
    )
    client.force_login(officer)

    listing = client.get("/officer/products/")
    assert list(listing.context["page"]) == []
    listed_text = re.sub("<[^>]+>", "", listing.content.decode())  # names marked up
    assert "ของคนอื่น" not in listed_text
    assert client.get(f"/officer/products/{theirs.pk}/").status_code == 404
    edit = f"/officer/products/{theirs.pk}/edit/"
    assert client.get(edit).status_code == 404
    assert client.post(edit, product_data(theirs.producer)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name_th == "ของคนอื่น"


def test_officer_cannot_create_a_product_for_another_officers_producer(
    client, officer, chiang_mai_officer, chiang_mai
):
    theirs = ProducerFactory(tambon=chiang_mai)
    client.force_login(officer)

    response = client.post("/officer/products/new/", product_data(theirs))

    assert response.status_code == 200
    assert "producer" in response.context["form"].errors
    assert not Product.objects.exists()


def _list_queries(client, url="/officer/products/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_product_list_queries_do_not_grow_with_the_number_of_products(
    client, officer, producer_a
):
    client.force_login(officer)

    def add_products(count):
        for product in ProductFactory.create_batch(count, producer=producer_a):
            product.images.create(
                image="products/x.png", thumbnail="products/t.webp", is_primary=True
            )
            CertificationFactory(product=product)

    add_products(3)
    few, response = _list_queries(client)
    assert len(response.context["page"]) == 3
    add_products(27)
    many, response = _list_queries(client)
    assert len(response.context["page"]) == 25

    assert few == many
    assert 'src="/media/products/t.webp"' in response.content.decode()


def test_product_list_filters_by_completeness_category_and_tambon(
    client, geography, officer_tambon
):
    second = tambon("100102")
    two_tambon_officer = officer_for(officer_tambon, second)
    complete = ProductFactory(producer=ProducerFactory(tambon=officer_tambon))
    complete.images.create(image="products/x.png", is_primary=True)
    CertificationFactory(product=complete)
    incomplete = ProductFactory(producer=ProducerFactory(tambon=second))
    client.force_login(two_tambon_officer)

    def listed(**params):
        return list(client.get("/officer/products/", params).context["page"])

    assert listed(completeness="complete") == [complete]
    assert listed(completeness="incomplete") == [incomplete]
    assert listed(tambon=second.code) == [incomplete]
    assert listed(category=leaf_category().pk) == sorted(
        [complete, incomplete], key=lambda p: (p.name_th, p.pk)
    )


def test_detail_marks_an_expired_certificate_with_a_buddhist_era_date(
    client, officer, producer_a, thai
):
    product = ProductFactory(producer=producer_a)
    CertificationFactory(
        product=product,
        number="EXP-1",
        issued_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2025, 3, 31),
    )
    client.force_login(officer)

    html = client.get(f"/officer/products/{product.pk}/").content.decode()

    assert "EXP-1" in html
    assert "หมดอายุ" in html or "Expired" in html
    assert 'class="badge badge-error"' in html
    assert "2568" in html  # 31 Mar 2025 in B.E.


def test_detail_lists_what_is_missing_for_completeness(
    client, officer, producer_a, english
):
    product = ProductFactory(producer=producer_a)
    product.raw_materials.create(name="ไม้ไผ่", is_local=True)
    client.force_login(officer)
    client.cookies["django_language"] = "en"

    response = client.get(f"/officer/products/{product.pk}/")

    html = response.content.decode()
    assert "ไม้ไผ่" in html
    assert [str(item) for item in response.context["missing"]] == [
        "at least one photo",
        "at least one valid certificate",
    ]


def test_certificate_expiring_before_issue_is_a_form_error(client, officer, producer_a):
    client.force_login(officer)

    response = client.post(
        "/officer/products/new/",
        product_data(
            producer_a,
            **{
                "cert-0-standard": Standard.objects.first().pk,
                "cert-0-number": "X-1",
                "cert-0-issued_on": "01/01/2568",
                "cert-0-expires_on": "01/01/2567",
            },
        ),
    )

    assert response.status_code == 200
    assert response.context["certificates"].errors[0]["expires_on"]
    assert not Product.objects.exists()
    assert not Certification.objects.exists()


def test_edit_sets_the_primary_photo_and_removes_a_certificate(
    client, officer, producer_a
):
    product = ProductFactory(producer=producer_a)
    first = product.images.create(image="products/a.png", is_primary=True, order=1)
    second = product.images.create(image="products/b.png", order=2)
    certificate = CertificationFactory(product=product)
    client.force_login(officer)

    response = client.post(
        f"/officer/products/{product.pk}/edit/",
        product_data(
            producer_a,
            primary_photo=second.pk,
            remove_certifications=[certificate.pk],
        ),
    )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert not product.certifications.exists()


def test_a_refused_certificate_row_is_shown_on_its_own_row_and_nothing_is_saved(
    client, officer, producer_a
):
    product = ProductFactory(producer=producer_a, name_th="ชื่อเดิม")
    held = CertificationFactory(product=product, number="มผช. 9")
    client.force_login(officer)
    row = {"standard": held.standard.pk, "issued_on": "", "expires_on": ""}

    response = client.post(
        f"/officer/products/{product.pk}/edit/",
        product_data(
            producer_a,
            name_th="ชื่อใหม่",
            **{
                "cert-TOTAL_FORMS": "3",
                # row 0 left empty; row 1 new; row 2 a certificate it has
                **{f"cert-1-{k}": v for k, v in row.items()},
                "cert-1-number": "มผช. 10",
                **{f"cert-2-{k}": v for k, v in row.items()},
                "cert-2-number": "มผช. 9",
            },
        ),
    )

    assert response.status_code == 200
    rows = response.context["certificates"].forms
    assert [bool(form.errors) for form in rows] == [False, False, True]
    assert rows[2].non_field_errors()
    product.refresh_from_db()
    assert product.name_th == "ชื่อเดิม"
    assert list(product.certifications.values_list("number", flat=True)) == ["มผช. 9"]
    assert not product.raw_materials.exists()
    assert not product.events.exists()


def test_an_edit_records_who_changed_which_fields(client, officer, producer_a):
    product = ProductFactory(producer=producer_a, name_th="ชื่อเดิม")
    client.force_login(officer)

    response = client.post(
        f"/officer/products/{product.pk}/edit/",
        product_data(producer_a, name_th="ชื่อใหม่", other_materials=""),
    )

    assert response.status_code == 302
    updated = product.events.get(action="updated")
    assert updated.actor == officer
    assert "name_th" in updated.changed
