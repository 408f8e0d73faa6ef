import factory

from communities.models import Producer, Tambon
from communities.services import assignment_grant
from tests.accounts.factories import UserFactory, central_staff


def tambon(code: str) -> Tambon:
    """A real tambon; needs the ``geography`` fixture."""
    return Tambon.objects.get(code=code)


def officer_for(*tambons: Tambon, **kwargs):
    """A user assigned by central staff, through the assignment service, to
    ``tambons``."""
    central = central_staff()
    officer = UserFactory(**kwargs)
    for area in tambons:
        assignment_grant(actor=central, user=officer, tambon=area)
    return officer


def producer_data(area: Tambon, **overrides) -> dict:
    """The officer's new-producer form, filled in for a producer of ``area``."""
    return {
        "tambon": area.code,
        "kind": Producer.Kind.COMMUNITY,
        "name_th": "วิสาหกิจชุมชนทอผ้าบ้านใหม่",
        "name_en": "Ban Mai Weavers",
        "registration_number": "",
        "address": "",
        "contact_person": "",
        "phone": "",
        "email": "",
        "member_count": "12",
        "founded_year": "2550",
        **overrides,
    }


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    kind = Producer.Kind.COMMUNITY
    name_th = factory.Sequence(lambda n: f"กลุ่มผู้ผลิต {n}")
    name_en = factory.Sequence(lambda n: f"Producer group {n}")
    tambon = factory.LazyFunction(lambda: Tambon.objects.get(code="100101"))
