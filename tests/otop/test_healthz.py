import os
import socket
import threading

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_broker():
    """A TCP port that accepts connections and then never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept_forever():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens here now
    return f"redis://127.0.0.1:{port}/0"


def _get_within(client, seconds):
    """GET /healthz in a thread; None if it has not answered within ``seconds``."""
    answer = []
    thread = threading.Thread(target=lambda: answer.append(client.get("/healthz")))
    thread.start()
    thread.join(seconds)
    return answer[0] if answer else None


def test_without_a_broker_reports_it_disabled(client, settings):
    settings.CELERY_BROKER_URL = None

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "disabled"}


def test_a_refused_broker_is_down_but_the_site_is_up(client, settings, closed_port):
    settings.CELERY_BROKER_URL = closed_port

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "down"}


def test_a_broker_that_never_answers_is_reported_down_without_hanging(
    client, settings, silent_broker
):
    settings.CELERY_BROKER_URL = silent_broker
    settings.HEALTHZ_BROKER_TIMEOUT = 0.5

    response = _get_within(client, seconds=20)

    assert response is not None, "/healthz hung on a silent broker"
    assert response.json()["broker"] == "down"


def test_a_database_that_does_not_answer_is_a_503(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = None

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr("otop.health.connection.cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_is_never_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


@pytest.mark.broker
@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (CI)"
)
def test_a_reachable_broker_is_ok(client, settings):
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]

    assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}
