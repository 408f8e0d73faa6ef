"""The ladder's audit trail is append-only (issue #11 §6): the app's own code
cannot change or remove a NominationEvent, and on PostgreSQL neither can raw
SQL (selection migration 0005's trigger). The plain guards on save, delete,
queryset update and delete are in test_rounds.py; the committee member's view
of the read-only admin is in test_admin_queue.py."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from selection.models import Nomination, NominationEvent, Ranking
from tests.db import on_postgresql
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(geography):
    round_ = make_round()
    return submitted_nomination(make_officer("500101"), round_, "500101", "ข้าวแต๋น")


@pytest.fixture
def event(submitted):
    return NominationEvent.objects.get(nomination=submitted, action="submitted")


def raw(sql: str, *params) -> None:
    """Run SQL in a savepoint, so a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_bulk_update_and_the_base_manager_are_refused_too(event):
    event.note = "แก้ไขย้อนหลัง"

    # Each in a savepoint: bulk_update marks the surrounding transaction.
    with pytest.raises(ValidationError), transaction.atomic():
        NominationEvent.objects.bulk_update([event], ["note"])
    with pytest.raises(ValidationError), transaction.atomic():
        NominationEvent._base_manager.filter(pk=event.pk).update(note="x")
    with pytest.raises(ValidationError), transaction.atomic():
        NominationEvent._base_manager.filter(pk=event.pk).delete()
    assert NominationEvent.objects.get(pk=event.pk).note == ""


def test_a_nomination_with_history_cannot_be_deleted(submitted, event):
    with pytest.raises(ProtectedError):
        Nomination.objects.filter(pk=submitted.pk).delete()
    with pytest.raises(ProtectedError):
        submitted.delete()
    assert NominationEvent.objects.filter(pk=event.pk).exists()


def test_a_ranking_with_history_cannot_be_deleted(geography):
    round_ = make_round()
    board = make_board("amphoe", "5001", members=0)
    nomination = submitted_nomination(make_officer("500101"), round_, "500101", "หนึ่ง")
    score_all(board, [nomination], {"A": 8, "B": 8, "C": 8})
    ranking = rank_and_approve(board, round_)

    with pytest.raises(ProtectedError):
        Ranking.objects.filter(pk=ranking.pk).delete()
    assert NominationEvent.objects.filter(ranking=ranking).count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_purge_refuses_to_run_outside_a_transaction():
    with pytest.raises(transaction.TransactionManagementError):
        NominationEvent.objects.all().purge()


def test_the_event_admin_offers_no_change_or_delete_even_to_a_superuser(
    client, event, central_staff
):
    client.force_login(central_staff)  # a superuser: every permission
    base = "/admin/selection/nominationevent/"

    page = client.get(f"{base}{event.pk}/change/").content.decode()
    listing = client.get(base).content.decode()

    assert 'name="_save"' not in page and "/delete/" not in page
    assert 'name="action"' not in listing  # no bulk actions, no "delete selected"
    assert client.post(f"{base}{event.pk}/change/", {"note": "x"}).status_code == 403
    assert client.get(f"{base}{event.pk}/delete/").status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert NominationEvent.objects.get(pk=event.pk).note == ""


@on_postgresql
def test_raw_sql_cannot_update_an_event(event):
    with pytest.raises(IntegrityError, match="append-only"):
        raw(
            "UPDATE selection_nominationevent SET note = %s WHERE id = %s",
            "x",
            event.pk,
        )
    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE selection_nominationevent SET at = now()")

    assert NominationEvent.objects.get(pk=event.pk).note == ""


@on_postgresql
def test_raw_sql_cannot_delete_an_event(event):
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM selection_nominationevent WHERE id = %s", event.pk)
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM selection_nominationevent")

    assert NominationEvent.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_raw_sql_cannot_delete_a_nomination_under_its_history(submitted, event):
    # Django's foreign keys are checked at commit; check this one now.
    with pytest.raises(IntegrityError, match="selection_nominationevent"):
        raw(
            "SET CONSTRAINTS ALL IMMEDIATE;"
            " DELETE FROM selection_nomination WHERE id = %s",
            submitted.pk,
        )
    raw("SET CONSTRAINTS ALL DEFERRED")

    assert NominationEvent.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_purge_lifts_the_trigger_for_its_own_statement_only(submitted):
    events = list(NominationEvent.objects.values_list("pk", flat=True))
    assert len(events) == 2  # created, submitted

    with transaction.atomic():
        assert NominationEvent.objects.filter(pk=events[0]).purge() == 1
        with pytest.raises(IntegrityError, match="append-only"):
            raw("DELETE FROM selection_nominationevent WHERE id = %s", events[1])

    assert list(NominationEvent.objects.values_list("pk", flat=True)) == events[1:]
