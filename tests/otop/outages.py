"""Outages for fault tests: a port nothing listens on, a database that is
not there."""

import socket
from contextlib import contextmanager

from django.db import connections


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens here now
    return port


@contextmanager
def database_down():
    """Point the default connection at a database that is not there: a
    closed port for PostgreSQL, a file in a missing folder for SQLite. Any
    query made while it is down fails as the real outage would."""
    real = connections["default"]
    settings_dict = {**real.settings_dict}
    if real.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        settings_dict["NAME"] = "/nonexistent/otop/db.sqlite3"
    down = type(real)(settings_dict, alias="default")
    connections["default"] = down
    try:
        yield down
    finally:
        down.close()
        connections["default"] = real
