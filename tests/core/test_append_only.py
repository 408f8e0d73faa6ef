"""Every audit trail of the portal is append-only, in the model and on
PostgreSQL (issue #18 §1): one kernel base (``core.events.AppendOnlyEvent``)
and one migration operation (``core.events.AppendOnly``) for all of them,
tested here over every model that uses them, so a new trail is covered the
day it is added."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from committees.models import MembershipEvent
from communities.models import OfficerAssignmentEvent, ProducerRegistrationEvent
from core.events import AppendOnlyEvent
from products.models import ProductEvent
from registry.models import RegistryEvent
from selection.models import NominationEvent
from support.models import SupportPlanEvent
from tests.core.builders import BUILD
from tests.db import on_postgresql

pytestmark = pytest.mark.django_db

TRAILS = set(BUILD)


def raw(sql: str, *params) -> None:
    """Run SQL in a savepoint, so a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_audit_trail_uses_the_kernel_base():
    trails = {
        model for model in apps.get_models() if issubclass(model, AppendOnlyEvent)
    }
    named_events = {
        model for model in apps.get_models() if model.__name__.endswith("Event")
    }
    assert trails == TRAILS
    assert named_events <= trails, "an *Event model outside the kernel's base"
    for model in trails:
        assert model._meta.base_manager_name == "objects", model


@pytest.fixture(params=sorted(BUILD, key=lambda model: model.__name__), ids=str)
def event(request, geography):
    return BUILD[request.param]()


def test_a_stored_event_cannot_be_saved_again_or_deleted(event):
    model = type(event)
    event.note = "แก้ไขย้อนหลัง"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert model.objects.get(pk=event.pk).note == ""


def test_querysets_and_the_base_manager_refuse_too(event):
    model = type(event)
    event.note = "แก้ไขย้อนหลัง"
    # Each in a savepoint: a refused bulk write marks the surrounding transaction.
    with pytest.raises(ValidationError), transaction.atomic():
        model.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(ValidationError), transaction.atomic():
        model.objects.bulk_update([event], ["note"])
    with pytest.raises(ValidationError), transaction.atomic():
        model.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValidationError), transaction.atomic():
        model._base_manager.filter(pk=event.pk).delete()
    assert model.objects.get(pk=event.pk).note == ""


def test_what_an_event_describes_cannot_be_deleted_under_it(event):
    """The trail outlives its subject: deleting the row it is about is
    refused, not cascaded (a cascade would delete the trail)."""
    model = type(event)
    subject = {
        NominationEvent: "nomination",
        SupportPlanEvent: "plan",
        RegistryEvent: "entry",
        MembershipEvent: "membership",
        ProductEvent: "product",
        OfficerAssignmentEvent: "assignment",
        ProducerRegistrationEvent: "registration",
    }[model]
    with pytest.raises(ProtectedError), transaction.atomic():
        getattr(event, subject).delete()
    if model is MembershipEvent:
        with pytest.raises(ProtectedError), transaction.atomic():
            event.committee.delete()
    if model is OfficerAssignmentEvent:  # the officer's assignments cascade
        with pytest.raises(ProtectedError), transaction.atomic():
            event.assignment.user.delete()
    assert model.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_raw_sql_cannot_change_or_delete_an_event(event):
    table = connection.ops.quote_name(type(event)._meta.db_table)
    with pytest.raises(IntegrityError, match="append-only"):
        raw(f"UPDATE {table} SET note = %s WHERE id = %s", "x", event.pk)  # noqa: S608 (a model's table)
    with pytest.raises(IntegrityError, match="append-only"):
        raw(f"DELETE FROM {table} WHERE id = %s", event.pk)  # noqa: S608 (a model's table)
    with pytest.raises(IntegrityError, match="append-only"):
        raw(f"DELETE FROM {table}")  # noqa: S608 (a model's table)
    assert type(event).objects.get(pk=event.pk).note == ""


@on_postgresql
def test_purge_lifts_the_guard_for_its_own_statement_only(event):
    model = type(event)
    table = connection.ops.quote_name(model._meta.db_table)
    other = model.objects.get(pk=event.pk)
    other.pk = None
    other.save()  # a second row, for the statements after the purge
    with transaction.atomic():
        assert model.objects.filter(pk=event.pk).purge() == 1
        with pytest.raises(IntegrityError, match="append-only"):
            raw(f"UPDATE {table} SET note = 'x' WHERE id = %s", other.pk)  # noqa: S608 (a model's table)
        with pytest.raises(IntegrityError, match="append-only"):
            raw(f"DELETE FROM {table} WHERE id = %s", other.pk)  # noqa: S608 (a model's table)
    assert not model.objects.filter(pk=event.pk).exists()
    assert model.objects.get(pk=other.pk).note == ""


@on_postgresql
def test_every_trail_table_has_its_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE %s",
            ["%append_only"],
        )
        guarded = {name for (name,) in cursor.fetchall()}
    assert {model._meta.db_table for model in TRAILS} <= guarded
