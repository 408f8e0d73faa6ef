"""Every write to a product leaves a row of its audit trail, ``ProductEvent``:
who changed what, and when. The trail is append-only (the kernel's base; the
refusals are tested for every trail in tests/core/test_append_only.py)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from communities.models import Tambon
from communities.services import assignment_grant
from products.models import Category, ProductEvent, Standard
from products.services import (
    certification_add,
    certification_delete,
    product_create,
    product_image_add,
    product_image_delete,
    product_image_set_primary,
    product_raw_materials_set,
    product_update,
)
from tests.accounts.factories import UserFactory
from tests.communities.factories import ProducerFactory, officer_for, tambon
from tests.products.factories import png_upload

pytestmark = [pytest.mark.django_db, pytest.mark.officer_tambon("100101")]

Action = ProductEvent.Action


@pytest.fixture
def product(officer):
    return product_create(
        actor=officer,
        producer=ProducerFactory(tambon=tambon("100101")),
        category=Category.objects.get(code="FOOD-SNACK"),
        name_th="ขนมกาละแม",
        price=120,
    )


def trail(product):
    return [
        (event.action, event.actor.username, event.changed, event.note)
        for event in product.events.order_by("pk")
    ]


def test_creating_a_product_records_who_created_it(officer, product):
    assert trail(product) == [(Action.CREATED, "officer-100101", [], "")]


def test_an_update_records_the_names_of_the_fields_it_changed(officer, product):
    other = ProducerFactory(tambon=tambon("100101"))

    product_update(
        actor=officer,
        product=product,
        producer=other,
        category=Category.objects.get(code="FOOD-SNACK"),  # unchanged
        name_th="ขนมกาละแมกะทิ",
        price="120.00",  # the same price, written differently
        story="สูตรของยาย",
    )

    assert trail(product)[1:] == [
        (Action.UPDATED, "officer-100101", ["producer", "name_th", "story"], "")
    ]


def test_an_update_that_changes_nothing_records_nothing(officer, product):
    product_update(actor=officer, product=product, name_th="ขนมกาละแม", price=120)

    assert [event[0] for event in trail(product)] == [Action.CREATED]


def test_certificates_added_and_removed_are_recorded(officer, product):
    certificate = certification_add(
        actor=officer,
        product=product,
        standard=Standard.objects.get(code="TCPS"),
        number="มผช. 1/2568",
        expires_on=dt.date(2099, 1, 1),
    )
    certification_delete(actor=officer, certification=certificate)

    assert trail(product)[1:] == [
        (Action.CERTIFICATE_ADDED, "officer-100101", [], "TCPS มผช. 1/2568"),
        (Action.CERTIFICATE_REMOVED, "officer-100101", [], "TCPS มผช. 1/2568"),
    ]


def test_photos_added_chosen_and_removed_are_recorded(officer, product):
    first = product_image_add(actor=officer, product=product, upload=png_upload())
    second = product_image_add(actor=officer, product=product, upload=png_upload())
    product_image_set_primary(actor=officer, image=second)
    product_image_delete(actor=officer, image=first)

    assert trail(product)[1:] == [
        (Action.PHOTO_ADDED, "officer-100101", [], first.image.name),
        (Action.PHOTO_ADDED, "officer-100101", [], second.image.name),
        (Action.PRIMARY_PHOTO_SET, "officer-100101", [], second.image.name),
        (Action.PHOTO_REMOVED, "officer-100101", [], first.image.name),
    ]


def test_raw_materials_are_recorded_when_they_change(officer, product):
    materials = [("แป้งข้าวเหนียว", True), ("น้ำตาลมะพร้าว", False)]
    product_raw_materials_set(actor=officer, product=product, materials=materials)
    product_raw_materials_set(actor=officer, product=product, materials=materials)

    assert trail(product)[1:] == [
        (Action.MATERIALS_SET, "officer-100101", [], "แป้งข้าวเหนียว, น้ำตาลมะพร้าว"),
    ]


def test_a_refused_write_records_nothing(officer, product):
    with pytest.raises(ValidationError):
        certification_add(
            actor=officer,
            product=product,
            standard=Standard.objects.get(code="GMP"),
            number="X",
            issued_on=dt.date(2026, 1, 1),
            expires_on=dt.date(2025, 1, 1),
        )

    assert [event[0] for event in trail(product)] == [Action.CREATED]


def test_events_are_append_only_and_keep_their_product(officer, product):
    event = product.events.get()
    event.note = "แก้ไขย้อนหลัง"

    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ProtectedError):
        product.delete()
    assert product.events.get().note == ""


def test_the_admin_shows_staff_the_trail_of_their_own_tambons_read_only(
    client, officer, product
):
    elsewhere = product_create(
        actor=officer_for(tambon("500101"), username="officer-cm"),
        producer=ProducerFactory(tambon=tambon("500101")),
        category=Category.objects.get(code="FOOD-SNACK"),
        name_th="ข้าวแต๋น",
    )
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_productevent"))
    assignment_grant(
        actor=UserFactory(is_superuser=True),
        user=staff,
        tambon=Tambon.objects.get(pk="100101"),
    )
    client.force_login(staff)

    listing = client.get("/admin/products/productevent/").text
    own = product.events.get()
    change = client.get(f"/admin/products/productevent/{own.pk}/change/")
    theirs = elsewhere.events.get()

    assert "ขนมกาละแม" in listing and "ข้าวแต๋น" not in listing
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert client.get("/admin/products/productevent/add/").status_code == 403
    assert (
        client.get(f"/admin/products/productevent/{theirs.pk}/change/").status_code
        == 404
    )
