"""Celery tasks: thin, idempotent wrappers around notifications.delivery."""

from celery import shared_task

from notifications import delivery


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_due() -> int:
    return delivery.deliveries_send_due()


@shared_task
def sweep_outbox() -> int:
    """Beat: send rows left pending because their task never ran."""
    if delivery.deliveries_stale().exists():
        return delivery.deliveries_send_due()
    return 0
