"""Helpers shared by the benchmarks (run as scripts: ``python bench/<name>.py``)."""

import json
import math
import socket
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent  # the project, for sys.path


def ensure_database(url: str, reset: bool = False) -> None:
    """Create the PostgreSQL database named in ``url`` (UTF-8, from
    template0), dropping it first with ``reset``; other URLs are left alone."""
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return
    import psycopg2
    from psycopg2 import sql

    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        if reset:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
            print(f"dropped database {name}")
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                    sql.Identifier(name)
                )
            )
            print(f"created database {name}")
    conn.close()


def free_port() -> int:
    """A free TCP port on 127.0.0.1, for a server the benchmark starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def figure(
    name: str,
    value: float,
    unit: str,
    target: str = "",
    baseline: float | None = None,
) -> None:
    """Print one machine-readable figure for ``bench/run.py``'s summary:
    ``FIGURE {json}``. ``baseline`` is an in-run reference (e.g. a bare
    view's rate) the value is divided by."""
    record = {"name": name, "value": value, "unit": unit, "target": target}
    if baseline:
        record["ratio"] = value / baseline
    print("FIGURE " + json.dumps(record, ensure_ascii=False), flush=True)
