"""``product_save``: the product page's one write, all or nothing, with every
refusal keyed to the field or certificate row it belongs to."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from products.models import Category, Certification, ProductEvent, Standard
from products.services import (
    certificate_row_of,
    certification_add,
    product_create,
    product_image_add,
    product_raw_materials_set,
    product_save,
)
from tests.communities.factories import ProducerFactory, tambon
from tests.products.factories import png_upload

pytestmark = [pytest.mark.django_db, pytest.mark.officer_tambon("100101")]

Action = ProductEvent.Action
FAR = dt.date(2099, 12, 31)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def producer(officer):
    return ProducerFactory(tambon=tambon("100101"))


@pytest.fixture
def product(officer, producer, media):
    """A product with a story, one photo, one certificate and two materials."""
    product = product_create(
        actor=officer,
        producer=producer,
        category=Category.objects.get(code="FOOD-SNACK"),
        name_th="ขนมกาละแม",
        story="สูตรของยาย",
    )
    product_raw_materials_set(
        actor=officer,
        product=product,
        materials=[("แป้งข้าวเหนียว", True), ("น้ำตาลมะพร้าว", False)],
    )
    product_image_add(actor=officer, product=product, upload=png_upload())
    certification_add(
        actor=officer, product=product, standard=standard("TCPS"), number="มผช. 1"
    )
    return product


def standard(code):
    return Standard.objects.get(code=code)


def fields(**overrides):
    values = {
        "category": Category.objects.get(code="FOOD-SNACK"),
        "name_th": "ขนมกาละแม",
        "name_en": "",
        "description": "",
        "story": "สูตรของยาย",
        "price": None,
        "unit": "",
        "monthly_capacity": None,
    }
    return {**values, **overrides}


def certificate(code="GMP", number="GMP-1", **dates):
    return {"standard": standard(code), "number": number, **dates}


def state(product):
    """Everything product_save may write, as it is in the database."""
    product.refresh_from_db()
    return {
        "name": product.name_th,
        "materials": list(product.raw_materials.values_list("name", "is_local")),
        "photos": list(product.images.values_list("image", "is_primary")),
        "certificates": list(
            product.certifications.values_list("standard__code", "number")
        ),
        "events": product.events.count(),
    }


def stored_files(media: Path) -> set[str]:
    return {str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()}


def test_a_bad_certificate_row_after_good_changes_writes_nothing(
    officer, producer, product, media
):
    before, files = state(product), stored_files(media)

    with pytest.raises(ValidationError) as refused:
        product_save(
            actor=officer,
            product=product,
            producer=producer,
            fields=fields(name_th="ขนมกาละแมกะทิ", story="เรื่องใหม่"),
            raw_materials=[("กะทิ", True)],
            remove_photos=list(product.images.all()),
            remove_certifications=list(product.certifications.all()),
            certificates=[
                certificate("GMP", "GMP-1"),
                certificate("FDA", "X" * 101),  # longer than a number may be
            ],
            photo=png_upload(),
        )

    assert set(refused.value.message_dict) == {"certificates-1-number"}
    assert state(product) == before
    assert stored_files(media) == files  # the new photo's file was never stored


def test_a_new_product_refused_for_its_photo_leaves_no_product(
    officer, producer, media
):
    with pytest.raises(ValidationError) as refused:
        product_save(
            actor=officer,
            producer=producer,
            fields=fields(),
            raw_materials=[("กะทิ", True)],
            certificates=[certificate()],
            photo=SimpleUploadedFile("photo.png", b"not a photo"),
        )

    assert set(refused.value.message_dict) == {"photo"}
    assert not producer.products.exists()
    assert not Certification.objects.exists()
    assert not ProductEvent.objects.exists()
    assert stored_files(media) == set()


def test_every_bad_row_and_the_photo_are_named_each_under_its_own_key(
    officer, producer, product
):
    with pytest.raises(ValidationError) as refused:
        product_save(
            actor=officer,
            product=product,
            producer=producer,
            fields=fields(),
            raw_materials=[],
            certificates=[
                certificate("GMP", "GMP-1"),  # fine
                certificate("TCPS", "มผช. 1"),  # the product has it already
                certificate("FDA", "X" * 101),
            ],
            photo=SimpleUploadedFile("photo.png", b"not a photo"),
        )

    errors = refused.value.message_dict
    assert set(errors) == {
        f"certificates-1-{NON_FIELD_ERRORS}",
        "certificates-2-number",
        "photo",
    }
    assert "JPEG" in errors["photo"][0]
    assert certificate_row_of("certificates-2-number") == (2, "number")
    assert certificate_row_of(f"certificates-1-{NON_FIELD_ERRORS}") == (1, "__all__")
    assert certificate_row_of("photo") is None


def test_the_products_own_errors_stop_the_save_under_their_field_names(
    officer, producer, product
):
    with pytest.raises(ValidationError) as refused:
        product_save(
            actor=officer,
            product=product,
            producer=producer,
            fields=fields(category=Category.objects.get(code="FOOD")),
            raw_materials=[],
            certificates=[certificate("FDA", "X" * 101)],
        )

    assert set(refused.value.message_dict) == {"category"}


def test_a_name_the_producer_already_uses_is_an_error_of_the_whole_product(
    officer, producer, product
):
    with pytest.raises(ValidationError) as refused:
        product_save(
            actor=officer, producer=producer, fields=fields(), raw_materials=[]
        )

    assert set(refused.value.message_dict) == {NON_FIELD_ERRORS}


def test_another_products_photos_and_certificates_are_refused(
    officer, producer, product
):
    other = product_create(
        actor=officer,
        producer=producer,
        category=Category.objects.get(code="FOOD-SNACK"),
        name_th="ข้าวเกรียบ",
    )
    before = state(product)

    with pytest.raises(ValidationError) as refused:
        product_save(
            actor=officer,
            product=other,
            producer=producer,
            fields=fields(name_th="ข้าวเกรียบ"),
            raw_materials=[],
            remove_photos=list(product.images.all()),
            primary_photo=product.images.get(),
            remove_certifications=list(product.certifications.all()),
        )

    assert set(refused.value.message_dict) == {
        "remove_photos",
        "primary_photo",
        "remove_certifications",
    }
    assert state(product) == before


def test_a_new_product_is_saved_whole_and_its_trail_names_the_officer(
    officer, producer, media
):
    product = product_save(
        actor=officer,
        producer=producer,
        fields=fields(price="150"),
        raw_materials=[("แป้งข้าวเหนียว", True)],
        certificates=[certificate("GMP", "GMP-1", expires_on=FAR)],
        photo=png_upload(),
        photo_caption="ขนมในถาด",
    )

    assert state(product) | {"photos": product.images.get().caption} == {
        "name": "ขนมกาละแม",
        "materials": [("แป้งข้าวเหนียว", True)],
        "photos": "ขนมในถาด",
        "certificates": [("GMP", "GMP-1")],
        "events": 4,
    }
    assert list(product.events.order_by("pk").values_list("action", "actor")) == [
        (Action.CREATED, officer.pk),
        (Action.MATERIALS_SET, officer.pk),
        (Action.CERTIFICATE_ADDED, officer.pk),
        (Action.PHOTO_ADDED, officer.pk),
    ]


def test_an_edit_removes_and_adds_and_records_each_change(officer, producer, product):
    old_photo, old_certificate = product.images.get(), product.certifications.get()
    events = product.events.count()

    product_save(
        actor=officer,
        product=product,
        producer=producer,
        fields=fields(story="เรื่องใหม่"),
        raw_materials=[("แป้งข้าวเหนียว", True), ("น้ำตาลมะพร้าว", False)],
        remove_photos=[old_photo],
        remove_certifications=[old_certificate],
        certificates=[certificate("GMP", "GMP-2")],
    )

    new = product.events.order_by("pk")[events:]
    assert [(event.action, event.changed, event.note) for event in new] == [
        (Action.UPDATED, ["story"], ""),
        (Action.PHOTO_REMOVED, [], old_photo.image.name),
        (Action.CERTIFICATE_REMOVED, [], "TCPS มผช. 1"),
        (Action.CERTIFICATE_ADDED, [], "GMP GMP-2"),
    ]
    assert state(product)["photos"] == []
