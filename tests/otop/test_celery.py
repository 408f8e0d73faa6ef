import os

import pytest
from django.conf import settings

from otop.celery import app as celery_app


def test_without_a_broker_tasks_run_in_process(monkeypatch):
    if settings.CELERY_BROKER_URL:
        pytest.skip("a broker is configured in this run")
    assert celery_app.conf.task_always_eager is True


def test_workers_ack_late_and_requeue_tasks_of_a_lost_worker():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


@pytest.mark.broker
@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (CI)"
)
def test_a_real_worker_answers_on_the_broker():
    assert celery_app.conf.task_always_eager is False
    replies = celery_app.control.ping(timeout=5)
    assert replies, "no Celery worker answered a ping on the broker"
