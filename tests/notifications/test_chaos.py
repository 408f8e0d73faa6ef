"""Chaos: 1,000 emails through real Celery workers on Redis, one of them
SIGKILLed mid-way, into a real SMTP server on 127.0.0.1 that counts what
arrives. Every delivery must end sent and arrive; a copy can arrive twice
only if a worker died between the server's "250 OK" and its own COMMIT, at
most one per killed worker process, and it carries the same Message-ID.

Runs in CI's PostgreSQL + Redis pass; prints the figures for the notes."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from notifications.models import Delivery
from notifications.services import Contact, notify
from notifications.tasks import deliver_due
from tests.db import ON_POSTGRESQL

MESSAGES = 1000
CONCURRENCY = 2
QUEUE = "chaos"

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL") or not ON_POSTGRESQL,
        reason="needs PostgreSQL and a Celery broker (CI's second run)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class CountingHandler:
    """An aiosmtpd handler that records each message's Message-ID."""

    def __init__(self, delay: float):
        self.delay = delay
        self.ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(self.delay)  # a slow server keeps messages in flight
        text = envelope.content.decode("utf-8", "replace")
        message_id = next(
            (
                line.split(":", 1)[1].strip()
                for line in text.splitlines()
                if line.lower().startswith("message-id:")
            ),
            "?",
        )
        with self.lock:
            self.ids.append(message_id)
        return "250 OK"


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    handler = CountingHandler(delay=0.004)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def start_worker(name: str, smtp_port: int) -> subprocess.Popen:
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{connection.settings_dict['NAME']}"
        ),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DJANGO_CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "otop.settings.local",
    }
    celery = Path(sys.executable).with_name("celery")
    return subprocess.Popen(  # noqa: S603 (our own worker, fixed arguments)
        [
            str(celery),
            "-A",
            "otop",
            "worker",
            "-Q",
            QUEUE,
            f"--concurrency={CONCURRENCY}",
            "--pool=prefork",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        start_new_session=True,  # its own process group, killed as one
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def sent() -> int:
    return Delivery.objects.filter(status=Delivery.Status.SENT).count()


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def kick(times: int = 4) -> None:
    for _ in range(times):
        deliver_due.apply_async(queue=QUEUE)


def test_a_killed_worker_loses_nothing(smtp_sink, monkeypatch):
    handler, port = smtp_sink
    monkeypatch.setattr("notifications.services.enqueue_delivery", lambda: None)
    with transaction.atomic():
        for i in range(MESSAGES):
            notify(
                event_type="membership_revoked",
                event_key=f"chaos:{i}",
                recipients=[Contact(email=f"member{i}@example.go.th")],
                context={"committee": "คณะทำงานทดสอบ"},
            )
    assert Delivery.objects.count() == MESSAGES

    first = start_worker("chaos-1", port)
    try:
        kick()
        assert wait_for(lambda: sent() >= MESSAGES // 4, 90), (
            "the first worker sent nothing"
        )
        os.killpg(first.pid, signal.SIGKILL)  # mid-way, no goodbye
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    at_kill = sent()
    assert at_kill < MESSAGES, "all were sent before the kill: nothing was tested"

    second = start_worker("chaos-2", port)
    try:
        started = time.monotonic()
        kick()  # the sweeper's job, done at once here
        done = wait_for(lambda: sent() == MESSAGES, 180)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(30)

    counts = Counter(handler.ids)
    doubled = sum(n - 1 for n in counts.values())
    lost = MESSAGES - len(counts)
    print(
        f"\nchaos: {MESSAGES} deliveries, worker SIGKILLed after {at_kill} sent; "
        f"delivered {len(counts)}, lost {lost}, doubled {doubled}; "
        f"{MESSAGES - at_kill} sent by one worker ({CONCURRENCY} processes) "
        f"in {elapsed:.1f} s = {(MESSAGES - at_kill) / elapsed:.0f} messages/s"
    )
    assert done, f"only {sent()} of {MESSAGES} sent"
    assert lost == 0
    assert set(counts) == {d.message_id for d in Delivery.objects.all()}
    assert doubled <= CONCURRENCY  # at most the messages in flight at the kill
