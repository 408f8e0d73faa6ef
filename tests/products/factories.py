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


def importing_officer(central):
    """An English-speaking officer of tambon 100101 with one community group
    there, the producer the import tests' product rows name (REG-1)."""
    from communities.models import Producer, Tambon
    from communities.services import assignment_grant
    from tests.accounts.factories import UserFactory

    officer = UserFactory(username="officer", preferred_language="en")
    assignment_grant(
        actor=central, user=officer, tambon=Tambon.objects.get(pk="100101")
    )
    Producer.objects.create(
        kind="community",
        name_th="กลุ่มแม่บ้าน",
        registration_number="REG-1",
        tambon_id="100101",
    )
    return officer
