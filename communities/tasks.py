"""Celery tasks of the communities app: thin, idempotent, calling services."""

import logging

from celery import shared_task

from communities.selectors import registrations_due_for_renewal
from communities.services import registration_mark_renewal_due
from core.workflow import REFUSALS

logger = logging.getLogger(__name__)


@shared_task
def mark_registrations_renewal_due() -> int:
    """Beat, daily: approved registrations ending within
    ``OTOP_REGISTRATION_REMINDER_DAYS`` become due for renewal and their
    tambon's officers are told. A second run finds none left to mark."""
    marked = 0
    for registration in registrations_due_for_renewal().iterator():
        try:
            registration_mark_renewal_due(actor=None, registration=registration)
        except REFUSALS:  # moved on since the query (renewed, cancelled)
            logger.info("registration %s not marked due", registration.pk)
        else:
            marked += 1
    return marked
