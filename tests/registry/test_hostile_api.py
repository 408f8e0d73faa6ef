"""The API speaks HTTP and JSON whatever it is sent: HEAD wherever GET works
(same status and headers, no body), every error as JSON in its shape
``{"detail", "errors"}`` (an unknown path, a method it does not take, a 500),
and a page that is not a whole number from 1 to the last is a 400."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.otop.outages import database_down

API = "/api/registry/"
HUGE = "99999999999999999999999"
SAME_HEADERS = (
    "Content-Type",
    "Content-Length",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Allow",
)


def api_routes() -> list[str]:
    """Every route under /api/, from the resolver: a new one joins the tests."""
    (api,) = (
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == "api/"
    )
    return [str(p.pattern) for p in api.url_patterns if isinstance(p, URLPattern)]


def test_the_api_routes_are_the_ones_tested_here():
    # django-ninja adds a pattern per method (GET, HEAD) and a root that is a 404.
    assert set(api_routes()) == {
        "registry/",
        "registry/<number>/",
        "schema/",
        "docs/",
        "",
    }


def _urls(published) -> list[str]:
    number = published.first().number
    return [
        API,
        f"{API}?province=50&page_size=1&page=2",
        f"{API}{number}/",
        f"{API}OTOP-2500-99-999999/",  # 404
        f"{API}?stars=9",  # 400
        f"{API}?page={HUGE}",  # 400
        "/api/schema/",
        "/api/docs/",
        "/api/",  # 404
        "/api/nonexistent/",  # 404
    ]


def _same(get, head) -> None:
    assert head.status_code == get.status_code
    for header in SAME_HEADERS:
        assert head.get(header) == get.get(header), header


@pytest.mark.django_db
def test_head_answers_like_get_on_every_api_route(client, published):
    for url in _urls(published):
        get, head = client.get(url), client.head(url)

        _same(get, head)
        assert get.status_code != 405, url


@pytest.mark.django_db
def test_head_revalidates_like_get(client, published):
    for url in (API, f"{API}{published.first().number}/"):
        etag = client.get(url)["ETag"]

        assert client.head(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.fixture
def wsgi(published):
    """The app as a WSGI server calls it: no test client to drop HEAD bodies.
    Its request signals must not close the test's connection (as in
    tests/registry/test_api_fuzz.py)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    handler = WSGIHandler()

    def call(method: str, url: str) -> tuple[str, dict, bytes]:
        path, _, query = url.partition("?")
        environ = RequestFactory()._base_environ(
            PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method
        )
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, dict(headers)

        body = b"".join(handler(environ, start_response))
        return answer["status"], answer["headers"], body

    yield call
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_head_sends_no_body_from_the_app_itself(wsgi, published):
    for url in [*_urls(published), f"{API}?q=%00"]:
        status, headers, body = wsgi("GET", url)
        head_status, head_headers, head_body = wsgi("HEAD", url)

        assert body and not head_body, url
        assert head_status == status, url
        assert head_headers["Content-Type"] == headers["Content-Type"], url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", API),
        ("delete", API),
        ("put", f"{API}OTOP-2569-50-000001/"),
        ("delete", f"{API}OTOP-2569-50-000001/"),
    ],
)
def test_a_method_the_api_does_not_take_is_a_json_405(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "GET" in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/nonexistent/", "/api/", "/api/registry/x/y/", f"{API}OTOP-2500/"]
)
def test_an_unknown_api_address_is_a_json_404(client, url):
    for response in (client.get(url), client.head(url)):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
    assert client.get(url).json() == {"detail": "Not Found", "errors": []}


@pytest.mark.django_db
def test_a_server_error_in_the_api_is_a_json_500(published, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("registry.api.entry_data", broken)
    client = Client(raise_request_exception=False)

    for url in (API, f"{API}{published.first().number}/"):
        response = client.get(url)
        assert response.status_code == 500
        assert response["Content-Type"].startswith("application/json")
        assert set(response.json()) == {"detail", "errors"}
        assert client.head(url).status_code == 500


@pytest.mark.django_db
def test_the_503_is_json_in_the_same_shape(client):
    with database_down():
        get, head = client.get(API), client.head(API)

    assert get.status_code == head.status_code == 503
    assert set(get.json()) == {"detail", "errors"}
    assert head["Retry-After"] == "60"


# Pages -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [HUGE, "123456789012345678901234567890", "2", "0", "-1", "1.5", "abc", "%C2%B2"],
)
def test_a_page_that_is_not_from_1_to_the_last_is_a_400(client, published, page):
    url = f"{API}?page={page}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and len(body["errors"]) == 1
    assert body["errors"][0].startswith("หน้า")  # about the page (in Thai)
    if len(page) > 10:  # never sent to the database, where it would overflow
        assert not any(page in query["sql"] for query in queries)
    assert client.head(url).status_code == 400


@pytest.mark.django_db
def test_page_one_exists_even_when_nothing_matches(client, published):
    body = client.get(f"{API}?q=nothing-like-this&page=1").json()

    assert (body["count"], body["page"], body["pages"]) == (0, 1, 1)
    assert client.get(f"{API}?q=nothing-like-this&page=2").status_code == 400


@pytest.mark.django_db
def test_the_last_page_links_back_and_the_one_past_it_is_refused(client, published):
    last = client.get(f"{API}?page_size=2&page=2").json()

    assert last["pages"] == 2 and last["next"] is None
    assert last["previous"].endswith("page=1")
    past = client.get(f"{API}?page_size=2&page=3")
    assert past.status_code == 400
    assert "2" in past.json()["errors"][0]  # names the last page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "shown"),
    [(HUGE, 2), ("3", 2), ("-1", 2), ("0", 2), ("abc", 1), ("1.5", 1), ("%C2%B2", 1)],
)
def test_the_html_registry_shows_the_nearest_page(
    client,
    published,
    monkeypatch,
    page,
    shown,
):
    # People follow links and edit addresses: the page shows the last page
    # (or the first for a page that is not a number), as Paginator.get_page does.
    monkeypatch.setattr("registry.views.PAGE_SIZE", 2)
    url = f"/registry/?page={page}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["page"].number == shown
    if len(page) > 10:
        assert not any(page in query["sql"] for query in queries)
    assert client.head(url).status_code == 200
