"""Republishing a product in a later round makes a new registry entry, and the
officer's product page lists every entry of the product, newest first."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from committees.models import Committee
from committees.models import Tier as CommitteeTier
from registry.models import RegistryEntry
from registry.services import registry_publish, registry_publish_all
from selection.services import nomination_award, nomination_create, nomination_submit
from tests.communities.factories import ProducerFactory, tambon
from tests.products.factories import ProductFactory
from tests.registry.factories import make_entry
from tests.selection.ladder import (
    TODAY,
    Board,
    make_round,
    rank_and_approve,
    record_forum,
    score_all,
)

# The officer serves tambon 100101, where the product's producer is.
pytestmark = [pytest.mark.django_db, pytest.mark.officer_tambon("100101")]


@pytest.fixture
def product(officer):
    return ProductFactory(producer=ProducerFactory(tambon=tambon("100101")))


def page(client, product) -> str:
    response = client.get(f"/officer/products/{product.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def history(html: str) -> str:
    match = re.search(
        r'<table class="data-table" id="registry-history">.*?</table>', html, re.S
    )
    assert match, "no registry history table"
    return match.group(0)


def test_the_product_page_lists_its_entries_newest_first(client, officer, product):
    def published(year: int) -> dt.datetime:
        return dt.datetime(year, 11, 24, 9, tzinfo=dt.UTC)

    old = make_entry(product=product, year=2023, stars=3, published_at=published(2023))
    revoked = make_entry(
        product=product, year=2024, stars=4, published_at=published(2024), revoked=True
    )
    new = make_entry(product=product, year=2025, stars=5, published_at=published(2025))
    make_entry(year=2025)  # another product's entry stays off this page
    client.force_login(officer)

    table = history(page(client, product))

    rows = table.split("<tr")[2:]  # after the header row
    assert len(rows) == 3
    for row, entry in zip(rows, (new, revoked, old), strict=True):
        assert f'href="/registry/{entry.number}/"' in row
        assert f"<td>{entry.round_year + 543}</td>" in row  # B.E. in the Thai UI
        assert ">" + "★" * entry.stars + "<" in row
    assert "24\u00a0พ.ย. 2568" in rows[0]  # published, in B.E.
    assert "badge-error" in rows[1] and "badge-error" not in rows[0] + rows[2]


def test_a_revoked_entry_is_marked_in_english(client, officer, product):
    make_entry(product=product, revoked=True)
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    table = history(page(client, product))

    assert "Revoked" in table
    assert "<td>2025</td>" in table  # C.E. in the English UI


def test_a_product_never_published_says_so(client, officer, product):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = page(client, product)

    assert "In the national registry" in html
    assert "Not in the registry yet." in html
    assert 'id="registry-history"' not in html


def test_the_page_queries_do_not_grow_with_the_number_of_entries(
    client, officer, product
):
    make_entry(product=product, year=2023)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as one:
        page(client, product)
    make_entry(product=product, year=2024)
    make_entry(product=product, year=2025)
    with CaptureQueriesContext(connection) as three:
        html = page(client, product)

    assert html.count('href="/registry/OTOP-') == 3
    assert len(three) == len(one), "\n".join(q["sql"] for q in three)


def _board(tier: str, area: str = "") -> Board:
    """The committee made for the first round, sitting again in the next."""
    tag = f"{tier}-{area or 'all'}"
    get = User.objects.get
    return Board(
        committee=Committee.objects.get(memberships__user__username=f"{tag}-chair"),
        chair=get(username=f"{tag}-chair"),
        secretary=get(username=f"{tag}-secretary"),
        members=[get(username=f"{tag}-member{i}") for i in range(2)],
    )


def test_republishing_in_a_later_round_makes_a_new_entry(client, awarded, publisher):
    registry_publish_all(actor=publisher)
    product = awarded[0].product
    first = RegistryEntry.objects.get(product=product)
    later = make_round(year=TODAY.year + 1, title_th="การคัดสรร OTOP รอบถัดไป")
    officer = User.objects.get(username="officer-500101")
    record_forum(officer, later, "500101")
    nomination = nomination_submit(
        actor=officer,
        nomination=nomination_create(actor=officer, round_=later, product=product),
    )
    boards = [
        _board(CommitteeTier.AMPHOE, "5001"),
        _board(CommitteeTier.PROVINCE, "50"),
        _board(CommitteeTier.CENTRAL),
    ]
    for board in boards:
        score_all(board, [nomination], {"A": 10, "B": 10, "C": 10})
        rank_and_approve(board, later)
    nomination_award(actor=boards[-1].chair, nomination=nomination)

    second = registry_publish(actor=publisher, nomination=nomination)

    assert second.pk != first.pk and second.number != first.number
    assert second.number.startswith(f"OTOP-{later.year + 543}-50-")
    assert list(product.registry_entries.all()) == [second, first]
    first.refresh_from_db()
    assert not first.is_revoked  # the earlier round's entry stays listed
    client.force_login(officer)
    table = history(page(client, product))
    assert table.index(second.number) < table.index(first.number)

    # Each public page links the other round's entry.
    client.logout()
    newer = client.get(f"/registry/{second.number}/").content.decode()
    older = client.get(f"/registry/{first.number}/").content.decode()
    assert f'href="/registry/{first.number}/"' in newer
    assert f'href="/registry/{second.number}/"' in older
