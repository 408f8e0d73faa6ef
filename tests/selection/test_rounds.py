import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from selection.models import COMMITTEE_TIERS, Criterion, Round, StarBand, Tier
from selection.rounds import round_copy, round_create, round_open
from tests.accounts.factories import UserFactory
from tests.selection.ladder import FAR, make_round

pytestmark = pytest.mark.django_db


def test_a_round_opens_only_when_every_sheet_adds_up_to_100(central_staff):
    round_ = round_create(
        actor=central_staff,
        year=2030,
        title_th="การคัดสรร OTOP ปี 2573",
        tambon_deadline=FAR,
        amphoe_deadline=FAR,
        province_deadline=FAR,
        central_deadline=FAR,
    )
    Criterion.objects.create(
        round=round_, tier="amphoe", part="A", code="A1", title_th="ก", max_points=60
    )

    with pytest.raises(ValidationError) as error:
        round_open(actor=central_staff, round_=round_)

    # One message per sheet, naming its tier and its total (then the 100 it
    # should reach): whole numbers read as tokens, so "0" is not found in "60".
    assert len(error.value.messages) == 3
    totals = {}
    for message in error.value.messages:
        (tier,) = [t for t in COMMITTEE_TIERS if str(t.label) in message]
        totals[tier] = re.findall(r"\d+(?:\.\d+)?", message)
    assert totals == {
        Tier.AMPHOE: ["60", "100"],
        Tier.PROVINCE: ["0", "100"],
        Tier.CENTRAL: ["0", "100"],
    }
    assert Round.objects.get(pk=round_.pk).status == "draft"


def test_new_rounds_get_the_default_star_bands(db):
    round_ = make_round()
    assert list(round_.star_bands.values_list("stars", "min_score")) == [
        (5, 90),
        (4, 80),
        (3, 70),
        (2, 50),
        (1, 0),
    ]
    assert round_.stars_for(89.99) == 4
    assert round_.stars_for(90) == 5
    assert round_.stars_for(10) == 1


def test_copying_a_round_brings_its_criteria_bands_and_quotas(central_staff):
    source = make_round()
    StarBand.objects.filter(round=source, stars=5).update(min_score=95)

    copy = round_copy(
        actor=central_staff, source=source, year=source.year + 1, title_th="ปีถัดไป"
    )

    assert copy.status == "draft"
    assert copy.criteria.count() == source.criteria.count() == 30
    assert copy.star_bands.get(stars=5).min_score == 95
    assert copy.tambon_deadline.year == source.tambon_deadline.year + 1


def test_only_central_staff_manage_rounds(db):
    with pytest.raises(PermissionDenied):
        round_create(
            actor=UserFactory(),
            year=2030,
            title_th="x",
            tambon_deadline=FAR,
            amphoe_deadline=FAR,
            province_deadline=FAR,
            central_deadline=FAR,
        )


def test_deadlines_must_follow_the_ladder(central_staff):
    import datetime as dt

    with pytest.raises(ValidationError):
        round_create(
            actor=central_staff,
            year=2030,
            title_th="x",
            tambon_deadline=FAR,
            amphoe_deadline=FAR - dt.timedelta(days=1),
            province_deadline=FAR,
            central_deadline=FAR,
        )


def test_the_audit_trail_cannot_be_changed_or_deleted(geography):
    from selection.models import NominationEvent
    from tests.selection.ladder import make_officer, submitted_nomination

    round_ = make_round()
    submitted_nomination(make_officer("500101"), round_, "500101", "หนึ่ง")
    event = NominationEvent.objects.first()

    event.note = "แก้ไข"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        NominationEvent.objects.update(note="x")
    with pytest.raises(ValidationError):
        NominationEvent.objects.all().delete()
    assert NominationEvent.objects.get(pk=event.pk).note == ""
