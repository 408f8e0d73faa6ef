import csv
import io
import json
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.buddhist_era import to_be
from registry.models import RegistryEntry
from registry.services import registry_revoke

COFFEE = "กาแฟดอยช้างคั่วกลาง"
LIST = "/registry/"


def _text(response) -> str:
    """The page without its tags: Thai names are marked up word by word."""
    return re.sub("<[^>]+>", "", response.content.decode())


def listed(client, params: str = "") -> list[str]:
    response = client.get(f"{LIST}?{params}")
    assert response.status_code == 200
    return sorted(entry.name_th for entry in response.context["page"].object_list)


def revoke(entry: RegistryEntry, reason: str = "ปลอมแปลงเอกสาร") -> RegistryEntry:
    registrar = User.objects.get(username="registrar")
    return registry_revoke(actor=registrar, entry=entry, reason=reason)


def csv_rows(response) -> list[dict]:
    assert response.streaming  # large results never sit in memory whole
    content = response.getvalue()
    assert content.startswith("\ufeff".encode())  # so Excel reads UTF-8
    text = content.decode("utf-8")[1:]
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_anonymous_visitor_sees_the_published_entries(client, published):
    response = client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    text = _text(response)
    for entry in published:
        assert entry.name_th in text
        assert entry.number in html
        assert f"/registry/{entry.number}/" in html
    assert "★" in html


@pytest.mark.django_db
def test_thai_search_finds_only_the_coffee(client, published):
    assert listed(client, "q=ดอยช้าง") == [COFFEE]


@pytest.mark.django_db
def test_each_filter_narrows_the_list(client, published):
    everything = sorted(e.name_th for e in published)
    entry = published.get(name_th=COFFEE)
    same_stars = sorted(e.name_th for e in published.filter(stars=entry.stars))

    assert listed(client, "province=50") == everything
    assert listed(client, "province=57") == []
    assert listed(client, "province=50&amphoe=5001") == everything
    assert listed(client, "amphoe=5002") == []
    assert listed(client, "category=FOOD") == everything
    assert listed(client, "category=HANDICRAFT") == []
    assert listed(client, f"stars={entry.stars}") == same_stars
    assert listed(client, f"round={to_be(entry.round_year)}") == everything
    assert listed(client, f"round={to_be(entry.round_year) + 1}") == []
    assert listed(client, f"province=50&stars={entry.stars}&q=ดอยช้าง") == [COFFEE]


@pytest.mark.django_db
def test_facets_show_counts_and_keep_the_other_filters(client, published):
    html = client.get(f"{LIST}?q=ดอยช้าง").content.decode()

    assert "เชียงใหม่" in html
    assert re.search(r"href=\"\?q=[^\"]*province=50\"", html)
    assert "(1)" in html
    assert "เมืองเชียงใหม่" in client.get(f"{LIST}?province=50").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("params", ["stars=9", "province=xx", "round=99&sort=price"])
def test_bad_filter_values_give_a_notice_not_an_error(client, published, params):
    response = client.get(f"{LIST}?{params}")

    assert response.status_code == 200
    assert b"registry-problems" in response.content
    assert len(response.context["page"].object_list) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", ["province=99", "amphoe=5099", "category=NOPE", "province=50&amphoe=9999"]
)
def test_unknown_codes_give_a_notice_and_nothing(client, published, params):
    response = client.get(f"{LIST}?{params}")

    assert response.status_code == 200
    assert b"registry-unknown" in response.content
    assert len(response.context["page"].object_list) == 0


@pytest.mark.django_db
def test_nothing_matching_shows_the_empty_state(client, published):
    response = client.get(f"{LIST}?q=ไม่มีสินค้านี้")

    assert response.status_code == 200
    assert b"registry-empty" in response.content


@pytest.mark.django_db
def test_pages_keep_the_filters(client, published, monkeypatch):
    monkeypatch.setattr("registry.views.PAGE_SIZE", 2)

    html = client.get(f"{LIST}?province=50&sort=name").content.decode()

    assert "?province=50&amp;sort=name&amp;page=2" in html
    page_two = client.get(f"{LIST}?province=50&sort=name&page=2")
    assert len(page_two.context["page"].object_list) == 1


@pytest.mark.django_db
def test_revoked_entry_leaves_lists_and_exports_but_keeps_its_page(
    client,
    published,
):
    entry = revoke(published.get(name_th=COFFEE))

    assert COFFEE not in listed(client)
    assert COFFEE not in [
        r["name_th"] for r in csv_rows(client.get(f"{LIST}export.csv"))
    ]
    response = client.get(f"/registry/{entry.number}/")
    assert response.status_code == 200
    assert b"registry-revoked" in response.content
    assert "ปลอมแปลงเอกสาร" in response.content.decode()


@pytest.mark.django_db
def test_detail_page_is_shareable(client, published):
    entry = published.get(name_th=COFFEE)

    response = client.get(f"/registry/{entry.number}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{COFFEE} {'★' * entry.stars} ·" in html
    assert 'property="og:title"' in html
    assert 'property="og:type" content="product"' in html
    assert f'content="http://testserver/registry/{entry.number}/"' in html
    assert 'property="og:image" content="http://testserver/' in html
    data = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    ).group(1)
    product = json.loads(data)
    assert product["@type"] == "Product"
    assert product["name"] == COFFEE
    assert product["productID"] == entry.number
    assert entry.certificates[0]["number"] in html


@pytest.mark.django_db
def test_json_ld_cannot_close_the_script_element(client, published):
    entry = published.get(name_th=COFFEE)
    RegistryEntry.objects.filter(pk=entry.pk).update(
        description="</script><script>alert(1)</script>"
    )

    html = client.get(f"/registry/{entry.number}/").content.decode()

    assert "<script>alert(1)" not in html


@pytest.mark.django_db
def test_unknown_number_is_404(client, published):
    assert client.get("/registry/OTOP-2569-50-999999/").status_code == 404
    assert client.get("/registry/OTOP-2569-50-999999/certificate/").status_code == 404


@pytest.mark.django_db
def test_certificate_page_prints_the_entry(client, published):
    entry = published.get(name_th=COFFEE)

    response = client.get(f"/registry/{entry.number}/certificate/")

    assert response.status_code == 200
    html = response.content.decode()
    assert COFFEE in html and entry.number in html
    assert str(to_be(entry.round_year)) in html


@pytest.mark.django_db
def test_csv_export_has_the_filtered_rows_in_thai(client, published):
    response = client.get(f"{LIST}export.csv?q=ดอยช้าง&stars=9")

    assert response.status_code == 200
    rows = csv_rows(response)
    assert [row["name_th"] for row in rows] == [COFFEE]
    entry = published.get(name_th=COFFEE)
    assert rows[0]["number"] == entry.number
    assert rows[0]["province_th"] == "เชียงใหม่"
    assert rows[0]["round_year_be"] == str(to_be(entry.round_year))
    assert len(csv_rows(client.get(f"{LIST}export.csv?province=57"))) == 0


@pytest.mark.django_db
def test_csv_export_neutralises_formulas_and_round_trips_thai(client, published):
    entry = published.get(name_th=COFFEE)
    RegistryEntry.objects.filter(pk=entry.pk).update(
        name_en='=HYPERLINK("http://evil")', producer_name_th='กลุ่ม "แม่บ้าน", ดอยช้าง'
    )

    row = next(
        r
        for r in csv_rows(client.get(f"{LIST}export.csv"))
        if r["number"] == entry.number
    )

    assert row["name_en"] == '\'=HYPERLINK("http://evil")'
    assert row["producer_name_th"] == 'กลุ่ม "แม่บ้าน", ดอยช้าง'
    assert row["name_th"] == COFFEE


@pytest.mark.django_db
def test_xlsx_export_opens(client, published):
    response = client.get(f"{LIST}export.xlsx?province=50")

    assert response.status_code == 200
    assert response.streaming
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "number"
    assert len(rows) == 4
    assert COFFEE in [row[1] for row in rows]


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_entries(client, published):
    def count(params: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{LIST}?{params}").status_code == 200
        return len(queries)

    with_three = count("")
    with_three_in_province = count("province=50")
    for entry in published.exclude(name_th=COFFEE):
        revoke(entry)

    cache.clear()
    assert count("") == with_three
    assert count("province=50") == with_three_in_province
    assert with_three <= 5, with_three
    assert with_three_in_province <= 5, with_three_in_province


@pytest.mark.django_db
def test_list_answers_from_the_cache_until_the_registry_changes(client, published):
    client.get(f"{LIST}?province=50")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(f"{LIST}?province=50")
    assert len(queries) == 1  # the registry's stamp: the page itself is cached
    assert COFFEE in _text(again)

    revoke(published.get(name_th=COFFEE))
    response = client.get(f"{LIST}?province=50")
    assert COFFEE not in _text(response)
    assert response.context["page"].paginator.count == 2


@pytest.mark.django_db
def test_a_cached_page_carries_each_visitors_own_csrf_token(published):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(LIST)
    page = second.get(LIST)  # from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    switched = second.post(
        "/i18n/setlang/", {"language": "en", "next": LIST, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert "Product registry" in second.get(LIST).text  # English, its own entry


@pytest.mark.django_db
def test_signed_in_users_never_get_the_visitors_page(client, published):
    client.get(LIST)  # cached for visitors
    user = User.objects.get(username="registrar")
    client.force_login(user)

    page = client.get(LIST).content.decode()

    assert user.get_short_name() in page
    assert 'action="/accounts/logout/"' in page


@pytest.mark.django_db
def test_detail_query_count_is_constant(client, published):
    def count(entry: RegistryEntry) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{LIST}{entry.number}/").status_code == 200
        return len(queries)

    coffee = published.get(name_th=COFFEE)
    alone = count(coffee)
    RegistryEntry.objects.exclude(pk=coffee.pk).update(product=coffee.product)

    assert count(coffee) == alone <= 2  # the entry, the product's other rounds
