import datetime as dt
import io
import struct
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communities.models import Tambon
from communities.services import producer_create
from products.models import Category, Certification, Product, ProductImage, Standard
from products.services import (
    certification_add,
    product_create,
    product_image_add,
    product_image_delete,
)
from tests.accounts.factories import UserFactory

# The officer serves tambon 100101 (Bangkok), where the product's producer is.
pytestmark = [pytest.mark.django_db, pytest.mark.officer_tambon("100101")]


def png_upload(name="photo.png", size=(64, 48), color=(200, 120, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def png_bomb(width=60_000, height=60_000):
    """A tiny valid PNG header that claims 3.6 gigapixels."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
    return SimpleUploadedFile("bomb.png", data + chunk(b"IEND", b""))


@pytest.fixture
def product(officer):
    producer = producer_create(
        actor=officer,
        tambon=Tambon.objects.get(code="100101"),
        kind="community",
        name_th="กลุ่มแม่บ้านบางลำพู",
    )
    return product_create(
        actor=officer,
        producer=producer,
        category=Category.objects.get(code="FOOD-SNACK"),
        name_th="ขนมกาละแมกะทิสด",
        story="สูตรของยายที่สืบทอดกันมาสามรุ่น",
    )


def test_a_product_needs_a_sub_type_not_a_whole_type(officer, product):
    with pytest.raises(ValidationError):
        product_create(
            actor=officer,
            producer=product.producer,
            category=Category.objects.get(code="FOOD"),
            name_th="อื่น",
        )


def test_another_officer_cannot_add_products_or_photos(product):
    stranger = UserFactory(username="stranger")
    with pytest.raises(PermissionDenied):
        product_create(
            actor=stranger,
            producer=product.producer,
            category=Category.objects.get(code="FOOD-SNACK"),
            name_th="แอบเพิ่ม",
        )
    with pytest.raises(PermissionDenied):
        product_image_add(actor=stranger, product=product, upload=png_upload())
    assert Product.objects.count() == 1
    assert not ProductImage.objects.exists()


def test_a_photo_is_stored_under_a_generated_name_with_a_thumbnail(officer, product):
    image = product_image_add(
        actor=officer, product=product, upload=png_upload("บ้าน ฉัน.png")
    )

    assert image.is_primary
    assert image.image.name.startswith("products/") and "บ้าน" not in image.image.name
    assert image.image.name.endswith(".png")
    with Image.open(image.thumbnail) as thumb:
        assert thumb.format == "WEBP"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.jpg", b"just some text, not a photo"), "JPEG"),
        (png_bomb(), "พิกเซล"),
        (png_bomb(8_000, 8_000), "พิกเซล"),
    ],
    ids=["renamed-text-file", "image-bomb", "64-megapixel-image"],
)
def test_bad_files_are_refused_and_nothing_is_saved(officer, product, upload, message):
    with pytest.raises(ValidationError) as error:
        product_image_add(actor=officer, product=product, upload=upload)

    assert message in str(error.value)
    assert not ProductImage.objects.exists()


def test_an_oversized_photo_is_refused(officer, product):
    big = png_upload()
    big.size = 6 * 1024 * 1024

    with pytest.raises(ValidationError, match="5 MB"):
        product_image_add(actor=officer, product=product, upload=big)
    assert not ProductImage.objects.exists()


def test_a_gif_is_refused_even_though_it_is_an_image(officer, product):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(ValidationError, match="GIF"):
        product_image_add(
            actor=officer,
            product=product,
            upload=SimpleUploadedFile("a.gif", buffer.getvalue()),
        )


def test_at_most_eight_photos(officer, product):
    for _ in range(8):
        product_image_add(actor=officer, product=product, upload=png_upload())

    with pytest.raises(ValidationError, match="8"):
        product_image_add(actor=officer, product=product, upload=png_upload())
    assert product.images.filter(is_primary=True).count() == 1


def test_deleting_the_primary_photo_promotes_the_next(
    officer, product, django_capture_on_commit_callbacks
):
    first = product_image_add(actor=officer, product=product, upload=png_upload())
    second = product_image_add(actor=officer, product=product, upload=png_upload())

    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(actor=officer, image=first)

    second.refresh_from_db()
    assert second.is_primary


def _is_complete(product):
    return Product.objects.with_completeness().get(pk=product.pk).is_complete


def test_complete_means_name_category_story_photo_and_a_valid_certificate(
    officer, product
):
    assert not _is_complete(product)
    assert set(map(str, product.missing_for_completeness())) == {
        "รูปภาพอย่างน้อยหนึ่งรูป",
        "ใบรับรองที่ยังไม่หมดอายุอย่างน้อยหนึ่งใบ",
    }

    product_image_add(actor=officer, product=product, upload=png_upload())
    certification_add(
        actor=officer,
        product=product,
        standard=Standard.objects.get(code="TCPS"),
        number="มผช. 1/2568",
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2099, 1, 1),
    )

    assert _is_complete(product)
    assert product.missing_for_completeness() == []


def test_an_expired_certificate_does_not_make_a_product_complete(officer, product):
    product_image_add(actor=officer, product=product, upload=png_upload())
    expired = certification_add(
        actor=officer,
        product=product,
        standard=Standard.objects.get(code="FDA"),
        number="10-1-12345-1-0001",
        issued_on=dt.date(2022, 1, 1),
        expires_on=dt.date(2025, 1, 1),
    )

    assert expired.is_expired
    assert not _is_complete(product)
    assert not Certification.objects.valid_on(dt.date(2026, 1, 1)).exists()
    assert Certification.objects.valid_on(dt.date(2024, 12, 31)).exists()


def test_a_certificate_cannot_expire_before_it_is_issued(officer, product):
    with pytest.raises(ValidationError):
        certification_add(
            actor=officer,
            product=product,
            standard=Standard.objects.get(code="GMP"),
            number="X",
            issued_on=dt.date(2026, 1, 1),
            expires_on=dt.date(2025, 1, 1),
        )
    assert not Certification.objects.exists()


def test_completeness_annotation_is_one_query(
    officer, product, django_assert_num_queries
):
    with django_assert_num_queries(1):
        [p.is_complete for p in Product.objects.with_completeness()]


def test_the_five_product_types_and_standards_are_seeded():
    types = Category.objects.filter(parent__isnull=True)
    assert set(types.values_list("code", flat=True)) == {
        "FOOD",
        "DRINK",
        "TEXTILE",
        "HOUSEHOLD",
        "HERBAL",
    }
    assert all(t.children.exists() for t in types)
    assert set(Standard.objects.values_list("code", flat=True)) >= {
        "FDA",
        "TCPS",
        "TIS",
        "GMP",
        "GAP",
        "HACCP",
        "HALAL",
        "ORGANIC",
    }
