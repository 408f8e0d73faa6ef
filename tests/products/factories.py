import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from products.models import Category, Certification, Product, Standard
from tests.communities.factories import ProducerFactory


def png_upload(name: str = "photo.png", size=(32, 24)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def leaf_category() -> Category:
    return Category.objects.filter(parent__isnull=False, is_active=True).first()


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    category = factory.LazyFunction(leaf_category)
    name_th = factory.Sequence(lambda n: f"ผ้าไหม {n}")
    story = "ทอมือสืบทอดจากบรรพบุรุษ"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    product = factory.SubFactory(ProductFactory)
    standard = factory.LazyFunction(lambda: Standard.objects.order_by("order").first())
    number = factory.Sequence(lambda n: f"CERT-{n:05d}")
