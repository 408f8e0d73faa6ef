"""The officer's pages on a phone (390 × 844, touch): officers work from the
tambon, not from a desk. Each page is reached by tapping through, is
screenshotted, and must not need sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

from selection.services import nomination_create
from tests.accounts.factories import PASSWORD
from tests.e2e.helpers import PHONE, menu, sign_in, t
from tests.selection.ladder import complete_product, make_officer, make_round

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAWI = "571006"
PRODUCT = "กาแฟดอยช้างคั่วกลาง"


def fits_the_screen(page):
    """Nothing sticks out sideways (wide tables scroll inside their box)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a phone"


def test_officer_pages_work_on_a_phone(browser, live_server, chiang_rai, shots):
    round_ = make_round()
    officer = make_officer(WAWI)
    product = complete_product(officer, WAWI, PRODUCT)
    nomination_create(actor=officer, round_=round_, product=product)
    page = sign_in(
        browser,
        live_server.url,
        officer.username,
        PASSWORD,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )

    menu(page, "Officer").tap()
    expect(page.get_by_role("heading", name=t("My tambons"))).to_be_visible()
    fits_the_screen(page)
    shots(page, "phone dashboard")

    page.get_by_role("link", name=t("Products"), exact=True).first.tap()
    expect(page.get_by_role("link", name=PRODUCT)).to_be_visible()
    fits_the_screen(page)
    shots(page, "phone product list")

    page.get_by_role("link", name=t("Add a product")).first.tap()
    expect(page.get_by_role("heading", name=t("Add a product"))).to_be_visible()
    fits_the_screen(page)
    shots(page, "phone product form")

    page.go_back()
    page.get_by_role("link", name=PRODUCT).tap()
    page.locator("#nomination-link").tap()
    expect(page).to_have_url(re.compile(r"/officer/nominations/\d+/$"))
    expect(
        page.get_by_role(
            "button",
            name=t("Submit to %(committee)s")
            % {"committee": t("the district committee")},
        )
    ).to_be_visible()
    fits_the_screen(page)
    shots(page, "phone nomination page")
