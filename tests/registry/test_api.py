import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.buddhist_era import to_be
from registry.models import RegistryEntry
from registry.services import registry_revoke

API = "/api/registry/"
COFFEE = "กาแฟดอยช้างคั่วกลาง"
ENTRY_FIELDS = {
    "number",
    "url",
    "name_th",
    "name_en",
    "description",
    "story",
    "category",
    "stars",
    "score",
    "round",
    "producer",
    "location",
    "photo_url",
    "thumbnail_url",
    "certificates",
    "published_at",
    "revoked",
    "revoked_at",
    "revoke_reason",
}


def names(client, params: str = "") -> list[str]:
    response = client.get(f"{API}?{params}")
    assert response.status_code == 200, response.content
    return sorted(entry["name_th"] for entry in response.json()["results"])


def revoke(entry: RegistryEntry) -> RegistryEntry:
    registrar = User.objects.get(username="registrar")
    return registry_revoke(actor=registrar, entry=entry, reason="เอกสารไม่ถูกต้อง")


@pytest.mark.django_db
def test_list_is_open_json_with_the_documented_fields(client, published):
    response = client.get(API)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["count"] == 3
    assert body["next"] is None and body["previous"] is None
    entry = next(e for e in body["results"] if e["name_th"] == COFFEE)
    assert set(entry) == ENTRY_FIELDS
    assert entry["number"].startswith("OTOP-")
    assert entry["url"] == f"http://testserver/registry/{entry['number']}/"
    assert entry["round"] == to_be(published.get(name_th=COFFEE).round_year)
    assert entry["location"]["province"] == {
        "code": "50",
        "name_th": "เชียงใหม่",
        "name_en": "Chiang Mai",
    }
    assert entry["location"]["region"] == "north"
    assert 1 <= entry["stars"] <= 5


@pytest.mark.django_db
def test_detail_by_number_and_unknown_number(client, published):
    entry = published.get(name_th=COFFEE)

    body = client.get(f"{API}{entry.number}/").json()
    assert body["number"] == entry.number
    assert body["name_th"] == COFFEE
    assert body["revoked"] is False

    missing = client.get(f"{API}OTOP-2569-50-999999/")
    assert missing.status_code == 404
    assert "detail" in missing.json()


@pytest.mark.django_db
def test_revoked_entry_leaves_the_list_but_answers_as_revoked(client, published):
    entry = revoke(published.get(name_th=COFFEE))

    assert COFFEE not in names(client)
    body = client.get(f"{API}{entry.number}/").json()
    assert body["revoked"] is True
    assert body["revoke_reason"] == "เอกสารไม่ถูกต้อง"
    assert body["revoked_at"]


@pytest.mark.django_db
def test_every_filter_and_their_combination(client, published):
    coffee = published.get(name_th=COFFEE)
    everything = names(client)
    assert len(everything) == 3

    assert names(client, "q=ดอยช้าง") == [COFFEE]
    assert names(client, "province=50") == everything
    assert names(client, "province=57") == []
    assert names(client, f"amphoe={coffee.amphoe_code}") == sorted(
        published.filter(amphoe_code=coffee.amphoe_code).values_list(
            "name_th", flat=True
        )
    )
    assert COFFEE in names(client, f"category={coffee.type_code}")
    assert COFFEE in names(client, f"category={coffee.category_code}")
    assert COFFEE in names(client, f"stars={coffee.stars}")
    assert names(client, f"round={to_be(coffee.round_year)}") == everything
    assert names(client, f"round={to_be(coffee.round_year) - 1}") == []
    combined = (
        f"province=50&amphoe={coffee.amphoe_code}&category={coffee.type_code}"
        f"&stars={coffee.stars}&round={to_be(coffee.round_year)}&q=ดอยช้าง"
    )
    assert names(client, combined) == [COFFEE]
    assert names(client, f"{combined}&stars={6 - coffee.stars}") in ([], [COFFEE])


@pytest.mark.django_db
def test_sorts(client, published):
    def order(sort: str) -> list[str]:
        return [e["number"] for e in client.get(f"{API}?sort={sort}").json()["results"]]

    by_name = sorted(published, key=lambda e: e.name_th)
    assert order("name") == [e.number for e in by_name]
    newest = sorted(published, key=lambda e: (e.published_at, e.pk), reverse=True)
    assert order("newest") == [e.number for e in newest]
    stars = [e["stars"] for e in client.get(f"{API}?sort=stars").json()["results"]]
    assert stars == sorted(stars, reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        "province=5",
        "province=99",
        "amphoe=abcd",
        "amphoe=5099",
        "category=NOPE",
        "stars=6",
        "stars=abc",
        "round=99",
        "sort=price",
        "page=0",
        "page=x",
        "page=%C2%B2",  # a digit to str.isdigit(), not to int()
        "page=2",  # past the last page
        "page=99999999999999999999999",
        "page_size=101",
    ],
)
def test_bad_or_unknown_filter_is_400_with_a_message(client, published, params):
    response = client.get(f"{API}?{params}")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert len(body["errors"]) == 1 and body["errors"][0]


@pytest.mark.django_db
def test_pages_link_next_and_previous(client, published):
    first = client.get(f"{API}?province=50&page_size=2").json()
    assert first["count"] == 3 and first["pages"] == 2
    assert first["previous"] is None
    assert "page=2" in first["next"] and "province=50" in first["next"]

    second = client.get(first["next"]).json()
    assert second["next"] is None
    assert "page=1" in second["previous"]
    numbers = {e["number"] for e in first["results"] + second["results"]}
    assert numbers == set(published.values_list("number", flat=True))

    beyond = client.get(f"{API}?province=50&page_size=2&page=3")
    assert beyond.status_code == 400  # as a page that is not a number is


@pytest.mark.django_db
def test_answers_are_cacheable_and_revalidate(client, published):
    first = client.get(f"{API}?province=50")
    assert first["ETag"] and first["Last-Modified"]
    assert "max-age" in first["Cache-Control"] and "public" in first["Cache-Control"]

    same = client.get(f"{API}?province=50", HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304
    since = client.get(
        f"{API}?province=50", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert since.status_code == 304
    other_filter = client.get(f"{API}?province=57", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other_filter.status_code == 200

    revoke(published.get(name_th=COFFEE))
    changed = client.get(f"{API}?province=50", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed.json()["count"] == 2


@pytest.mark.django_db
def test_detail_revalidates_until_revoked(client, published):
    entry = published.get(name_th=COFFEE)
    url = f"{API}{entry.number}/"
    first = client.get(url)

    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    revoke(entry)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.django_db
def test_query_counts_are_constant(client, published):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    entry = published.first()
    cold = count(f"{API}?province=50")  # codes, stamp, count, rows
    cached = count(f"{API}?province=50")  # the stamp; the page is cached
    detail = count(f"{API}{entry.number}/")
    for other in published.exclude(pk=entry.pk):
        revoke(other)
    cache.clear()

    assert count(f"{API}?province=50") == cold <= 4
    assert count(f"{API}?province=50") == cached == 1
    assert count(f"{API}{entry.number}/") == detail == 1


@pytest.mark.django_db
def test_a_cached_page_keeps_the_callers_host_in_its_links(client, published):
    first = client.get(f"{API}?page_size=1").json()
    other = client.get(f"{API}?page_size=1", HTTP_HOST="localhost").json()

    assert first["next"].startswith("http://testserver/")
    assert other["next"].startswith("http://localhost/")
    assert other["results"][0]["url"].startswith("http://localhost/")


@pytest.mark.django_db
def test_openapi_schema_documents_the_api(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/registry/" in schema["paths"]
    assert "/api/registry/{number}/" in schema["paths"]
    parameters = {
        p["name"] for p in schema["paths"]["/api/registry/"]["get"]["parameters"]
    }
    assert {"province", "amphoe", "category", "stars", "round", "q", "sort"} <= (
        parameters
    )
    entry = schema["components"]["schemas"]["Entry"]["properties"]
    assert set(entry) == ENTRY_FIELDS


@pytest.mark.django_db
def test_docs_page_uses_local_assets(client):
    html = client.get("/api/docs/").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_api_is_read_only(client, published):
    assert client.post(API, {}).status_code == 405
    entry = published.first()
    assert client.delete(f"{API}{entry.number}/").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "portal"),
    [("th", "ระบบคัดสรรผลิตภัณฑ์ OTOP"), ("en", "OTOP Selection Portal")],
)
def test_the_docs_page_links_back_to_the_portal(client, language, portal):
    client.cookies["django_language"] = language

    html = client.get("/api/docs/").content.decode()

    assert f'<html lang="{language}">' in html
    assert 'id="back-to-portal"' in html
    assert re.search(f'<a href="/" id="back-to-portal">{portal}</a>', html)
    assert 'href="/registry/"' in html
    assert "/static/css/api-docs.css" in html
    assert 'id="swagger-ui"' in html  # Swagger UI still has its mount point
