"""Hostile input in the address (core.middleware.RefuseHostileInputMiddleware):
a control character, bytes that are not UTF-8 or an absurd length in the path
or the query string is a 400 before any view, with the bilingual page (Thai
first) or the API's JSON. NUL is the sharp case: PostgreSQL refuses it in a
text literal (a 500 before), SQLite silently dropped the filter (a 200)."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communities.models import Producer
from tests.accounts.factories import UserFactory
from tests.communities.factories import officer_for, producer_data, tambon

THAI = "คำขอมีอักขระที่ใช้ไม่ได้"
ENGLISH = "The request contains characters that cannot be used."
DETAIL = f"{THAI} · {ENGLISH}"

NUL_IN_THE_QUERY = [
    "/registry/?q=%00",
    "/registry/?category=%00",
    "/registry/?q=%E0%B8%94%00",  # after Thai text
    "/registry/export.csv?q=%00",
    "/registry/export.xlsx?q=%00",
    "/committees/conflicts/?q=%00",
    "/?q=%00",
    "/registry/?%00=1",  # in a key
    "/plans/?round=%00",
    "/start/?next=%00",
    "/accounts/login/?next=%00",
    "/accounts/password_reset/?%00=1",
    "/accounts/password_change/?next=%00",
]
OTHER_CONTROLS = [
    "/registry/?q=a%01b",  # C0
    "/registry/?q=%1B%5B2J",  # ESC, a terminal escape
    "/registry/?q=%7F",  # DEL
    "/registry/?q=%C2%85",  # C1: NEXT LINE
    "/registry/?q=%C2%9F",  # C1: the last one
    "/registry/%00/",
    "/registry/%00/certificate/",
    "/registry/a%0Ab/",  # no path holds even a newline
    "/registry/a%09b/",
    "/admin/selection/queuenomination/%00/score/",
]
NOT_UTF8 = [
    "/registry/?q=%FF",
    "/registry/?q=%C3",  # a sequence cut short
    "/registry/?q=%ED%A0%80",  # an encoded surrogate
    "/registry/?q=%C0%AF",  # an overlong "/"
    "/registry/%FF/",
    "/plans/?round=%FF",
    "/accounts/reset/%FF/set-password/",
]


def bilingual_400(response) -> None:
    assert response.status_code == 400, response.status_code
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert page.index(THAI) < page.index(ENGLISH)  # Thai first, then English
    assert '<html lang="th">' in page
    assert "css/site.css" in page  # the portal's look
    assert 'href="/"' in page


@pytest.fixture
def browser(db):
    """A signed-in user, so that the pages behind a login are reached too."""
    browser = Client(raise_request_exception=False)
    browser.force_login(UserFactory())
    return browser


@pytest.mark.parametrize("url", NUL_IN_THE_QUERY + OTHER_CONTROLS + NOT_UTF8)
def test_a_hostile_address_is_a_bilingual_400(browser, published, url):
    bilingual_400(browser.get(url))
    assert browser.head(url).status_code == 400


@pytest.mark.parametrize(
    "url", ["/api/registry/?q=%00", "/api/registry/%00/", "/api/registry/?q=%FF"]
)
def test_a_hostile_address_in_the_api_is_a_json_400(client, published, url):
    response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"] == DETAIL
    assert len(body["errors"]) == 1 and body["errors"][0]
    assert client.head(url).status_code == 400


def test_the_api_names_the_parameter_and_the_character(client, db):
    body = client.get("/api/registry/?province=50&q=a%00b").json()

    assert body["errors"] == ["q: holds a control character (U+0000)"]


def test_raw_bytes_that_are_not_utf8_are_a_400(browser):
    # Not percent-encoded: the WSGI server hands the byte over as it came.
    response = browser.get("/registry/", QUERY_STRING="q=\xff")

    bilingual_400(response)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/registry/?q=" + "ก" * 1000, 200),
        ("/registry/?q=" + "ก" * 1001, 400),
        ("/registry/?" + "q" * 1001 + "=1", 400),
        ("/registry/" + "a" * 1989 + "/", 404),  # 2,000 characters in all
        ("/registry/" + "a" * 1990 + "/", 400),
        ("/registry/?" + "&".join(f"f{i}=1" for i in range(1001)), 400),
    ],
)
def test_absurd_lengths_are_a_400(client, db, url, status):
    response = client.get(url)

    assert response.status_code == status
    if status == 400:
        assert "คำขอยาวเกินกว่าที่ระบบรับได้" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "q=%E0%B8%94%E0%B8%AD%E0%B8%A2%E0%B8%8A%E0%B9%89%E0%B8%B2%E0%B8%87",
        "q=%E0%B8%94%E0%B8%AD%E0%B8%A2%0D%0A",  # a pasted line: CR LF
        "q=%09%E0%B8%94%E0%B8%AD%E0%B8%A2",  # TAB
        "q=%F0%9F%8D%B5",  # an emoji: four bytes, still text
    ],
)
def test_ordinary_text_passes(client, published, query):
    response = client.get(f"/registry/?{query}")

    assert response.status_code == 200
    assert [e.name_th for e in response.context["page"]] in (
        [],
        ["กาแฟดอยช้างคั่วกลาง"],
    )


def test_a_search_with_thai_text_still_finds(client, published):
    response = client.get("/registry/", {"q": "ดอยช้าง"})

    assert [e.name_th for e in response.context["page"]] == ["กาแฟดอยช้างคั่วกลาง"]


def test_the_400_asks_nothing_of_the_database_or_the_session(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/registry/?q=%00")

    assert response.status_code == 400
    assert len(queries) == 0
    assert not response.cookies


def test_the_csv_download_no_longer_dies_after_its_header(client, published):
    response = client.get("/registry/export.csv?q=%00")

    assert response.status_code == 400
    assert not response.streaming


def test_a_nul_in_a_form_field_is_a_form_error(client, geography):
    # POST bodies are the forms' business: CharField refuses NUL
    # (ProhibitNullCharactersValidator), so PostgreSQL never sees one.
    area = tambon("100101")
    client.force_login(officer_for(area, username="officer-nul"))
    data = producer_data(area, name_th="วิสาหกิจ\x00ชุมชน", name_en="Null\x00Weavers")

    response = client.post("/officer/producers/new/", data)

    assert response.status_code == 200
    assert "name_th" in response.context["form"].errors
    assert not Producer.objects.exists()


# Numbers in query strings and form bodies that str.isdigit() lets through but
# int() refuses ("²") or reads as another number ("๕"): a 400, a notice or no
# filter, never a 500.
JUNK_NUMBERS = ["²", "๕", "²⁵⁶⁹", "123456789012345678901234567890", "-1", "1.5"]
NUMBER_PARAMETERS = [
    "/officer/products/?producer={}",
    "/officer/products/new/?producer={}",
    "/officer/nominations/new/?product={}",
    "/dashboard/?round={}",
    "/plans/?round={}",
    "/registry/?round={}",
    "/registry/?province={}",
    "/registry/?amphoe={}",
    "/registry/?stars={}",
    "/api/registry/?round={}",
    "/api/registry/?page={}",
    "/api/registry/?page_size={}",
]


@pytest.mark.parametrize("junk", JUNK_NUMBERS)
def test_junk_numbers_in_query_strings_are_never_a_500(central_staff, junk):
    staff = Client(raise_request_exception=False)
    staff.force_login(central_staff)
    answers = {}
    for pattern in NUMBER_PARAMETERS:
        url = pattern.format(quote(junk))
        for method in (staff.get, staff.head):
            answers[(method.__name__, url)] = method(url).status_code
    assert {k: v for k, v in answers.items() if v >= 500} == {}


@pytest.mark.parametrize("junk", ["²", "๕", "abc"])
def test_junk_numbers_in_the_publish_form_are_a_message(central_staff, junk):
    staff = Client(raise_request_exception=False)
    staff.force_login(central_staff)
    url = "/admin/registry/registryentry/publish/"
    for data in ({"round": junk}, {"one": junk}, {"nomination": [junk, "1"]}):
        response = staff.post(url, data, follow=True)
        assert response.status_code == 200, data
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
