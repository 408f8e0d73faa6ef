import pytest
from django.conf import settings

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

THAI_TITLE = "ระบบคัดสรรผลิตภัณฑ์ OTOP"
ENGLISH_TITLE = "OTOP Selection Portal"


def test_home_page_is_thai_by_default(client):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th">' in html
    assert THAI_TITLE in html
    assert "เข้าสู่ระบบ" in html  # log in


def test_every_page_credits_geothai(client):
    html = client.get("/").content.decode()
    assert "GeoThai" in html
    assert "CC BY 4.0" in html


def test_switching_to_english_changes_the_page_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert ENGLISH_TITLE in html
    assert THAI_TITLE not in html


def test_switching_back_to_thai(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})

    assert '<html lang="th">' in client.get("/").content.decode()


def test_an_unknown_language_is_ignored(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    assert '<html lang="th">' in client.get("/").content.decode()


def test_switch_never_redirects_off_site(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_signed_in_user_sees_their_preferred_language(client):
    client.force_login(UserFactory(preferred_language="en"))

    assert '<html lang="en">' in client.get("/").content.decode()


def test_switching_language_is_remembered_on_the_profile(client):
    user = UserFactory(preferred_language="th")
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_the_language_cookie_wins_over_the_profile(client):
    client.force_login(UserFactory(preferred_language="en"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"

    assert '<html lang="th">' in client.get("/").content.decode()


def test_login_page_has_a_way_back_home(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/"' in html
    assert "ชื่อผู้ใช้" in html  # Django's own Thai label for "username"


def test_logging_in_and_out(client):
    user = UserFactory(username="somsri", display_name="สมศรี ใจดี")

    response = client.post(
        "/accounts/login/", {"username": "somsri", "password": PASSWORD}
    )
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert user.display_name in html
    assert "ออกจากระบบ" in html  # log out

    client.post("/accounts/logout/")
    assert user.display_name not in client.get("/").content.decode()


def test_a_wrong_password_gets_a_clear_thai_message(client):
    UserFactory(username="somsri")

    response = client.post("/accounts/login/", {"username": "somsri", "password": "x"})

    assert response.status_code == 200
    assert "รหัสผ่านที่ถูกต้อง" in response.content.decode()  # "a correct password"


def test_unknown_pages_answer_a_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert 'href="/"' in response.content.decode()


def test_an_english_browser_still_gets_thai_until_someone_chooses(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="th">' in response.content.decode()
