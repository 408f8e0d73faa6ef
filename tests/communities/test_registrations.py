"""OTOP producer registration (issue #19): the moves, who may make them, the
trail, ``is_valid_on`` and the renewal reminders."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils.translation import gettext as _

from communities.models import ProducerRegistration, ProducerRegistrationEvent
from communities.services import (
    add_years,
    registration_actions,
    registration_apply,
    registration_approve,
    registration_cancel,
    registration_correct,
    registration_for,
    registration_mark_renewal_due,
    registration_renew,
)
from communities.tasks import mark_registrations_renewal_due
from core.workflow import InvalidTransition
from notifications.models import Delivery, Notification
from tests.accounts.factories import UserFactory, staff_with
from tests.clock import TODAY
from tests.communities.factories import officer_for, tambon
from tests.communities.registration_world import (
    OTHER_AMPHOE,
    district_officer,
    producer_in,
    registration_in,
)

pytestmark = pytest.mark.django_db

Status = ProducerRegistration.Status
DAY = dt.timedelta(days=1)


@pytest.fixture
def district(geography):
    return district_officer(username="district-5001", email="d@example.org")


@pytest.fixture
def tambon_officer(geography):
    return officer_for(tambon("500101"), username="tambon-500101", email="t@e.org")


@pytest.fixture
def registrar(db):
    """Central staff holding approve_registration and nothing else."""
    return staff_with("approve_registration", "otop-registrar")


def trail(registration):
    return list(
        registration.events.order_by("at", "pk").values_list("action", "actor", "note")
    )


# is_valid_on ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "until", "day", "valid"),
    [
        (Status.APPROVED, TODAY, TODAY, True),  # the last day counts
        (Status.APPROVED, TODAY, TODAY + DAY, False),  # the day after does not
        (Status.RENEWAL_DUE, TODAY, TODAY - DAY, True),
        (Status.CANCELLED, TODAY, TODAY - DAY, False),
        (Status.APPLIED, None, TODAY, False),
        (Status.APPROVED, None, TODAY, False),
    ],
)
def test_a_registration_is_valid_only_when_held_and_up_to_its_end(
    status, until, day, valid
):
    registration = ProducerRegistration(status=status, valid_until=until)
    assert registration.is_valid_on(day) is valid


# The moves ----------------------------------------------------------------------


def test_the_tambon_officer_applies_and_the_district_approves(district, tambon_officer):
    producer = producer_in()

    registration = registration_apply(
        actor=tambon_officer, producer=producer, applied_on=TODAY - DAY
    )
    registration = registration_approve(actor=district, registration=registration)

    registration.refresh_from_db()
    assert registration.status == Status.APPROVED
    assert registration.number == "OTOP-50-2569-00001"
    assert registration.valid_until == add_years(TODAY, 2)
    assert registration.approved_by == district
    assert registration.is_valid_on(TODAY)
    assert producer.registration == registration
    assert trail(registration) == [
        ("applied", tambon_officer.pk, ""),
        ("approved", district.pk, ""),
    ]


def test_generated_numbers_count_up_per_province_and_a_typed_one_is_kept(district):
    first = registration_in(Status.APPROVED, district=district)
    typed = registration_approve(
        actor=district,
        registration=registration_in(Status.APPLIED, district=district),
        number="ชม. 123/2560",
    )
    second = registration_in(Status.APPROVED, district=district)

    assert [first.number, typed.number, second.number] == [
        "OTOP-50-2569-00001",
        "ชม. 123/2560",
        "OTOP-50-2569-00002",
    ]


def test_a_number_already_in_use_is_refused_beside_its_field(district):
    registration_in(Status.APPROVED, district=district)
    applied = registration_in(Status.APPLIED, district=district)

    with pytest.raises(ValidationError) as refused:
        registration_approve(
            actor=district, registration=applied, number="OTOP-50-2569-00001"
        )

    assert refused.value.message_dict == {
        "number": [_("This OTOP registration number is already in use.")]
    }
    applied.refresh_from_db()
    assert applied.status == Status.APPLIED


@override_settings(OTOP_REGISTRATION_YEARS=3)
def test_the_validity_comes_from_the_setting_or_the_officer(district):
    by_setting = registration_in(Status.APPROVED, district=district)
    typed = registration_in(
        Status.APPROVED, district=district, valid_until=dt.date(2027, 9, 30)
    )

    assert by_setting.valid_until == dt.date(2029, 12, 4)
    assert typed.valid_until == dt.date(2027, 9, 30)


def test_an_end_date_in_the_past_is_refused(district):
    applied = registration_in(Status.APPLIED, district=district)
    with pytest.raises(ValidationError) as refused:
        registration_approve(actor=district, registration=applied, valid_until=TODAY)
    assert "valid_until" in refused.value.message_dict


def test_renewing_extends_from_the_current_end(district):
    registration = registration_in(
        Status.RENEWAL_DUE, district=district, valid_until=TODAY + 30 * DAY
    )

    renewed = registration_renew(actor=district, registration=registration)

    assert renewed.status == Status.APPROVED
    assert renewed.valid_until == add_years(TODAY + 30 * DAY, 2)
    assert [a for a, _who, _n in trail(renewed)][-1] == "renewed"


def test_cancelling_needs_a_reason_and_the_producer_may_apply_again(
    district, tambon_officer
):
    registration = registration_in(Status.APPROVED, district=district)

    with pytest.raises(ValidationError) as refused:
        registration_cancel(actor=district, registration=registration, reason="  ")
    assert refused.value.message_dict == {
        "reason": [_("Give the reason for cancelling.")]
    }

    cancelled = registration_cancel(
        actor=district, registration=registration, reason="ไม่ผลิตแล้ว"
    )
    assert not cancelled.is_valid_on(TODAY)
    assert cancelled.cancelled_reason == "ไม่ผลิตแล้ว"

    again = registration_apply(
        actor=tambon_officer, producer=registration.producer, applied_on=TODAY
    )
    assert again.pk == registration.pk
    assert again.status == Status.APPLIED
    assert again.cancelled_reason == ""
    again = registration_approve(actor=district, registration=again)
    assert again.number == registration.number  # the producer's number, kept
    assert [a for a, _who, _n in trail(again)] == [
        "applied",
        "approved",
        "cancelled",
        "applied",
        "approved",
    ]


def test_applying_twice_is_refused(district, tambon_officer):
    registration = registration_in(Status.APPLIED, district=district)
    with pytest.raises(InvalidTransition):
        registration_apply(
            actor=tambon_officer, producer=registration.producer, applied_on=TODAY
        )
    assert registration.events.count() == 1


def test_an_application_dated_in_the_future_is_refused(tambon_officer):
    with pytest.raises(ValidationError):
        registration_apply(
            actor=tambon_officer, producer=producer_in(), applied_on=TODAY + DAY
        )
    assert not ProducerRegistration.objects.exists()


def test_correcting_keeps_the_old_values_in_the_trail(district):
    registration = registration_in(Status.APPROVED, district=district)
    old = (registration.number, registration.valid_until)

    registration_correct(
        actor=district,
        registration=registration,
        number="ชม. 9/2561",
        valid_until=dt.date(2028, 1, 31),
        note="พิมพ์เลขผิด",
    )

    registration.refresh_from_db()
    assert (registration.number, registration.valid_until) == (
        "ชม. 9/2561",
        dt.date(2028, 1, 31),
    )
    action, _who, note = trail(registration)[-1]
    assert action == "corrected"
    assert old[0] in note and "พิมพ์เลขผิด" in note


# Who may: the matrix -----------------------------------------------------------
# role × state → allowed, PermissionDenied or InvalidTransition, for each move.

ROLES = (
    "tambon_officer",
    "district",
    "registrar",
    "central_staff",
    "other_district",
    "stranger",
)
DECIDERS = {"district", "registrar", "central_staff"}
APPLIERS = DECIDERS | {"tambon_officer"}
STATES = ("none", *Status.values)


def _move(name, actor, registration):
    if name == "apply":
        return registration_apply(
            actor=actor, producer=registration.producer, applied_on=TODAY
        )
    if name == "approve":
        return registration_approve(actor=actor, registration=registration)
    if name == "renew":
        return registration_renew(actor=actor, registration=registration)
    if name == "mark_renewal_due":
        return registration_mark_renewal_due(actor=actor, registration=registration)
    if name == "cancel":
        return registration_cancel(actor=actor, registration=registration, reason="x")
    if name == "correct":
        return registration_correct(
            actor=actor,
            registration=registration,
            number="N-1",
            valid_until=TODAY + 400 * DAY,
            note="x",
        )
    raise AssertionError(name)


MOVES = {
    # move: (the states it starts from, who may)
    "apply": ({"none", Status.CANCELLED}, APPLIERS),
    "approve": ({Status.APPLIED}, DECIDERS),
    "renew": ({Status.APPROVED, Status.RENEWAL_DUE}, DECIDERS),
    "mark_renewal_due": ({Status.APPROVED}, DECIDERS),
    "cancel": ({Status.APPLIED, Status.APPROVED, Status.RENEWAL_DUE}, DECIDERS),
    "correct": ({Status.APPROVED, Status.RENEWAL_DUE}, DECIDERS),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("move", list(MOVES))
def test_the_transition_matrix(
    request, geography, district, tambon_officer, central_staff, move, state
):
    people = {
        "tambon_officer": tambon_officer,
        "district": district,
        "registrar": request.getfixturevalue("registrar"),
        "central_staff": central_staff,
        "other_district": district_officer(OTHER_AMPHOE, username="district-1001"),
        "stranger": UserFactory(username="stranger"),
    }
    starts, who = MOVES[move]
    failures = []
    for role in ROLES:
        with transaction.atomic():
            if state == "none":
                registration = ProducerRegistration(producer=producer_in())
            else:
                # Ending within the reminder window, so "mark due" is possible.
                registration = registration_in(
                    state, district=district, valid_until=TODAY + 30 * DAY
                )
            events = registration.events.count() if registration.pk else 0
            shown = move in registration_actions(people[role], registration)
            expected = "allowed"
            if state not in starts:
                expected = "InvalidTransition"
            elif role not in who:
                expected = "PermissionDenied"
            try:
                _move(move, people[role], registration)
                outcome = "allowed"
            except (InvalidTransition, PermissionDenied) as refusal:
                outcome = type(refusal).__name__
                assert str(refusal), "a refusal says why"
                after = registration.events.count() if registration.pk else 0
                assert after == events, "a refused move writes no event"
            else:
                saved = ProducerRegistration.objects.get(producer=registration.producer)
                assert saved.events.first().action in {
                    "applied",
                    "approved",
                    "renewed",
                    "renewal_due",
                    "cancelled",
                    "corrected",
                }
                assert saved.events.first().actor == people[role]
            if outcome != expected or shown != (expected == "allowed"):
                failures.append(f"{role}: {outcome} (shown: {shown}), want {expected}")
            transaction.set_rollback(True)
    assert not failures, f"{move} from {state}:\n" + "\n".join(failures)


def test_the_refusals_are_in_thai(district, tambon_officer):
    registration = registration_in(Status.APPLIED, district=district)
    with pytest.raises(PermissionDenied) as refused:
        registration_approve(actor=tambon_officer, registration=registration)
    assert str(refused.value) == (
        "เฉพาะเจ้าหน้าที่ที่ได้รับมอบหมายอำเภอของผู้ผลิต หรือเจ้าหน้าที่ส่วนกลาง "
        "จึงจะอนุมัติ ต่ออายุ หรือยกเลิกทะเบียน OTOP ได้"
    )


# The trail is append-only ---------------------------------------------------------


def test_the_trail_cannot_be_changed_or_deleted(district):
    registration = registration_in(Status.APPROVED, district=district)
    event = registration.events.first()

    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        registration.events.update(note="แก้")
    assert ProducerRegistrationEvent.objects.count() == 2


def test_the_database_refuses_a_held_registration_without_an_end(district):
    registration = registration_in(Status.APPLIED, district=district)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProducerRegistration.objects.filter(pk=registration.pk).update(
            status=Status.APPROVED, number="X-1"
        )


def test_unsaved_producers_get_an_unsaved_registration_to_apply_with(district):
    producer = producer_in()
    assert registration_for(producer).pk is None
    registration = registration_in(Status.APPLIED, district=district, producer=producer)
    producer.refresh_from_db()
    assert registration_for(producer) == registration


# Renewal reminders -----------------------------------------------------------------


def test_the_daily_task_marks_due_and_notifies_the_tambon_officers_once(
    district, tambon_officer
):
    soon = registration_in(
        Status.APPROVED, district=district, valid_until=TODAY + 60 * DAY
    )
    later = registration_in(
        Status.APPROVED, district=district, valid_until=TODAY + 61 * DAY
    )

    assert mark_registrations_renewal_due() == 1
    assert mark_registrations_renewal_due() == 0  # a second run: nothing new

    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.status == Status.RENEWAL_DUE
    assert later.status == Status.APPROVED
    notified = Notification.objects.filter(event_type="registration_renewal_due")
    # The officers of tambon 500101: its own and the district's.
    assert sorted(n.recipient.username for n in notified) == [
        "district-5001",
        "tambon-500101",
    ]
    assert Delivery.objects.filter(event_type="registration_renewal_due").count() == 2
    action, actor, _note = trail(soon)[-1]
    assert (action, actor) == ("renewal_due", None)


def test_the_reminder_is_sent_again_for_the_next_end_after_a_renewal(
    district, tambon_officer
):
    registration = registration_in(
        Status.APPROVED, district=district, valid_until=TODAY + 10 * DAY
    )
    mark_registrations_renewal_due()
    registration_renew(
        actor=district, registration=registration, valid_until=TODAY + 20 * DAY
    )

    mark_registrations_renewal_due()

    keys = Notification.objects.filter(recipient=tambon_officer).values_list(
        "event_key", flat=True
    )
    assert len(set(keys)) == 2


def test_the_reminder_counts_days_in_bangkok(district, tambon_officer):
    # 06:00 in Bangkok is still the day before in UTC: counted from UTC's
    # date, a registration ending 60 Bangkok days ahead would look 61 away.
    registration_in(Status.APPROVED, district=district, valid_until=TODAY + 60 * DAY)
    assert mark_registrations_renewal_due() == 1


def test_the_reminder_message_reads_in_thai(district, tambon_officer, client):
    registration_in(
        Status.APPROVED, district=district, valid_until=dt.date(2027, 1, 31)
    )
    mark_registrations_renewal_due()
    client.force_login(tambon_officer)

    page = client.get("/inbox/").content.decode()

    assert "31\u00a0ม.ค. 2570" in page
