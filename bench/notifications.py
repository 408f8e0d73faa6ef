"""Notification throughput: writing the outbox, and emptying it into SMTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/otop_bench_notify \\
        .venv/bin/python bench/notifications.py [--messages 2000] [--processes 1 2]

Writes ``--messages`` notifications (each an in-app row for a user and an email
delivery) through ``notify()`` as a transition would, then empties the outbox
with the same code the Celery task runs (``deliveries_send_due``: one
``SKIP LOCKED`` claim, render, send and commit per message) in 1 and 2
parallel processes into a local SMTP server (aiosmtpd on 127.0.0.1) that
accepts everything. Prints messages per second; asserts nothing.
"""

import argparse
import io
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")

from bench.common import ensure_database, figure, free_port


class Sink:
    """An SMTP server that counts what it is given."""

    def __init__(self):
        self.count = multiprocessing.Value("i", 0)

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _drain(_index: int) -> int:
    from notifications.delivery import deliveries_send_due

    return deliveries_send_due()


def write_outbox(messages: int, label: str) -> float:
    from django.db import transaction

    from notifications import services
    from notifications.services import Contact, notify

    # Measured separately below: no delivery task after commit here.
    services.enqueue_delivery = lambda: None
    started = time.perf_counter()
    with transaction.atomic():
        for i in range(messages):
            notify(
                event_type="membership_revoked",
                event_key=f"bench:{label}:{i}",
                recipients=[Contact(email=f"member{i}@example.go.th")],
                context={"committee": "คณะทำงานขับเคลื่อน OTOP ระดับอำเภอ"},
                link="/committees/",
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    ensure_database(os.environ.get("DATABASE_URL", ""))
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from notifications.models import Delivery, Notification

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    Delivery.objects.filter(event_key__startswith="bench:").delete()
    Notification.objects.filter(event_key__startswith="bench:").delete()

    results = []
    try:
        for processes in args.processes:
            label = f"p{processes}-{time.time_ns()}"
            wrote = write_outbox(args.messages, label)
            before = sink.count.value
            connection.close()  # children open their own, never the parent's
            started = time.perf_counter()
            context = multiprocessing.get_context("fork")
            with context.Pool(processes) as pool:
                sent = sum(pool.map(_drain, range(processes)))
            elapsed = time.perf_counter() - started
            arrived = sink.count.value - before
            results.append((processes, wrote, sent, arrived, elapsed))
    finally:
        controller.stop()

    print(f"\nnotifications: {args.messages} emails per run")
    print(
        f"{'processes':>9} {'outbox write/s':>15} {'sent':>6} {'arrived':>8} "
        f"{'messages/s':>11}"
    )
    for processes, wrote, sent, arrived, elapsed in results:
        print(
            f"{processes:>9} {args.messages / wrote:>15.0f} {sent:>6} {arrived:>8} "
            f"{sent / elapsed:>11.0f}"
        )
    for processes, _wrote, sent, _arrived, elapsed in results:
        figure(f"email delivery, {processes} process(es)", sent / elapsed, "msg/s")
    figure("outbox writes (notify)", args.messages / results[0][1], "rows/s")


if __name__ == "__main__":
    main()
