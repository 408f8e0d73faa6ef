"""What the end-to-end tests share: where Chromium and axe-core are, the
Thai text of the interface, a small geography, signing in, screenshots."""

import datetime as dt
import io
import json
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from committees.models import Tier as CommitteeTier
from communities.services import geography_load
from registry.services import registry_publish
from selection.services import nomination_award
from tests.accounts.factories import staff_with
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"Chromium not found at {CHROMIUM}: apt-get install chromium "
            "(or point E2E_CHROMIUM at a Chromium binary)"
        )
    return None


def t(message: str) -> str:
    """The Thai text the interface shows for ``message`` (the catalogue's)."""
    with translation.override("th"):
        return gettext(message)


def be_date(day: dt.date) -> str:
    """A date as a Thai officer types it: day/month/Buddhist-Era year."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def png_file(folder: Path, name: str, colour=(120, 72, 40)) -> Path:
    """A real PNG file for the photo field (checked by content on upload)."""
    path = folder / name
    image = Image.new("RGB", (640, 480), colour)
    image.paste((230, 200, 150), (160, 200, 480, 280))  # a band the eye can find
    image.save(path, "PNG")
    return path


def pdf_file(folder: Path, name: str) -> Path:
    """A one-page PDF (the forum's minutes), made by Pillow."""
    path = folder / name
    buffer = io.BytesIO()
    Image.new("RGB", (595, 842), (255, 255, 255)).save(buffer, "PDF")
    path.write_bytes(buffer.getvalue())
    return path


class _OneProvince:
    """The geothai source narrowed to some provinces: the journey needs one
    province, not 7,436 tambons loaded again for every transactional test."""

    def __init__(self, codes):
        import geothai

        self._source, self._codes = geothai, set(codes)

    def provinces(self):
        return [p for p in self._source.provinces() if p.code in self._codes]

    def districts(self, code):
        return self._source.districts(code)

    def subdistricts(self, code):
        return self._source.subdistricts(code)


def load_provinces(*codes: str) -> None:
    geography_load(source=_OneProvince(codes))


class Shots:
    """Numbered full-page screenshots of one test, in artifacts/<name>/."""

    def __init__(self, name: str):
        self.folder = ARTIFACTS / re.sub(r"[^\w-]+", "-", name).strip("-")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=path, full_page=True)
        return path


def new_page(browser, *, viewport=DESKTOP, **options):
    """A page in a fresh browser context: its own cookies, Thai locale,
    Bangkok time, as one person's browser."""
    context = browser.new_context(
        viewport=viewport,
        locale="th-TH",
        timezone_id="Asia/Bangkok",
        **options,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def sign_in(browser, base_url: str, username: str, password: str, **options):
    """Sign in through the login page, as the person would."""
    page = new_page(browser, **options)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(t("username")).fill(username)
    page.get_by_label(t("Password")).fill(password)
    page.get_by_role("button", name=t("Log in")).click()
    page.wait_for_load_state()
    return page


def menu(page, item: str):
    """A link of the site's main menu (breadcrumbs may repeat its words)."""
    return page.get_by_role("navigation", name=t("Main menu")).get_by_role(
        "link", name=t(item), exact=True
    )


def axe_serious(page) -> SimpleNamespace:
    """Run axe-core on the page; its violations of impact serious/critical.

    The portal's Content-Security-Policy refuses inline scripts, which is what
    add_script_tag(path=...) inserts: on a portal page axe-core is loaded from
    the page's own origin instead, answered by Playwright from the file."""
    if page.url.startswith("http"):
        url = urljoin(page.url, "/__e2e__/axe.min.js")
        page.route(
            url,
            lambda route: route.fulfill(
                path=str(AXE_JS), content_type="application/javascript"
            ),
        )
        page.add_script_tag(url=url)
    else:
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {
            resultTypes: ['violations'],
            runOnly: {type: 'tag', values: [
                'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                'best-practice']},
        })"""
    )
    serious = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": n["target"], "summary": n.get("failureSummary", "")}
                for n in v["nodes"]
            ],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    return SimpleNamespace(
        ids=sorted({v["id"] for v in serious}),
        report=json.dumps(serious, ensure_ascii=False, indent=2),
    )


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
    registrar = staff_with("publish_entry", "registrar")  # the publisher
    return officer, registry_publish(actor=registrar, nomination=nomination)
