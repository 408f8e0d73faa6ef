"""No row is created by a GET (issue #18): every page a demo login reaches by
following links from the portal's and the admin's front pages, opened with
GET, leaves every table's row count as it was.

The walk follows same-site links breadth first, a few URLs per URL pattern (a
list's filters and sort orders are variants of one page), and stops at
MAX_PAGES per login. Row counts are compared after every page, so a failure
names the page that wrote.
"""

import io
import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import User
from tests.rows import changed_rows, row_counts

pytestmark = pytest.mark.django_db

START = (
    "/",
    "/admin/",
    "/officer/",
    "/committees/",
    "/dashboard/",
    "/plans/",
    "/inbox/",
    "/registry/",
    "/rounds/",
    "/reports/",
    "/start/",
    "/accounts/password_reset/",
    "/accounts/password_change/",
    "/api/docs/",
)
# Not pages: files served as they are, and leaving the session.
SKIP = ("/static/", "/media/", "/accounts/logout/", "/admin/logout/")
PER_PATTERN = 3
MAX_PAGES = 150
HREF = re.compile(r'href="([^"]+)"')

# Nobody signed in, and demo logins of each kind, at each step of the
# ladder (otop/demo/data.py LOGINS): products to score, a ranking nobody has
# moved, a finalized ranking, last year's awards, an officer's drafts.
ROLES = (
    None,
    "central-staff",
    "central-chair",
    "province-50-member",
    "province-47-chair",
    "amphoe-5015-chair",
    "amphoe-4701-secretary",
    "amphoe-4704-member",
    "officer-phannanikhom",
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo world, built once for the module in a transaction rolled back
    at its end (as tests/otop/test_seed_demo.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_geography", stdout=io.StringIO())
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _pattern(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _links(url: str, response) -> list[str]:
    if response.status_code in (301, 302, 303, 307, 308):
        return [urljoin(url, response["Location"])]
    if "html" not in response.get("Content-Type", ""):
        return []
    return [urljoin(url, unescape(href)) for href in HREF.findall(response.text)]


def walk(client: Client) -> tuple[list[str], dict[str, dict]]:
    """The pages visited, and the pages after which a table's row count
    changed (with the change)."""
    queue, seen, per_pattern = deque(START), set(START), Counter()
    visited, writes = [], {}
    before = row_counts()
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        visited.append(url)
        if changed := changed_rows(before):
            writes[url] = changed
            before = row_counts()
        for link in _links(url, response):
            parts = urlsplit(link)
            if parts.netloc not in ("", "testserver") or parts.path.startswith(SKIP):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            pattern = _pattern(parts.path)
            if link in seen or pattern is None or per_pattern[pattern] >= PER_PATTERN:
                continue
            seen.add(link)
            per_pattern[pattern] += 1
            queue.append(link)
    return visited, writes


@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_no_page_reached_with_get_creates_a_row(demo, username):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))

    visited, writes = walk(client)

    assert writes == {}
    assert len(visited) > (5 if username is None else 15), visited
