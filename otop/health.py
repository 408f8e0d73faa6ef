"""Checks behind /healthz: can we reach the database and the Celery broker?"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from kombu import Connection

logger = logging.getLogger(__name__)

OK, DOWN, DISABLED = "ok", "down", "disabled"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return DOWN
    return OK


def broker_status() -> str:
    """Connect to the broker with a bounded timeout; never hang the probe."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return DISABLED
    timeout = settings.HEALTHZ_BROKER_TIMEOUT
    options = {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "max_retries": 0,
    }
    try:
        with Connection(
            url, connect_timeout=timeout, transport_options=options
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception:  # any transport error means the broker cannot take work
        logger.warning("health check: broker unreachable", exc_info=True)
        return DOWN
    return OK
