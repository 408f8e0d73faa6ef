"""Faults (issue #11 §7): a database that does not answer is a friendly 503
with Retry-After, never a 500, and /healthz says so; a broker that is down
when a transition commits loses no notification. (A worker killed mid-import:
tests/products/test_import_jobs.py; a worker killed mid-delivery:
tests/notifications/test_chaos.py.)"""

import datetime as dt
from collections import Counter
from contextlib import contextmanager

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from notifications.models import Delivery
from notifications.tasks import sweep_outbox
from otop.celery import app as celery_app
from selection.models import Nomination, NominationEvent
from tests.accounts.factories import UserFactory
from tests.otop.outages import closed_port, database_down
from tests.selection.ladder import (
    make_round,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/registry/"])
def test_a_page_is_a_friendly_503_while_the_database_is_down(client, path):
    with database_down():
        response = client.get(path)

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-cache" in response["Cache-Control"]
    assert page.index("ระบบไม่พร้อมให้บริการชั่วคราว") < page.index(
        "temporarily unavailable"
    )  # Thai first, then English
    assert 'href="/"' in page


def test_a_signed_in_visitor_gets_the_503_when_the_session_cannot_load(db):
    browser = Client(raise_request_exception=False)
    browser.force_login(UserFactory())

    with database_down():
        response = browser.get("/officer/")  # the session loads in a middleware

    assert response.status_code == 503
    assert response["Retry-After"] == "60"


def test_the_api_answers_503_in_json_while_the_database_is_down(client):
    with database_down():
        response = client.get("/api/registry/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "unavailable" in response.json()["detail"]


def test_healthz_reports_the_database_down_with_a_503(client, settings):
    settings.CELERY_BROKER_URL = None

    with database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "disabled"}


def test_other_errors_stay_500s(client, monkeypatch):
    def broken(request):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr("otop.views.registry_summary", broken)
    client.raise_request_exception = False

    assert client.get("/").status_code == 500


# The broker down when a transition commits ---------------------------------


@contextmanager
def broker_down():
    """Celery publishes to a broker on a closed port, as if Redis had died."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    pools = (celery_app._pool, celery_app.amqp._producer_pool)
    conf.broker_url = f"redis://127.0.0.1:{closed_port()}/7"
    conf.task_always_eager = False
    celery_app._pool = celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        celery_app._pool, celery_app.amqp._producer_pool = pools


def test_a_transition_commits_with_the_broker_down_and_the_sweeper_delivers_once(
    officer, district_board, django_capture_on_commit_callbacks
):
    round_ = make_round()

    with broker_down(), django_capture_on_commit_callbacks(execute=True) as queued:
        nomination = submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")

    assert "enqueue_delivery" in [c.__name__ for c in queued]  # tried, and failed
    nomination = Nomination.objects.get(pk=nomination.pk)
    assert (nomination.tier, nomination.state) == ("amphoe", "pending")
    assert NominationEvent.objects.filter(
        nomination=nomination, action="submitted"
    ).exists()
    waiting = Delivery.objects.filter(event_type="nomination_submitted")
    assert waiting.count() == len(district_board.scorers)
    assert set(waiting.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []

    # Later, with the broker back (in-process here), the beat sweeper runs.
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))
    sweep_outbox()
    sweep_outbox()  # and again: nothing goes twice

    assert set(waiting.values_list("status", flat=True)) == {"sent"}
    sent = Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert all(sent[d.message_id] == 1 for d in waiting)
