"""Password reset and change (issue #20 item 6): the portal's pages in Thai
and English, linked from the login page, the reset email sent through the
outbox (notifications.delivery) with its link made only as it goes out."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from notifications.delivery import deliveries_send_due
from notifications.models import Delivery, EventType, Notification
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"
NEW_PASSWORD = "ข้าวหอมมะลิ-2570-ดอยคำ"
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^\s\"<]+/)")


@pytest.fixture(autouse=True)
def worker_in_process(monkeypatch):
    """The delivery task runs here after commit, as it does with no broker,
    also when CI sets one (its worker runs only for the broker tests)."""
    monkeypatch.setattr(
        "notifications.services.enqueue_delivery", lambda: deliveries_send_due()
    )


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for a reset as a visitor, the after-commit delivery run."""

    def ask(email: str, browser=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (browser or client).post(RESET, {"email": email})

    return ask


@pytest.fixture
def somchai():
    return UserFactory(
        username="somchai", email="somchai@example.go.th", preferred_language="th"
    )


def reset_link(message) -> str:
    return LINK.search(message.body)[1]


def test_the_login_page_links_to_the_reset_page(client):
    page = client.get("/accounts/login/").content.decode()

    assert f'href="{RESET}"' in page
    assert "ลืมรหัสผ่าน" in page


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_reset_page_is_the_portals_own_in_thai(client, method):
    response = getattr(client, method)(RESET)

    assert response.status_code == 200
    if method == "get":
        page = response.content.decode()
        assert "Django" not in page
        assert "css/site.css" in page
        assert 'class="breadcrumbs"' in page
        assert "ลืมรหัสผ่าน" in page and "ส่งลิงก์" in page


def test_the_reset_page_in_english(client):
    client.cookies["django_language"] = "en"

    page = client.get(RESET).content.decode()

    assert "Forgot your password?" in page
    assert "Send the link" in page


def test_a_reset_goes_through_the_outbox_and_the_link_sets_a_new_password(
    client, somchai, ask
):
    response = ask("SOMCHAI@example.go.th")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    delivery = Delivery.objects.get(event_type=EventType.PASSWORD_RESET)
    assert delivery.address == somchai.email
    assert delivery.status == Delivery.Status.SENT  # in-process, after commit
    assert delivery.language == "th"
    assert "/accounts/reset/" not in str(delivery.context) + delivery.link
    assert not Notification.objects.exists()  # an email, not an inbox item
    (message,) = mail.outbox
    assert message.to == [somchai.email]
    assert message.extra_headers["Message-ID"] == delivery.message_id
    assert "ตั้งรหัสผ่านใหม่" in message.subject  # Thai, the user's language
    assert "somchai" in message.body

    link = reset_link(message)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "ตั้งรหัสผ่านใหม่" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"
    somchai.refresh_from_db()
    assert somchai.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True).content.decode()
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in again  # spent once the password changed


def test_an_english_user_gets_the_email_in_english(ask):
    UserFactory(username="anne", email="anne@example.org", preferred_language="en")

    ask("anne@example.org")

    (message,) = mail.outbox
    assert message.subject == "Set a new password for the OTOP Selection Portal"
    assert "anne" in message.body


def test_a_dead_worker_loses_nothing_the_row_waits_and_the_link_still_works(
    client, somchai, ask, monkeypatch
):
    # The broker is down: the task is never queued.
    monkeypatch.setattr("notifications.services.enqueue_delivery", lambda: None)

    ask(somchai.email)

    delivery = Delivery.objects.get(event_type=EventType.PASSWORD_RESET)
    assert delivery.status == Delivery.Status.PENDING
    assert mail.outbox == []
    assert deliveries_send_due() == 1  # the sweeper's turn
    assert client.get(reset_link(mail.outbox[0])).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(ask, somchai):
    response = ask("nobody@example.go.th")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_asking_twice_at_once_sends_one_email(ask, somchai):
    ask(somchai.email)
    ask(somchai.email)

    assert Delivery.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_reset_email_cannot_be_switched_off_in_the_settings(client, somchai, ask):
    client.force_login(somchai)

    page = client.get("/inbox/settings/").content.decode()
    client.post("/inbox/settings/", {})  # every email off
    ask(somchai.email, browser=Client())

    assert 'value="password_reset"' not in page
    assert len(mail.outbox) == 1


def test_a_signed_in_user_changes_the_password(client, somchai):
    client.force_login(somchai)

    page = client.get("/inbox/").content.decode()
    form = client.get("/accounts/password_change/").content.decode()
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert 'href="/accounts/password_change/"' in page
    assert "เปลี่ยนรหัสผ่าน" in form and "css/site.css" in form
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    assert User.objects.get(pk=somchai.pk).check_password(NEW_PASSWORD)
    assert client.get("/accounts/password_change/done/").status_code == 200


def test_a_wrong_old_password_is_a_form_error_in_thai(client, somchai):
    client.force_login(somchai)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "wrong",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="form-errors"' in page
    assert "รหัสผ่านเก่าผิด" in page
    assert User.objects.get(pk=somchai.pk).check_password(PASSWORD)


def test_the_change_page_needs_a_login(client):
    response = client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("email", ["a\x00b@example.go.th", "x" * 300, "ไม่ใช่อีเมล"])
def test_a_bad_address_is_a_form_error_and_queues_nothing(ask, somchai, email):
    response = ask(email)

    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()
    assert not Delivery.objects.exists()
