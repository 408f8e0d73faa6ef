"""The home page summarises the registry: counts by stars and by region, and
the newest five-star products, in a fixed handful of queries."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import RegistryEntry
from registry.selectors import registry_summary
from tests.registry.factories import PROVINCES, make_entry

HOME = "/"


def home_queries(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


@pytest.fixture
def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def mixed(geography):
    """Nine listed entries (3 five-star, 2 four, 1 three, 3 one) over three
    regions, and one revoked five-star entry that must never count."""
    start = timezone.now() - dt.timedelta(days=30)
    entries = []
    for day, (stars, province) in enumerate(
        [
            (5, "50"),
            (5, "10"),
            (5, "90"),
            (4, "50"),
            (4, "50"),
            (3, "10"),
            (1, "90"),
            (1, "90"),
            (1, "50"),
        ]
    ):
        entries.append(
            make_entry(
                stars=stars,
                province=province,
                published_at=start + dt.timedelta(days=day),
                thumbnail=f"registry/thumb-{day}.jpg",
            )
        )
    make_entry(stars=5, province="50", revoked=True)
    return entries


@pytest.mark.django_db
def test_summary_counts_listed_entries_by_stars_and_region(mixed):
    summary = registry_summary()

    assert summary["total"] == 9
    assert summary["by_stars"] == [
        {"stars": 5, "count": 3},
        {"stars": 4, "count": 2},
        {"stars": 3, "count": 1},
        {"stars": 2, "count": 0},
        {"stars": 1, "count": 3},
    ]
    regions = {row["code"]: row["count"] for row in summary["by_region"]}
    assert regions == {
        "north": 4,
        "central": 2,
        "northeast": 0,
        "west": 0,
        "east": 0,
        "south": 3,
    }
    assert summary["by_region"][0]["name_th"] == "ภาคเหนือ"


@pytest.mark.django_db
def test_newest_five_star_entries_come_newest_first_and_never_revoked(geography):
    start = timezone.now() - dt.timedelta(days=30)
    entries = [
        make_entry(stars=5, published_at=start + dt.timedelta(days=day))
        for day in range(8)
    ]
    make_entry(stars=4, published_at=timezone.now())
    make_entry(stars=5, revoked=True, published_at=timezone.now())

    newest = registry_summary()["newest_five_star"]

    assert [e.number for e in newest] == [e.number for e in entries[::-1][:6]]


@pytest.mark.django_db
def test_an_unknown_region_code_is_still_counted(geography):
    make_entry(province="50")
    RegistryEntry.objects.update(region_code="islands")

    by_region = registry_summary()["by_region"]

    assert by_region[-1] == {
        "code": "islands",
        "name_th": "islands",
        "name_en": "islands",
        "count": 1,
    }
    assert sum(row["count"] for row in by_region) == 1


@pytest.mark.django_db
def test_home_shows_counts_with_links_to_the_filtered_registry(client, mixed):
    html, _ = home_queries(client)

    for stars in range(1, 6):
        assert f'href="/registry/?stars={stars}"' in html
    assert "ภาคเหนือ" in html and "ภาคใต้" in html
    revoked = RegistryEntry.objects.get(revoked_at__isnull=False)
    assert revoked.number not in html


@pytest.mark.django_db
def test_home_lists_the_newest_five_star_products_with_thumbnails(client, mixed):
    html, _ = home_queries(client)

    five_star = [e for e in mixed if e.stars == 5][::-1]
    positions = [html.index(f'href="/registry/{e.number}/"') for e in five_star]
    assert positions == sorted(positions)  # newest first
    for entry in five_star:
        assert entry.name_th in html
        assert f"/media/{entry.thumbnail}" in html
    assert "เชียงใหม่" in html and "สงขลา" in html
    four_star = [e for e in mixed if e.stars == 4]
    assert all(f"/registry/{e.number}/" not in html for e in four_star)


@pytest.mark.django_db
def test_home_speaks_english_with_english_region_names(english_client, mixed):
    html, _ = home_queries(english_client)

    assert '<strong class="summary-number">9</strong> products are listed' in html
    assert "Northern" in html and "Southern" in html
    assert "ภาคเหนือ" not in html
    assert "Newest five-star products" in html


@pytest.mark.django_db
def test_an_empty_registry_shows_a_friendly_sentence_not_a_table(english_client, db):
    html, _ = home_queries(english_client)

    assert 'id="registry-empty"' in html
    assert "No products have been published in the national registry yet." in html
    assert 'id="summary-stars"' not in html
    assert 'id="newest-five-star"' not in html
    assert "How products are selected" in html  # the rest of the page stays


@pytest.mark.django_db
def test_revoked_entries_alone_leave_the_registry_empty(client, geography):
    make_entry(stars=5, revoked=True)

    html, _ = home_queries(client)

    assert 'id="registry-empty"' in html


@pytest.mark.django_db
def test_home_query_count_is_small_and_does_not_grow_with_entries(client, geography):
    _, none = home_queries(client)
    make_entry(stars=5)
    _, one = home_queries(client)
    for i in range(20):
        make_entry(stars=5 - i % 5, province=list(PROVINCES)[i % 3])
    _, many = home_queries(client)

    # One grouped count; the newest five-star entries once there are some.
    assert len(none) <= 1, "\n".join(none)
    assert len(many) <= 2, "\n".join(many)
    assert len(many) == len(one)


def test_big_numbers_have_thousands_separators(anonymous):
    request = RequestFactory().get(HOME)
    request.user = anonymous
    summary = {
        "total": 16234,
        "by_stars": [{"stars": 5, "count": 12345, "unstarred": 0}],
        "by_region": [{"code": "north", "name": "ภาคเหนือ", "count": 4321}],
        "newest_five_star": [],
    }

    html = render_to_string(
        "home.html",
        {"registry": summary, "now": timezone.now()},
        request=request,
    )

    assert "16,234" in html and "12,345" in html and "4,321" in html
