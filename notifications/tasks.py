"""Celery tasks: thin, idempotent wrappers around notifications.services."""

from celery import shared_task

from notifications import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_due() -> int:
    return services.deliveries_send_due()


@shared_task
def sweep_outbox() -> int:
    """Beat: send rows left pending because their task never ran."""
    if services.deliveries_stale().exists():
        return services.deliveries_send_due()
    return 0
