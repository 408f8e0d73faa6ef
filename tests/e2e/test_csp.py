"""The Content-Security-Policy in a real browser: Chromium opens the public
pages, the officer's, the admin's and the API docs, and not one of them
breaks the policy (no inline script, style or handler is refused).

Two witnesses per page: Chromium's console ("Refused to apply inline style
because it violates the following Content Security Policy directive…") and
the DOM's ``securitypolicyviolation`` events, recorded by a script Playwright
adds before any of the page's own (so the policy cannot block it).
"""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from products.models import Product
from selection.models import Ranking
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.helpers import PRODUCT, new_page, published_entry, sign_in, t

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
    ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


class Watched:
    """A signed-in (or anonymous) page whose CSP complaints are collected."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(f"{message.type}: {text}")

    def open(self, url: str, ready=None) -> list[str]:
        """Go to ``url``, wait for it to settle; what the policy refused."""
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url}: {response.status}"
        assert response.headers.get("content-security-policy"), url
        if ready is not None:
            ready(self.page)
        self.page.wait_for_load_state("networkidle")
        return self.complaints()

    def complaints(self) -> list[str]:
        events = self.page.evaluate("window.__cspViolations || []")
        found = [*self.console, *events]
        self.console.clear()
        return found


def heading(text):
    return lambda page: expect(page.get_by_role("heading", level=1)).to_contain_text(
        text
    )


def visible(selector):
    return lambda page: expect(page.locator(selector).first).to_be_visible()


def assert_clean(watched: Watched, pages: dict[str, tuple[str, object]], shots):
    refused = {}
    for name, (url, ready) in pages.items():
        found = watched.open(url, ready)
        shots(watched.page, name)
        if found:
            refused[name] = found
    assert not refused, refused


def test_public_and_officer_pages_keep_to_the_policy(
    browser, live_server, chiang_rai, shots
):
    officer, entry = published_entry()
    base = live_server.url

    visitor = Watched(new_page(browser))
    assert_clean(
        visitor,
        {
            "home": (f"{base}/", None),
            "registry list": (f"{base}/registry/", heading(t("OTOP Product Registry"))),
            "registry entry": (f"{base}/registry/{entry.number}/", heading(PRODUCT)),
            "login": (f"{base}/accounts/login/", heading(t("Log in"))),
            "api docs": (f"{base}/api/docs/", visible(".swagger-ui .info")),
        },
        shots,
    )

    page = sign_in(browser, base, officer.username, PASSWORD)
    signed_in = Watched(page)
    assert_clean(
        signed_in,
        {
            "officer dashboard": (f"{base}/officer/", None),
            "officer products": (f"{base}/officer/products/", None),
            "new product form": (f"{base}/officer/products/new/", None),
        },
        shots,
    )


def test_admin_pages_keep_to_the_policy(browser, live_server, chiang_rai, shots):
    officer, entry = published_entry()
    UserFactory(username="h5-admin", is_staff=True, is_superuser=True)
    base = live_server.url
    product = Product.objects.get(name_th=PRODUCT)
    ranking = Ranking.objects.order_by("-pk").first()

    page = sign_in(browser, base, "h5-admin", PASSWORD)
    watched = Watched(page)
    assert_clean(
        watched,
        {
            "admin index": (f"{base}/admin/", visible("#content-main")),
            "product changelist": (
                f"{base}/admin/products/product/",
                visible("#result_list"),
            ),
            "product change form": (
                f"{base}/admin/products/product/{product.pk}/change/",
                visible("#content-main"),
            ),
            "producer changelist": (
                f"{base}/admin/communities/producer/",
                visible("#result_list"),
            ),
            "producer export": (
                f"{base}/admin/communities/producer/export/",
                visible("input.select-toggle"),
            ),
            "user change form": (
                f"{base}/admin/accounts/user/{officer.pk}/change/",
                visible("#content-main"),
            ),
            "registry entry form": (
                f"{base}/admin/registry/registryentry/{entry.pk}/change/",
                visible("#content-main"),
            ),
            "ranking": (
                f"{base}/admin/selection/ranking/{ranking.pk}/change/",
                visible("#result_list"),
            ),
            "access attempts": (f"{base}/admin/axes/accessattempt/", None),
        },
        shots,
    )

    # The scripts that replaced inline handlers still work.
    watched.open(f"{base}/admin/communities/producer/export/")
    toggle = page.locator("input.select-toggle")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(fields.first).to_be_checked()
    toggle.uncheck()
    expect(fields.first).not_to_be_checked()
    assert not watched.complaints()


def test_the_lockout_page_keeps_to_the_policy(browser, live_server, shots):
    UserFactory(username="somsri")
    watched = Watched(new_page(browser))
    page = watched.page
    watched.open(f"{live_server.url}/accounts/login/")

    for _ in range(5):
        page.get_by_label(t("username")).fill("somsri")
        page.get_by_label(t("Password")).fill("wrong")
        page.get_by_role("button", name=t("Log in")).click()
        page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shots(page, "locked out")
    assert "/accounts/login/" in page.url
    assert not watched.complaints()
    assert page.evaluate("document.documentElement.lang") == "th"


def test_the_watch_sees_a_refused_inline_style(browser, live_server):
    """A style element added to a portal page is refused and reported: the
    tests above pass because the pages are clean, not because nothing looks."""
    watched = Watched(new_page(browser))
    watched.open(f"{live_server.url}/accounts/login/")

    watched.page.evaluate(
        """() => {
          const style = document.createElement("style");
          style.textContent = "body { background: red; }";
          document.head.append(style);
        }"""
    )
    watched.page.wait_for_timeout(200)  # let the violation event fire

    found = watched.complaints()
    assert any("style-src" in line for line in found), found
    assert any("Content Security Policy" in line for line in found), found


def test_registrars_publish_page_keeps_to_the_policy(
    browser, live_server, chiang_rai, shots
):
    published_entry()
    registrar = UserFactory(username="h5-registrar", is_staff=True)
    registrar.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="registry",
            codename__in=["publish_entry", "view_registryentry"],
        )
    )
    page = sign_in(browser, live_server.url, "h5-registrar", PASSWORD)
    watched = Watched(page)
    assert_clean(
        watched,
        {
            "publish page": (
                f"{live_server.url}/admin/registry/registryentry/publish/",
                visible("#content-main"),
            ),
        },
        shots,
    )
