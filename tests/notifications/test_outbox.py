import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from committees.models import Tier as CommitteeTier
from notifications.delivery import deliveries_send_due
from notifications.models import Delivery, EmailOptOut, Notification
from notifications.services import (
    Contact,
    deliveries_retry,
    email_preferences_set,
    notify,
)
from notifications.tasks import sweep_outbox
from selection.services import nomination_return
from tests.accounts.factories import UserFactory
from tests.selection.ladder import (
    make_board,
    make_round,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(officer, district_board):
    """An open round, the officer of 500101 and their district committee."""
    return make_round(), district_board, officer


def test_a_submission_notifies_the_district_committee(district):
    round_, board, officer = district

    submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")

    notified = set(
        Notification.objects.filter(event_type="nomination_submitted").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {u.username for u in board.scorers}  # not the observer
    assert Delivery.objects.filter(event_type="nomination_submitted").count() == 4


def test_a_return_tells_the_officer_with_the_reason(district):
    round_, board, officer = district
    nomination = submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")

    nomination_return(actor=board.secretary, nomination=nomination, reason="ขาดรูปถ่าย")

    note = Notification.objects.get(event_type="nomination_returned")
    assert note.recipient == officer
    assert note.context["reason"] == "ขาดรูปถ่าย"
    assert note.link == f"/officer/nominations/{nomination.pk}/"


def test_a_rolled_back_move_notifies_nobody_and_queues_nothing(
    district, django_capture_on_commit_callbacks
):
    round_, board, officer = district
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")
                raise RuntimeError("the request failed after the move")
        except RuntimeError:
            pass

    assert not Notification.objects.filter(event_type="nomination_submitted").exists()
    assert not Delivery.objects.filter(event_type="nomination_submitted").exists()
    assert callbacks == []


def test_a_committed_move_queues_one_delivery_task(
    district, django_capture_on_commit_callbacks
):
    round_, board, officer = district
    with django_capture_on_commit_callbacks() as callbacks:
        submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")

    assert [c.__name__ for c in callbacks].count("enqueue_delivery") == 1


def test_the_same_event_never_notifies_twice(db):
    user = UserFactory(email="somsri@example.go.th")
    for _ in range(2):
        notify(
            event_type="membership_granted",
            event_key="membership:1:granted",
            recipients=[user],
            context={"committee": "คณะทำงาน", "role": "member"},
        )
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_opting_out_of_email_keeps_the_inbox(db):
    user = UserFactory(email="somsri@example.go.th")
    email_preferences_set(user=user, email_on=["nomination_returned"])

    notify(
        event_type="membership_granted",
        event_key="membership:1:granted",
        recipients=[user],
        context={"committee": "คณะทำงาน", "role": "member"},
    )

    assert Notification.objects.filter(recipient=user).count() == 1
    assert not Delivery.objects.exists()
    assert EmailOptOut.objects.filter(
        user=user, event_type="membership_granted"
    ).exists()


def _granted(user, key="membership:1:granted"):
    notify(
        event_type="membership_granted",
        event_key=key,
        recipients=[user],
        context={"committee": "คณะทำงานขับเคลื่อน OTOP อำเภอเมืองเชียงใหม่", "role": "chair"},
        link="/committees/1/",
    )


def test_messages_are_in_the_recipients_language(db):
    _granted(UserFactory(email="th@example.go.th", preferred_language="th"), "k:1")
    _granted(UserFactory(email="en@example.go.th", preferred_language="en"), "k:2")

    deliveries_send_due()

    by_address = {m.to[0]: m for m in mail.outbox}
    assert "ประธาน" in by_address["th@example.go.th"].body  # "chair"
    assert "appointed chair" in by_address["en@example.go.th"].body
    assert "http://127.0.0.1:8000/committees/1/" in by_address["en@example.go.th"].body
    html = by_address["th@example.go.th"].alternatives[0][0]
    assert '<a href="http://127.0.0.1:8000/committees/1/"' in html


def test_sending_twice_sends_once(db):
    _granted(UserFactory(email="somsri@example.go.th"))

    assert deliveries_send_due() == 1
    assert deliveries_send_due() == 0
    assert len(mail.outbox) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "sent" and delivery.attempts == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == delivery.message_id


def test_a_failing_send_backs_off_then_gives_up(db, settings, monkeypatch):
    _granted(UserFactory(email="somsri@example.go.th"))

    def refuse(self):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    delays = []
    for _ in range(6):
        Delivery.objects.update(next_attempt_at=timezone.now())
        deliveries_send_due()
        delivery = Delivery.objects.get()
        delays.append(delivery.next_attempt_at - timezone.now())

    assert delivery.status == "failed"
    assert delivery.attempts == 6
    assert "unreachable" in delivery.last_error
    waits = [d.total_seconds() for d in delays[:5]]
    assert waits == sorted(waits) and waits[0] > 20 and waits[1] > 50  # 30 s, 60 s, …


def test_central_staff_retry_failed_deliveries(central_staff):
    _granted(UserFactory(email="somsri@example.go.th"))
    Delivery.objects.update(status="failed", attempts=6)

    count = deliveries_retry(actor=central_staff, deliveries=Delivery.objects.all())
    deliveries_send_due()

    assert count == 1
    assert Delivery.objects.get().status == "sent"


def test_the_sweeper_sends_rows_whose_task_never_ran(db):
    _granted(UserFactory(email="somsri@example.go.th"))  # no commit: no task ran
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))

    assert sweep_outbox() == 1
    assert Delivery.objects.get().status == "sent"


def test_a_producers_contact_gets_email_without_an_account(db):
    notify(
        event_type="nomination_awarded",
        event_key="nomination:1:awarded",
        recipients=[Contact(email="group@example.com")],
        context={
            "product": "ผ้าฝ้าย",
            "producer": "กลุ่มทอผ้า",
            "round": "2569",
            "stars": 5,
            "score": "92.50",
        },
    )
    deliveries_send_due()

    assert mail.outbox[0].to == ["group@example.com"]
    assert "5" in mail.outbox[0].subject
    assert not Notification.objects.exists()


# The inbox ----------------------------------------------------------------------


def test_the_bell_counts_unread_in_one_query(client, db, django_assert_num_queries):
    user = UserFactory()
    for i in range(3):
        _granted(user, f"k:{i}")
    client.force_login(user)

    page = client.get("/inbox/")

    assert '<span class="bell-count">3</span>' in page.text
    # session, user, the bell's count, the menu's roles (otop.navigation), and
    # the home page's registry summary
    with django_assert_num_queries(5):
        client.get("/")


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, db):
    user = UserFactory()
    _granted(user)
    client.force_login(user)
    note = Notification.objects.get()

    response = client.post(f"/inbox/{note.pk}/open/")

    assert response["Location"] == "/committees/1/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_nobody_opens_another_users_notification(client, db):
    _granted(UserFactory())
    client.force_login(UserFactory())

    assert (
        client.post(f"/inbox/{Notification.objects.get().pk}/open/").status_code == 404
    )


def test_mark_all_read_and_the_empty_state(client, db):
    user = UserFactory()
    _granted(user, "k:1")
    _granted(user, "k:2")
    client.force_login(user)

    client.post("/inbox/read-all/")

    assert not Notification.objects.filter(read_at__isnull=True).exists()
    client.force_login(UserFactory())
    assert (
        "ยังไม่มีการแจ้งเตือน" in client.get("/inbox/").text
        or client.get("/inbox/").status_code == 200
    )


def test_email_settings_page_saves_choices(client, db):
    user = UserFactory()
    client.force_login(user)

    client.post("/inbox/settings/", {"email": ["nomination_returned"]})

    off = set(
        EmailOptOut.objects.filter(user=user).values_list("event_type", flat=True)
    )
    assert "nomination_returned" not in off and "membership_granted" in off


def test_members_with_unsubmitted_sheets_are_reminded_3_and_1_days_before(district):
    from selection.notify import deadline_reminders
    from tests.selection.ladder import score

    round_, board, officer = district
    nomination = submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")
    score(board.chair, nomination, {"A": 9, "B": 9, "C": 9})  # the chair is done
    deadline = round_.amphoe_deadline

    deadline_reminders(today=deadline - dt.timedelta(days=3))
    deadline_reminders(today=deadline - dt.timedelta(days=3))  # run twice: once
    deadline_reminders(today=deadline - dt.timedelta(days=2))  # not a reminder day
    deadline_reminders(today=deadline - dt.timedelta(days=1))

    reminded = Notification.objects.filter(event_type="deadline_reminder")
    assert reminded.count() == 2 * 3  # secretary and two members, twice
    assert board.chair.pk not in set(reminded.values_list("recipient", flat=True))
    assert reminded.first().context["count"] == 1


def test_an_approved_ranking_tells_officers_and_the_next_committee(district):
    from tests.selection.ladder import rank_and_approve, score_all

    round_, board, officer = district
    province = make_board(CommitteeTier.PROVINCE, "50")
    nominations = [
        submitted_nomination(officer, round_, "500101", name)
        for name in ("หนึ่ง", "สอง", "สาม")
    ]
    for points, nomination in zip((9, 8, 7), nominations, strict=True):
        score_all(board, [nomination], {"A": points, "B": points, "C": points})

    rank_and_approve(board, round_)  # the round forwards two

    outcomes = sorted(
        Notification.objects.filter(
            event_type="ranking_approved", recipient=officer
        ).values_list("context__outcome", flat=True)
    )
    assert outcomes == ["forward", "forward", "not_selected"]
    told = Notification.objects.filter(
        event_type="ranking_approved", recipient__in=province.scorers
    )
    assert told.count() == 4 and told.first().context["count"] == 2
