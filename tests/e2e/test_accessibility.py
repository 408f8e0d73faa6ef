"""axe-core on the pages the public and the officers use most: no violation
of impact "serious" or "critical" (WCAG 2.2 A/AA and axe's best practices).

axe-core is installed from npm (package.json, `npm ci`); without it these
tests are skipped, loudly.
"""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from committees.models import Tier as CommitteeTier
from registry.services import registry_publish
from selection.services import nomination_award
from tests.accounts.factories import UserFactory
from tests.conftest import PASSWORD
from tests.e2e.helpers import axe_serious, new_page, sign_in, t
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAWI = "571006"
PRODUCT = "กาแฟดอยช้างคั่วกลาง"


def published_entry():
    """A product of tambon Wawi taken up the ladder and published (through
    the services: here only the pages' markup is under test)."""
    round_ = make_round()
    officer = make_officer(WAWI)
    nomination = submitted_nomination(officer, round_, WAWI, PRODUCT)
    for tier, area in (
        (CommitteeTier.AMPHOE, "5710"),
        (CommitteeTier.PROVINCE, "57"),
        (CommitteeTier.CENTRAL, ""),
    ):
        board = make_board(tier, area, members=1)
        score_all(board, [nomination], {"A": 9, "B": 9, "C": 9})
        rank_and_approve(board, round_)
    nomination_award(actor=board.chair, nomination=nomination)
    registrar = UserFactory(username="registrar", is_staff=True)
    registrar.user_permissions.add(Permission.objects.get(codename="publish_entry"))
    registrar = type(registrar).objects.get(pk=registrar.pk)
    return officer, registry_publish(actor=registrar, nomination=nomination)


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
