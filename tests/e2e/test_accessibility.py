"""axe-core on the pages the public and the officers use most: no violation
of impact "serious" or "critical" (WCAG 2.2 A/AA and axe's best practices).

axe-core is installed from npm (package.json, `npm ci`); without it these
tests are skipped, loudly.
"""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.e2e.helpers import (
    PRODUCT,
    axe_serious,
    new_page,
    published_entry,
    sign_in,
    t,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def visitor(browser, base, officer):
    return new_page(browser)


def signed_in_officer(browser, base, officer):
    return sign_in(browser, base, officer.username, PASSWORD)


# page: (who opens it, its address, what its heading says)
PAGES = {
    "login": (visitor, "/accounts/login/", lambda: t("Log in")),
    "registry list": (visitor, "/registry/", lambda: t("OTOP Product Registry")),
    "registry entry": (visitor, "/registry/{number}/", lambda: PRODUCT),
    "producer form": (
        signed_in_officer,
        "/officer/producers/new/",
        lambda: t("Register a producer"),
    ),
    "product form": (
        signed_in_officer,
        "/officer/products/new/",
        lambda: t("Add a product"),
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(
    name, browser, axe, live_server, chiang_rai, shots
):
    officer, entry = published_entry()
    open_as, path, heading = PAGES[name]
    page = open_as(browser, live_server.url, officer)
    page.goto(live_server.url + path.format(number=entry.number))
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading())
    shots(page, name)

    found = axe_serious(page)

    assert not found.ids, f"axe-core on {name} ({page.url}):\n{found.report}"


def test_the_check_finds_what_it_looks_for(browser, axe):
    """A page with an unlabelled field and an image without alt text fails:
    the checks above pass because the pages are clean, not because axe-core
    did not run."""
    page = new_page(browser)
    page.set_content(
        '<html lang="th"><head><title>x</title></head><body><main><h1>x</h1>'
        '<img src="data:image/png;base64,"><input type="text"></main></body></html>'
    )

    found = axe_serious(page)

    assert {"image-alt", "label"} <= set(found.ids), found.report
