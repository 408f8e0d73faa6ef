"""Browser tests: Playwright drives Debian's Chromium (never `playwright
install`) against pytest-django's live server.

Marked e2e and left out of the default run (pyproject addopts); `make e2e`
runs them. Without Chromium (or axe-core, for the accessibility checks) they
are skipped with the reason, repeated at the end of the run in capitals.
"""

import os

import pytest
from django.db import connections

from tests.e2e.helpers import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Shots,
    chromium_missing,
    load_provinces,
)

# Why browser tests were skipped, repeated in the terminal summary.
NOT_RUN: set[str] = set()


def skip_loudly(reason: str):
    NOT_RUN.add(reason)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    if not NOT_RUN:
        return
    terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
    for reason in sorted(NOT_RUN):
        terminalreporter.line(f"SKIPPED: {reason}", red=True, bold=True)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio loop running in this thread, and
    Django refuses ORM calls from a thread with a running loop: the tests'
    own setup and the database fixtures need DJANGO_ALLOW_ASYNC_UNSAFE while
    the loop exists, and only then (set here, not at import, so the rest of
    the suite keeps Django's guard).
    """
    if reason := chromium_missing():
        skip_loudly(reason)
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    this_thread = [connections[alias] for alias in connections]  # not connected yet
    playwright = sync_playwright().start()
    # With an asyncio loop running in this thread, Django keeps database
    # connections per context instead of per thread (asgiref's thread-critical
    # Local), so connections[...] would be new objects: without the seed data
    # serialized for serialized_rollback, and not the SQLite connection the
    # live server shares. Keep using this thread's.
    for connection in this_thread:
        connections[connection.alias] = connection
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        for connection in connections.all(initialized_only=True):
            if connection not in this_thread:
                connection.close()  # made in the loop's context: not to linger
        playwright.stop()
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def axe(browser):
    if not AXE_JS.is_file():
        skip_loudly(
            f"axe-core not found at {AXE_JS}: run `npm ci` at the repository root"
        )
    return AXE_JS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def shots(request, browser):
    """Numbered screenshots in tests/e2e/artifacts/<test>/; on a failure,
    one more of every page still open. Closes the test's browser contexts."""
    taken = Shots(request.node.name)
    yield taken
    pages = [page for context in browser.contexts for page in context.pages]
    if getattr(request.node, "e2e_failed", False):
        for number, page in enumerate(pages, start=1):
            try:
                page.screenshot(
                    path=taken.folder / f"failure-{number:02d}.png", full_page=True
                )
            except Exception as error:  # a crashed page must not hide the failure
                print(f"no failure screenshot of {page.url}: {error}")
    for context in browser.contexts:
        context.close()


@pytest.fixture
def chiang_rai():
    """Chiang Rai province (57) with its amphoes and tambons."""
    load_provinces("57")
