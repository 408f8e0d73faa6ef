"""Login throttling (django-axes): five failures for one username from one
address lock that pair for 15 minutes, on the login page and the admin's."""

import datetime as dt
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from accounts.throttling import client_ip, login_attempts_unlock
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
HOME = "10.1.1.1"
ELSEWHERE = "10.2.2.2"


def attempt(client, username, password, *, ip=HOME, path=LOGIN, **extra):
    return client.post(
        path, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def fail(client, username, times, *, ip=HOME, path=LOGIN):
    return [
        attempt(client, username, "wrong", ip=ip, path=path).status_code
        for _ in range(times)
    ]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def later(minutes: float):
    """Move axes' clock (the time it stamps each attempt with and measures the
    cool-off from) forward by ``minutes``."""
    moved = timezone.now() + dt.timedelta(minutes=minutes)
    return mock.patch("axes.handlers.proxy.now", return_value=moved)


@pytest.fixture
def somsri():
    return UserFactory(username="somsri")


def test_four_failures_still_let_the_fifth_try_in(client, somsri):
    assert fail(client, "somsri", 4) == [200] * 4

    response = attempt(client, "somsri", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_the_fifth_failure_locks_the_login_with_a_429_page(client, somsri):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    statuses = fail(client, "somsri", 5)

    assert statuses == [200, 200, 200, 200, 429]
    response = attempt(client, "somsri", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Login locked for 15 minutes" in html
    assert "wrong 5 times in a row" in html
    assert "provincial community development office" in html
    assert 'href="/"' in html  # a way back


def test_the_lockout_page_is_thai_by_default(client, somsri):
    fail(client, "somsri", 5)

    response = attempt(client, "somsri", PASSWORD)

    assert response.status_code == 429
    assert '<html lang="th">' in response.content.decode()


def test_another_address_is_not_locked(client, somsri):
    fail(client, "somsri", 5, ip=HOME)

    response = attempt(client, "somsri", PASSWORD, ip=ELSEWHERE)

    assert response.status_code == 302
    assert logged_in(client)


def test_another_username_from_the_same_address_is_not_locked(client, somsri):
    UserFactory(username="somchai")
    fail(client, "somsri", 5)

    response = attempt(client, "somchai", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_the_lock_lasts_15_minutes_then_lifts(client, somsri):
    fail(client, "somsri", 5)

    with later(14):
        assert attempt(client, "somsri", PASSWORD).status_code == 429
    with later(15.05):
        response = attempt(client, "somsri", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_attempts_while_locked_do_not_extend_the_lock(client, somsri):
    fail(client, "somsri", 5)
    with later(10):
        assert fail(client, "somsri", 3) == [429] * 3

    with later(15.05):
        assert attempt(client, "somsri", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, somsri):
    fail(client, "somsri", 4)
    assert attempt(client, "somsri", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="somsri").exists()
    client.logout()

    assert fail(client, "somsri", 4) == [200] * 4
    assert attempt(client, "somsri", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client):
    UserFactory(username="admin-staff", is_staff=True, is_superuser=True)

    statuses = fail(client, "admin-staff", 5, path=ADMIN_LOGIN)

    assert statuses == [200, 200, 200, 200, 429]
    response = attempt(client, "admin-staff", PASSWORD, path=ADMIN_LOGIN)
    assert response.status_code == 429
    assert not logged_in(client)


def test_failures_on_both_login_pages_count_together(client, somsri):
    fail(client, "somsri", 3, path=LOGIN)
    fail(client, "somsri", 2, path=ADMIN_LOGIN)

    assert attempt(client, "somsri", PASSWORD).status_code == 429


def test_a_forged_x_forwarded_for_does_not_dodge_the_lock(client, somsri):
    for n in range(5):
        attempt(client, "somsri", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = attempt(client, "somsri", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429


# The address axes counts against.


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post(LOGIN, REMOTE_ADDR=remote, **extra)


def test_without_a_proxy_the_address_is_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


def test_behind_one_proxy_the_address_is_the_one_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client sent "1.2.3.4" itself; the proxy appended what it saw.
    request = request_from("10.0.0.1", "1.2.3.4, 203.0.113.7")

    assert client_ip(request) == "203.0.113.7"


def test_behind_two_proxies_the_outer_one_is_believed(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    request = request_from("10.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.9")

    assert client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address"])
def test_behind_a_proxy_a_missing_or_bad_header_falls_back(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("10.0.0.1", forwarded)) == "10.0.0.1"


def test_behind_a_proxy_each_client_address_is_locked_apart(client, settings, somsri):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"ip": "10.0.0.1"}
    for _ in range(5):
        attempt(client, "somsri", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)

    locked = attempt(
        client, "somsri", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy
    )
    other = attempt(
        client, "somsri", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy
    )

    assert locked.status_code == 429
    assert other.status_code == 302


# Unlocking from the admin.

CHANGELIST = "/admin/axes/accessattempt/"


def unlock(client, *attempts):
    return client.post(
        CHANGELIST,
        {
            "action": "unlock",
            "_selected_action": [a.pk for a in attempts],
            "index": 0,
        },
    )


def test_the_admin_unlock_action_lifts_the_lock(client, somsri, central_staff):
    fail(client, "somsri", 5)
    fail(client, "somsri", 2, ip=ELSEWHERE)
    locked = AccessAttempt.objects.get(username="somsri", ip_address=HOME)
    staff = client.__class__()
    staff.force_login(central_staff)

    response = unlock(staff, locked)

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(pk=locked.pk).exists()
    # Only the selected pair: the other address keeps its two failures.
    assert AccessAttempt.objects.get(ip_address=ELSEWHERE).failures_since_start == 2
    assert attempt(client, "somsri", PASSWORD).status_code == 302


def test_staff_who_may_only_view_attempts_cannot_unlock(client, somsri):
    fail(client, "somsri", 5)
    locked = AccessAttempt.objects.get(username="somsri")
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="axes", codename="view_accessattempt"
        )
    )
    staff = client.__class__()
    staff.force_login(viewer)

    assert staff.get(CHANGELIST).status_code == 200
    unlock(staff, locked)

    assert AccessAttempt.objects.filter(pk=locked.pk).exists()
    assert attempt(client, "somsri", PASSWORD).status_code == 429


def test_the_unlock_service_checks_the_permission(client, somsri, central_staff):
    fail(client, "somsri", 5)
    attempts = AccessAttempt.objects.filter(username="somsri")

    with pytest.raises(PermissionDenied):
        login_attempts_unlock(attempts=attempts, actor=UserFactory(is_staff=True))

    assert attempts.exists()
    assert login_attempts_unlock(attempts=attempts, actor=central_staff) == 1
    assert not attempts.exists()
