"""Who may enter a round (issue #19 §3): each reason alone refuses the
nomination with its message; all of them are named together; a certificate
or a registration counts when it is valid on the round's cut-off date
(inclusive); submission judges again; the officer's product list says which
products may enter and why not."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from communities.models import ProducerRegistration
from communities.services import registration_cancel
from products.models import Category, Certification, Product, Standard
from selection.eligibility import ineligibility, ineligibility_of
from selection.models import Criterion, Nomination, Preset
from selection.rounds import round_create, round_open
from selection.services import nomination_create, nomination_submit
from tests.clock import TODAY
from tests.communities.registration_world import district_officer, registration_in
from tests.selection.ladder import (
    CRITERIA,
    FAR,
    central_staff,
    complete_product,
    make_officer,
    make_round,
)

pytestmark = pytest.mark.django_db

Status = ProducerRegistration.Status
TAMBON = "500101"
CUTOFF = TODAY + dt.timedelta(days=30)


def strict_round(**fields):
    """An open OPC round taking registered producers' food and drinks with a
    TCPS or FDA certificate valid on CUTOFF."""
    round_ = round_create(
        actor=central_staff(),
        preset=Preset.OPC,
        year=TODAY.year,
        title_th="รอบคัดสรร",
        tambon_deadline=FAR,
        amphoe_deadline=FAR,
        province_deadline=FAR,
        central_deadline=FAR,
        cutoff_date=CUTOFF,
        require_registration=True,
        eligible_standards=Standard.objects.filter(code__in=["TCPS", "FDA"]),
        eligible_types=Category.objects.filter(code__in=["FOOD", "DRINK"]),
        **fields,
    )
    for step in round_.plan.steps:
        if step.scores:
            Criterion.objects.bulk_create(
                Criterion(
                    round=round_,
                    tier=step.tier,
                    part=part,
                    code=code,
                    title_th=code,
                    max_points=Decimal(10),
                    order=i,
                )
                for i, (part, code) in enumerate(CRITERIA)
                if part in step.parts
            )
    return round_open(actor=central_staff(), round_=round_)


@pytest.fixture
def world(geography, english):
    officer = make_officer(TAMBON)
    district = district_officer()
    return {"round": strict_round(), "officer": officer, "district": district}


def eligible_product(world, name="ข้าวแต๋น", *, category="FOOD-SNACK"):
    """A complete product whose producer is registered until well after the
    cut-off; its certificate (TCPS, from complete_product) expires FAR."""
    product = complete_product(world["officer"], TAMBON, name, category=category)
    registration_in(
        Status.APPROVED,
        district=world["district"],
        producer=product.producer,
        valid_until=FAR,
    )
    return product


def test_an_eligible_product_enters(world):
    product = eligible_product(world)
    assert ineligibility_of(world["round"], product) == []
    nomination = nomination_create(
        actor=world["officer"], round_=world["round"], product=product
    )
    nomination_submit(actor=world["officer"], nomination=nomination)
    assert Nomination.objects.get(pk=nomination.pk).tier == "amphoe"


def refused(world, product) -> list[str]:
    with pytest.raises(ValidationError) as refusal:
        nomination_create(
            actor=world["officer"], round_=world["round"], product=product
        )
    assert not Nomination.objects.filter(product=product).exists()
    return refusal.value.messages


def test_a_producer_never_registered_is_refused(world):
    product = complete_product(world["officer"], TAMBON, "ไม่ขึ้นทะเบียน")
    assert refused(world, product) == [
        "The producer is not registered as an OTOP producer."
    ]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.APPLIED, "The producer's OTOP registration is not approved yet."),
        (Status.CANCELLED, "The producer's OTOP registration is cancelled."),
    ],
)
def test_a_registration_not_in_force_is_refused(world, status, message):
    product = complete_product(world["officer"], TAMBON, f"สถานะ {status}")
    registration_in(status, district=world["district"], producer=product.producer)
    assert refused(world, product) == [message]


def test_a_registration_ending_before_the_cutoff_is_refused(world):
    product = complete_product(world["officer"], TAMBON, "หมดอายุก่อน")
    registration_in(
        Status.APPROVED,
        district=world["district"],
        producer=product.producer,
        valid_until=CUTOFF - dt.timedelta(days=1),
    )
    [message] = refused(world, product)
    assert message.startswith("The producer's OTOP registration ended on")


def test_a_registration_ending_on_the_cutoff_counts(world):
    product = complete_product(world["officer"], TAMBON, "หมดอายุวันตัด")
    registration_in(
        Status.APPROVED,
        district=world["district"],
        producer=product.producer,
        valid_until=CUTOFF,
    )
    assert ineligibility_of(world["round"], product) == []


def _certificate_until(product, standard: str, expires_on):
    Certification.objects.filter(product=product).update(
        standard=Standard.objects.get(code=standard), expires_on=expires_on
    )


@pytest.mark.parametrize(
    ("expires_on", "eligible"),
    [
        (CUTOFF - dt.timedelta(days=1), False),  # the day before
        (CUTOFF, True),  # on the day
        (CUTOFF + dt.timedelta(days=1), True),  # the day after
    ],
)
def test_a_certificate_counts_when_valid_on_the_cutoff(world, expires_on, eligible):
    product = eligible_product(world)
    _certificate_until(product, "TCPS", expires_on)
    reasons = ineligibility_of(world["round"], product)
    if eligible:
        assert reasons == []
    else:
        assert len(reasons) == 1
        assert reasons[0].startswith("The product has no certificate of")


def test_a_certificate_of_a_standard_the_round_does_not_list_is_refused(world):
    product = eligible_product(world)
    _certificate_until(product, "HALAL", FAR)
    [message] = refused(world, product)
    assert "has no certificate of" in message


def test_a_type_the_round_does_not_take_is_refused(world):
    product = eligible_product(world, "ผ้าทอ", category="TEXTILE-SILK")
    [message] = refused(world, product)
    assert message.startswith("This round does not take")


def test_every_reason_is_named_at_once(world):
    product = complete_product(
        world["officer"], TAMBON, "ทุกเหตุ", category="TEXTILE-SILK"
    )
    _certificate_until(product, "HALAL", FAR)
    messages = refused(world, product)
    assert len(messages) == 3


def test_submission_judges_again(world):
    product = eligible_product(world)
    nomination = nomination_create(
        actor=world["officer"], round_=world["round"], product=product
    )
    registration_cancel(
        actor=world["district"],
        registration=product.producer.registration,
        reason="เลิกกิจการ",
    )
    with pytest.raises(ValidationError, match="cancelled"):
        nomination_submit(actor=world["officer"], nomination=nomination)
    assert Nomination.objects.get(pk=nomination.pk).state == "draft"


def test_a_round_that_asks_nothing_takes_every_complete_product(geography):
    round_ = make_round()
    product = complete_product(make_officer(TAMBON), TAMBON, "ธรรมดา")
    assert ineligibility_of(round_, product) == []


def test_the_reasons_of_many_products_cost_the_same_queries(
    world, django_assert_num_queries
):
    """Standards, types, registrations, certificates: four queries, for the
    products as a list page loads them (with their types)."""

    def loaded(products):
        return list(
            Product.objects.select_related("category__parent").filter(
                pk__in=[p.pk for p in products]
            )
        )

    few = [eligible_product(world, f"สินค้า {i}") for i in range(2)]
    products = loaded(few)
    with django_assert_num_queries(4):
        ineligibility(world["round"], products)
    many = few + [eligible_product(world, f"สินค้าเพิ่ม {i}") for i in range(6)]
    products = loaded(many)
    with django_assert_num_queries(4):
        reasons = ineligibility(world["round"], products)
    assert reasons == {p.pk: [] for p in products}


def test_the_officer_sees_which_products_may_enter_and_why_not(world, client):
    ok = eligible_product(world, "เข้าได้")
    out = complete_product(world["officer"], TAMBON, "เข้าไม่ได้")  # unregistered
    client.force_login(world["officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get("/officer/nominations/new/").text
    menu, _sep, below = page.partition('id="ineligible"')
    assert f'value="{ok.pk}"' in menu and f'value="{out.pk}"' not in menu
    assert "เข้าไม่ได้" in below
    assert "The producer is not registered as an OTOP producer." in below

    page = client.get(f"/officer/nominations/new/?product={out.pk}").text
    assert "The producer is not registered as an OTOP producer." in page
    assert 'id="nominate-button"' not in page
    assert not Nomination.objects.exists()  # looking writes nothing


def test_each_reason_links_to_where_it_is_put_right(world, client):
    # Unregistered, and its only certificate is of a standard the round
    # does not list: one link to the registration, one to the certificates.
    out = complete_product(world["officer"], TAMBON, "ผ้าทอ", category="TEXTILE-SILK")
    out.certifications.update(standard=Standard.objects.get(code="TIS"))
    client.force_login(world["officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    for url in (
        "/officer/nominations/new/",
        f"/officer/nominations/new/?product={out.pk}",
    ):
        page = client.get(url).text
        assert "/officer/producers/registrations/?q=" in page
        assert f"/officer/products/{out.pk}/edit/" in page
        assert "See the producer's registration" in page

    ok = eligible_product(world, "เข้าได้")
    page = client.get(f"/officer/nominations/new/?product={ok.pk}").text
    assert "/officer/producers/registrations/?q=" not in page
    assert "you submit it to the district committee" in page
