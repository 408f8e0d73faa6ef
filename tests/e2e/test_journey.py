"""One product's whole way up the ladder, each step done in Chromium as the
person would do it, in the Thai interface.

Set-up uses the services (a central admin opened the round, appointed the
committees and assigned the officers before any of this); from then on every
step goes through the pages: the officer registers the producer and the
product, records the forum and submits; the district committee returns it
once, then scores, finalizes and approves; the province and the centre do the
same; the centre awards; central staff publish; a visitor finds it in the
registry and downloads it.
"""

import csv
import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone, translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from committees.models import Tier as CommitteeTier
from communities.models import Tambon
from notifications.models import Notification
from products.models import Category, Standard
from registry.models import RegistryEntry
from selection.models import QueueNomination, Round
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.helpers import (
    be_date,
    menu,
    new_page,
    pdf_file,
    png_file,
    sign_in,
    t,
)
from tests.selection.ladder import make_board, make_officer, make_round

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRODUCT = "กาแฟดอยช้างคั่วกลาง"
PRODUCT_EN = "Doi Chang medium-roast coffee"
PRODUCER = "วิสาหกิจชุมชนกาแฟอาราบิกาบ้านดอยช้าง"
SEARCH = "ดอยช้าง"  # a word inside the name: Thai has no spaces to split on
WAWI, THA_KO = "571006", "571005"  # two tambons of Mae Suai, Chiang Rai
RETURN_REASON = "โปรดระบุแหล่งที่มาของเมล็ดกาแฟในเรื่องราวภูมิปัญญา"
ANSWER = "เมล็ดกาแฟปลูกโดยสมาชิกกลุ่มบนดอยช้าง ตำบลวาวี ระดับความสูง 1,200 เมตร"
REGISTRY_NUMBER = re.compile(r"OTOP-\d{4}-57-\d{6}")


def th(value) -> str:
    """A model's label or choice as the Thai interface shows it."""
    with translation.override("th"):
        return str(value)


def the_people():
    """What central staff set up before the round: the round (a quorum of two
    sheets, so a member and the secretary suffice), three committees of chair,
    secretary and member (the district has a second member, who will declare a
    conflict), two officers, and the staff member who publishes."""
    make_round(quorum=Round.Quorum.MINIMUM, quorum_minimum=2)
    people = {
        "district": make_board(CommitteeTier.AMPHOE, "5710", members=2),
        "province": make_board(CommitteeTier.PROVINCE, "57", members=1),
        "central": make_board(CommitteeTier.CENTRAL, members=1),
        "officer": make_officer(WAWI),
        "stranger": make_officer(THA_KO),
    }
    registrar = UserFactory(username="registrar", is_staff=True)
    registrar.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="registry",
            codename__in=["publish_entry", "view_registryentry"],
        )
    )
    people["registrar"] = registrar
    # Everyone has read their letter of appointment: the bell starts at zero.
    Notification.objects.update(read_at=timezone.now())
    return people


def labels():
    """The option texts of the menus the officer picks from."""
    wawi = Tambon.objects.select_related("amphoe", "province").get(pk=WAWI)
    coffee = Category.objects.select_related("parent").get(code="DRINK-TEA")
    with translation.override("th"):
        return {
            "tambon": f"{wawi.name} · {wawi.amphoe.name} · {wawi.province.name}",
            "category": f"{coffee.parent} › {coffee}",
            "standard": str(Standard.objects.get(code="TCPS")),
        }


def message(page, text: str):
    expect(page.get_by_text(text, exact=False).first).to_be_visible()


def bell(page):
    return page.locator(".bell-count")


class Ladder:
    """The steps the committee members take in the admin."""

    def __init__(self, browser, base: str, shots):
        self.browser, self.base, self.shots = browser, base, shots
        self.pages = {}

    def page_of(self, user):
        if user.username not in self.pages:
            self.pages[user.username] = sign_in(
                self.browser, self.base, user.username, PASSWORD
            )
        return self.pages[user.username]

    def open_queue(self, page):
        """My committees → score and rank in the admin → the queue (or, from
        an admin page, the admin's home → the queue)."""
        if "/admin/" in page.url:
            page.locator(".breadcrumbs").get_by_role("link", name=t("Home")).click()
        else:
            menu(page, "My committees").click()
            page.get_by_role("link", name=t("Score and rank in the admin")).click()
        page.get_by_role(
            "link", name=th(QueueNomination._meta.verbose_name_plural).capitalize()
        ).first.click()
        expect(page).to_have_url(re.compile(r"/admin/selection/queuenomination/"))

    def open_from_inbox(self, page):
        """The bell → the newest notification → the page it is about."""
        if "/admin/" in page.url:  # the admin has no bell: back to the site
            page.get_by_role("link", name=t("View site")).click()
        page.locator("a.bell").click()
        page.locator(".inbox-item.unread").first.get_by_role("button").click()
        page.wait_for_load_state()

    def score(self, user, step: str, points: str = "9"):
        page = self.page_of(user)
        if re.search(r"/admin/selection/queuenomination/$", page.url):
            page.reload()  # the queue as it is now
        elif "/score/" not in page.url:  # the notification did not lead here
            self.open_queue(page)
        if "/score/" not in page.url:
            page.get_by_role("link", name=PRODUCT).click()
        boxes = page.get_by_role("spinbutton")
        expect(boxes).to_have_count(10)  # ten criteria: ก 4, ข 3, ค 3
        for number in range(10):
            boxes.nth(number).fill(points)
        self.shots(page, f"{step} score sheet")
        page.get_by_role("button", name=t("Submit"), exact=True).click()
        message(page, t("Your score sheet is submitted."))
        return page

    def open_ranking(self, page):
        self.open_queue(page)
        page.get_by_role("link", name=t("My rankings")).click()
        page.locator("#result_list tbody tr").first.get_by_role("link").first.click()
        expect(page.locator("#result_list")).to_contain_text(PRODUCT)

    def finalize(self, secretary, step: str):
        page = self.page_of(secretary)
        self.open_ranking(page)
        page.get_by_role("button", name=t("Finalize the ranking")).click()
        message(page, t("The ranking is finalized."))
        self.shots(page, f"{step} ranking finalized")

    def approve(self, chair, step: str, unread: int):
        """The chair, just signed in, hears of the finalized ranking from the
        bell."""
        page = self.page_of(chair)
        expect(bell(page)).to_have_text(str(unread))
        self.open_from_inbox(page)
        expect(page).to_have_url(re.compile(r"/admin/selection/ranking/\d+/"))
        page.get_by_role("button", name=t("Approve the ranking")).click()
        message(page, t("The ranking is approved."))
        self.shots(page, f"{step} ranking approved")
        return page

    def tier(self, board, step: str, unread: int):
        """A higher tier: the member comes from the notification that the
        nomination waits for the committee, scores; the secretary scores and
        finalizes; the chair approves."""
        page = self.page_of(board.members[0])  # just signed in
        expect(bell(page)).to_have_text("1")
        self.open_from_inbox(page)
        self.score(board.members[0], f"{step} member")
        self.score(board.secretary, f"{step} secretary")
        self.finalize(board.secretary, step)
        return self.approve(board.chair, step, unread=unread)


def test_a_product_goes_from_the_tambon_to_the_public_registry(
    browser, live_server, chiang_rai, shots, tmp_path
):
    people = the_people()
    menus = labels()
    base = live_server.url
    ladder = Ladder(browser, base, shots)
    district, province, central = (
        people["district"],
        people["province"],
        people["central"],
    )
    today = timezone.localdate()

    # 1. The officer signs in; the portal speaks Thai.
    officer = new_page(browser)
    officer.goto(f"{base}/accounts/login/")
    expect(officer.locator("html")).to_have_attribute("lang", "th")
    expect(officer.get_by_role("heading", name=t("Log in"))).to_be_visible()
    shots(officer, "officer login page")
    officer.get_by_label(t("username")).fill(people["officer"].username)
    officer.get_by_label(t("Password")).fill(PASSWORD)
    officer.get_by_role("button", name=t("Log in")).click()
    menu(officer, "Officer").click()
    expect(officer.get_by_role("heading", name=t("My tambons"))).to_be_visible()
    shots(officer, "officer dashboard")

    # 2. Registers the producer.
    officer.get_by_role("link", name=t("Producers"), exact=True).first.click()
    officer.get_by_role("link", name=t("Register a producer")).click()
    officer.get_by_label(t("tambon of the production site")).select_option(
        label=menus["tambon"]
    )
    officer.get_by_label(t("producer type")).select_option(
        label=t("Community group / community enterprise")
    )
    officer.get_by_label(t("name (Thai)")).fill(PRODUCER)
    officer.get_by_label(t("phone")).fill("053-917-100")
    officer.get_by_label(t("email")).fill("doichang@example.co.th")
    officer.get_by_label(t("members")).fill("35")
    officer.get_by_label(t("Founded (year)")).fill("2550")
    shots(officer, "officer producer form")
    officer.get_by_role("button", name=t("Save"), exact=True).click()
    expect(officer.locator("tr", has_text=PRODUCER)).to_be_visible()
    shots(officer, "officer producer saved")

    # 3. Adds the product with a photo and a certificate.
    officer.locator("tr", has_text=PRODUCER).get_by_role(
        "link", name=t("Add a product")
    ).click()
    officer.get_by_label(t("category")).select_option(label=menus["category"])
    officer.get_by_label(t("name (Thai)")).fill(PRODUCT)
    officer.get_by_label(t("name (English)")).fill(PRODUCT_EN)
    officer.get_by_label(t("description")).fill("กาแฟอาราบิกาคั่วระดับกลาง 250 กรัม")
    officer.get_by_label(t("local-wisdom story")).fill(
        "ชาวอาข่าบ้านดอยช้างปลูกกาแฟใต้ร่มไม้มาตั้งแต่ พ.ศ. 2526"
    )
    officer.get_by_label(t("price (baht)")).fill("250")
    officer.get_by_label(t("unit"), exact=True).fill("ถุง")
    officer.get_by_label(t("Local raw materials")).fill("เมล็ดกาแฟอาราบิกา")
    officer.get_by_label(t("Add a photo")).set_input_files(
        png_file(tmp_path, "coffee.png")
    )
    officer.get_by_label(t("Photo caption")).fill("บรรจุภัณฑ์ถุงคราฟต์")
    officer.get_by_label(t("Standard")).select_option(label=menus["standard"])
    officer.get_by_label(t("Certificate number")).fill("มผช. 1219/2568")
    officer.get_by_label(t("Issued on")).fill(be_date(today - dt.timedelta(days=200)))
    officer.get_by_label(t("Expires on")).fill(be_date(today + dt.timedelta(days=900)))
    shots(officer, "officer product form")
    officer.get_by_role("button", name=t("Save"), exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(PRODUCT)
    expect(officer.locator(".badge-ok", has_text=t("Complete")).first).to_be_visible()
    product_url = officer.url
    assert re.search(r"/officer/products/\d+/$", product_url)
    shots(officer, "officer product complete")

    # 4. Records the tambon forum (เวทีประชาคม) with its minutes.
    menu(officer, "Officer").click()
    officer.locator("#nominations-link").click()
    officer.locator("#forums").get_by_role("link", name=t("Record the forum")).click()
    officer.get_by_label(t("Held on")).fill(be_date(today - dt.timedelta(days=3)))
    officer.get_by_label(t("Number of attendees")).fill("64")
    officer.get_by_label(t("Resolution")).fill(f"ที่ประชุมมีมติเสนอ{PRODUCT}")
    officer.get_by_label(t("Minutes (PDF or photo)")).set_input_files(
        pdf_file(tmp_path, "minutes.pdf")
    )
    shots(officer, "officer forum form")
    officer.get_by_role("button", name=t("Save the forum")).click()
    expect(officer.locator("#forums .badge-ok")).to_be_visible()
    shots(officer, "officer forum recorded")

    # 5. Nominates the product and submits it to the district committee.
    menu(officer, "Officer").click()
    officer.get_by_role("link", name=t("Products"), exact=True).first.click()
    officer.get_by_role("link", name=PRODUCT).click()
    officer.get_by_role("link", name=t("Nominate for the selection")).click()
    officer.get_by_role("button", name=t("Nominate for the selection")).click()
    officer.get_by_role(
        "button",
        name=t("Submit to %(committee)s") % {"committee": t("the district committee")},
    ).click()
    expect(officer.locator("#status")).to_contain_text(t("Waiting for the committee"))
    nomination_url = officer.url
    shots(officer, "officer nomination submitted")

    # 6. An officer of another tambon cannot see the product.
    stranger = sign_in(browser, base, people["stranger"].username, PASSWORD)
    response = stranger.goto(product_url)
    assert response.status == 404
    expect(stranger.get_by_role("heading", name=t("Page not found"))).to_be_visible()
    shots(stranger, "other tambon officer gets 404")

    # 7. The district secretary hears of it from the bell and returns it.
    secretary = ladder.page_of(district.secretary)
    expect(bell(secretary)).to_have_text("1")
    shots(secretary, "district secretary bell")
    ladder.open_from_inbox(secretary)
    expect(secretary.get_by_role("heading", name=re.compile(PRODUCT))).to_be_visible()
    secretary.get_by_label(t("Reason (required)")).fill(RETURN_REASON)
    shots(secretary, "district secretary returns")
    secretary.get_by_role("button", name=t("Return to the officer")).click()
    expect(secretary).to_have_url(re.compile(r"/admin/selection/queuenomination/$"))
    shots(secretary, "district secretary returned")

    # 8. The officer's bell rings; the officer answers and resubmits.
    officer.reload()
    expect(bell(officer)).to_have_text("1")
    shots(officer, "officer bell after return")
    ladder.open_from_inbox(officer)
    expect(officer).to_have_url(nomination_url)
    expect(officer.locator("#return-reason")).to_contain_text(RETURN_REASON)
    officer.get_by_label(t("Your answer to the committee")).fill(ANSWER)
    shots(officer, "officer answers the committee")
    officer.get_by_role("button", name=t("Resubmit")).click()
    expect(officer.locator("#status")).to_contain_text(t("Waiting for the committee"))
    expect(bell(officer)).to_have_count(0)
    shots(officer, "officer resubmitted")

    # 9. A member related to the producer declares the conflict and is kept
    #    out of the score sheet.
    conflicted = ladder.page_of(district.members[1])
    expect(bell(conflicted)).to_have_text("2")  # submitted, then resubmitted
    menu(conflicted, "My committees").click()
    conflicted.get_by_role("link", name=t("Conflicts of interest")).click()
    conflicted.get_by_label(t("Producer name or registration number")).fill(SEARCH)
    conflicted.get_by_role("button", name=t("Search")).click()
    conflicted.get_by_label(t("Why you have a conflict of interest")).fill(
        "ญาติเป็นประธานวิสาหกิจชุมชน"
    )
    conflicted.get_by_role("button", name=t("Declare a conflict")).click()
    expect(conflicted.locator(".message-success")).to_contain_text(PRODUCER)
    shots(conflicted, "conflicted member declares")
    ladder.open_queue(conflicted)
    row = conflicted.locator("#result_list tbody tr", has_text=PRODUCT)
    expect(row).to_contain_text(t("conflict of interest"))
    expect(row.get_by_role("link", name=PRODUCT)).to_have_count(0)
    ladder.open_from_inbox(conflicted)  # the sheet's own address, from the bell
    expect(conflicted).to_have_url(re.compile(r"/admin/selection/queuenomination/$"))
    message(conflicted, t("You have a conflict of interest with this producer."))
    shots(conflicted, "conflicted member refused")

    # 10. District: the member and the secretary score, the secretary
    #     finalizes, the chair approves.
    member = ladder.page_of(district.members[0])
    expect(bell(member)).to_have_text("2")
    ladder.score(district.members[0], "district member")
    ladder.score(district.secretary, "district secretary")
    ladder.finalize(district.secretary, "district")
    ladder.approve(district.chair, "district", unread=3)

    # 11. Province and centre: the same, each coming from the bell.
    ladder.tier(province, "province", unread=2)
    chair = ladder.tier(central, "central", unread=2)

    # 12. The central chair awards the stars, after the preview by band and
    #     a confirmation (awarding cannot be undone).
    chair.get_by_role("link", name=t("Award stars to all…")).click()
    expect(chair.locator(".ladder-warning")).to_be_visible()
    shots(chair, "central chair confirms the award")
    with translation.override("th"):
        award = ngettext(
            "Award stars to %(total)s nomination",
            "Award stars to %(total)s nominations",
            1,
        ) % {"total": 1}
    chair.get_by_role("button", name=award).click()
    message(chair, t("%(n)s nominations awarded.") % {"n": 1})
    shots(chair, "central chair awards stars")

    # 13. Central staff publish it to the registry.
    staff = sign_in(browser, base, people["registrar"].username, PASSWORD)
    menu(staff, "Administration").click()
    staff.get_by_role(
        "link", name=th(RegistryEntry._meta.verbose_name_plural).capitalize()
    ).first.click()
    staff.get_by_role("link", name=t("Awarded nominations to publish")).click()
    row = staff.locator("tr", has_text=PRODUCT)
    expect(row).to_contain_text("5★")
    shots(staff, "central staff publish page")
    row.get_by_role("button", name=t("Publish"), exact=True).click()
    published = staff.get_by_role("link", name=REGISTRY_NUMBER)
    expect(published).to_be_visible()
    number = published.inner_text()
    shots(staff, "central staff published")

    # 14. The officer hears of each step (forwarded by the district, by the
    #     province, awarded, published) and sees the stars and the number.
    officer.reload()
    expect(bell(officer)).to_have_text("4")
    expect(officer.locator("#status")).to_contain_text(t("Awarded"))
    expect(officer.locator("#status")).to_contain_text("5 ★")
    officer.locator("#status").get_by_role("link", name=PRODUCT).click()
    expect(officer).to_have_url(product_url)
    expect(officer.locator("#registry-history")).to_contain_text(number)
    shots(officer, "officer sees the registry number")

    # 15. A visitor finds it by a word inside its name, opens it, downloads it.
    visitor = new_page(browser)
    visitor.goto(f"{base}/")
    menu(visitor, "Product registry").click()
    visitor.get_by_label(t("Search products, producers or tambon")).fill(SEARCH)
    visitor.get_by_role("button", name=t("Search")).click()
    expect(visitor.locator(".registry-card")).to_have_count(1)
    shots(visitor, "visitor search results")
    visitor.get_by_role("link", name=PRODUCT).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(PRODUCT)
    expect(visitor.locator(".registry-entry")).to_contain_text(number)
    photo = visitor.locator("img.registry-photo")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0  # the photo is served
    shots(visitor, "visitor entry page")
    visitor.go_back()
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name=t("Download CSV")).click()
    download = download_info.value
    saved = shots.folder / download.suggested_filename
    download.save_as(saved)
    with saved.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(row["number"], row["name_th"], row["stars"]) for row in rows] == [
        (number, PRODUCT, "5")
    ]
