"""The round dashboard: every number on the page and in the downloads equals a
count made here independently (from the audit trail, the ranking entries and
the awarded nominations, one object at a time), each reader sees only their
areas, and the page costs the same number of queries for any round size."""

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from committees.models import Tier as CommitteeTier
from communities.models import Amphoe, Province, Tambon
from core.buddhist_era import format_date
from selection.models import Nomination, RankingEntry, Round
from selection.selectors import queue_for
from selection.services import (
    nomination_award,
    nomination_create,
    nomination_return,
    nomination_withdraw,
    ranking_finalize,
    ranking_get,
)
from tests.accounts.factories import UserFactory
from tests.selection.ladder import (
    TODAY,
    Board,
    complete_product,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
TIERS = ("amphoe", "province", "central")
# Chiang Mai (north), Ubon Ratchathani (north-east); Chiang Rai for growth.
PROVINCES = ("50", "34")
MORE = "57"


# The round -----------------------------------------------------------------------


@dataclass
class World:
    round: Round
    central: Board
    provinces: dict[str, Board] = field(default_factory=dict)
    districts: dict[str, Board] = field(default_factory=dict)  # by amphoe code
    officers: dict[str, User] = field(default_factory=dict)  # by amphoe code


def _first_tambon(amphoe: Amphoe) -> str:
    return Tambon.objects.filter(amphoe=amphoe).order_by("code").first().code


def build_province(world: World, code: str, index: int, to_centre: bool = True) -> None:
    """Two districts: the first ranks three nominations and forwards one;
    the second has two waiting (ranked but not approved in the second
    province), one returned, one withdrawn and one draft. The province
    forwards its one nomination to the centre (or, without ``to_centre``,
    only finalizes its ranking)."""
    round_ = world.round
    first, second = Amphoe.objects.filter(province_id=code).order_by("code")[:2]
    world.provinces[code] = make_board(CommitteeTier.PROVINCE, code)
    for amphoe in (first, second):
        world.districts[amphoe.code] = make_board(CommitteeTier.AMPHOE, amphoe.code)
        world.officers[amphoe.code] = make_officer(_first_tambon(amphoe))

    tambon, officer, board = (
        _first_tambon(first),
        world.officers[first.code],
        world.districts[first.code],
    )
    kinds = ("FOOD-SNACK", "TEXTILE-SILK")
    for j in range(3):
        nomination = submitted_nomination(
            officer,
            round_,
            tambon,
            f"{code}-ก{j}",
            category=kinds[index % 2] if j == 0 else "DRINK-TEA",
        )
        score_all(board, [nomination], {"A": 9 - j, "B": 8, "C": 7})  # 81, 77, 73
    rank_and_approve(board, round_)

    tambon, officer, board = (
        _first_tambon(second),
        world.officers[second.code],
        world.districts[second.code],
    )
    gone = submitted_nomination(officer, round_, tambon, f"{code}-ถอน")
    nomination_withdraw(actor=officer, nomination=gone, note="ผู้ผลิตขอถอน")
    back = submitted_nomination(officer, round_, tambon, f"{code}-คืน")
    nomination_return(actor=board.secretary, nomination=back, reason="ภาพไม่ชัด")
    waiting = [
        submitted_nomination(officer, round_, tambon, f"{code}-รอ{j}") for j in range(2)
    ]
    nomination_create(
        actor=officer,
        round_=round_,
        product=complete_product(officer, tambon, f"{code}-ร่าง"),
    )
    if index % 2:
        score_all(board, waiting[:1], {"A": 5, "B": 5, "C": 5})  # 50
        score_all(board, waiting[1:], {"A": 10, "B": 10, "C": 10})  # 100
        ranking_finalize(
            actor=board.secretary,
            ranking=ranking_get(committee=board.committee, round_=round_),
        )

    board = world.provinces[code]
    queue = list(queue_for(board.committee, round_))
    points = {"A": 10, "B": 9, "C": 9} if index % 2 == 0 else {"A": 8, "B": 8, "C": 8}
    score_all(board, queue, points)  # 94 or 80
    if to_centre:
        rank_and_approve(board, round_)
    else:
        ranking_finalize(
            actor=board.secretary,
            ranking=ranking_get(committee=board.committee, round_=round_),
        )


def build_world() -> World:
    round_ = make_round(amphoe_advance=1, province_advance=1, tambon_quota=5)
    world = World(round=round_, central=make_board(CommitteeTier.CENTRAL))
    for index, code in enumerate(PROVINCES):
        build_province(world, code, index)
    at_centre = {n.province_code: n for n in queue_for(world.central.committee, round_)}
    score_all(world.central, [at_centre["50"]], {"A": 9, "B": 9, "C": 9})  # 90: 5★
    score_all(world.central, [at_centre["34"]], {"A": 8, "B": 7, "C": 7})  # 74: 3★
    rank_and_approve(world.central, round_)
    for nomination in at_centre.values():
        nomination_award(actor=world.central.chair, nomination=nomination)
    return world


@pytest.fixture
def world(geography) -> World:
    return build_world()


# Counts made independently -------------------------------------------------------


def expected_progress(round_: Round, area: str) -> dict[str, dict[str, Counter]]:
    """tier → area code → group → count, read from each nomination's audit
    trail and ranking entries (not from its denormalised tier and state)."""
    result = {tier: defaultdict(Counter) for tier in TIERS}
    for nomination in Nomination.objects.filter(round=round_):
        events = [(e.action, e.from_tier, e.to_tier) for e in nomination.events.all()]
        reached = ["amphoe"] if any(a == "submitted" for a, _f, _t in events) else []
        reached += [t for a, _f, t in events if a == "forwarded"]
        for tier in reached:
            if ("forwarded", tier) in {(a, f) for a, f, _t in events}:
                group = "forwarded"
            elif ("not_selected", tier) in {(a, f) for a, f, _t in events}:
                group = "not_selected"
            elif {("returned", tier), ("withdrawn", tier)} & {
                (a, f) for a, f, _t in events
            }:
                group = "returned"
            elif tier == "central" and any(a == "awarded" for a, _f, _t in events):
                group = "awarded"
            elif RankingEntry.objects.filter(
                nomination=nomination, ranking__tier=tier
            ).exists():
                group = "ranked"
            else:
                group = "pending"
            result[tier][getattr(nomination, f"{area}_code")][group] += 1
    return result


def expected_scores(round_: Round, provinces=None) -> dict[str, Counter]:
    """tier → 10-point band (0…9) → count, entry by entry."""
    result = {tier: Counter() for tier in TIERS}
    for entry in RankingEntry.objects.filter(ranking__round=round_).select_related(
        "ranking", "nomination"
    ):
        if provinces is None or entry.nomination.province_code in provinces:
            band = min(int(entry.mean_total // 10), 9)
            result[entry.ranking.tier][band] += 1
    return result


def expected_stars(round_: Round) -> tuple[Counter, Counter]:
    """(region, stars) and (product type, stars) of the awarded nominations."""
    by_region, by_type = Counter(), Counter()
    for nomination in Nomination.objects.filter(round=round_, state="awarded"):
        region = Province.objects.get(code=nomination.province_code).region_id
        by_region[(region, nomination.stars)] += 1
        by_type[(nomination.category.code, nomination.stars)] += 1
    return by_region, by_type


# Reading the page and the files --------------------------------------------------


def page_table(html: str, name: str) -> dict[str, list[int]]:
    """Row key → the numbers in the rendered table (the last is the total)."""
    table = re.search(
        rf'<table[^>]*id="table-{re.escape(name)}">(.*?)</table>', html, re.S
    )
    assert table, f"no table {name}"
    rows = {}
    for key, cells in re.findall(
        r'<tr data-key="([^"]*)">(.*?)</tr>', table.group(1), re.S
    ):
        rows[key] = [
            int(value.replace(",", ""))
            for value in re.findall(r'<td class="num">([\d,]+)</td>', cells)
        ]
    return rows


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def csv_table(response) -> dict[str, list[int]]:
    """Row key (or "total") → the numbers (the last is the total)."""
    _header, *rows = csv_rows(response)
    return {(row[0] or "total"): [int(v) for v in row[2:]] for row in rows}


def progress_groups(tier: str) -> list[str]:
    if tier == "central":
        return ["pending", "ranked", "awarded"]
    return ["pending", "ranked", "forwarded", "not_selected", "returned"]


def as_rows(expected: dict[str, Counter], tier: str) -> dict[str, list[int]]:
    groups = progress_groups(tier)
    return {
        code: [counts[g] for g in groups] + [sum(counts[g] for g in groups)]
        for code, counts in expected.items()
    }


def with_total(rows: dict[str, list[int]]) -> dict[str, list[int]]:
    if rows:
        rows = {**rows, "total": [sum(col) for col in zip(*rows.values(), strict=True)]}
    return rows


def be(round_: Round) -> int:
    return round_.year + 543


def member_of(board: Board) -> User:
    return board.members[0]


# The numbers ---------------------------------------------------------------------


def test_central_staff_see_every_number_as_counted_independently(
    client, world, central_staff
):
    round_ = world.round
    client.force_login(central_staff)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["round"] == round_  # the open round by default
    html = response.content.decode()

    expected = expected_progress(round_, "province")
    for tier in TIERS:
        rows = with_total(as_rows(expected[tier], tier))
        assert page_table(html, f"progress-{tier}") == rows
        assert (
            csv_table(client.get(f"{URL}progress-{tier}.csv", {"round": be(round_)}))
            == rows
        )
    # The scenario, spelled out: both provinces alike at the district tier.
    for code in PROVINCES:
        counts = expected["amphoe"][code]
        assert counts["forwarded"] == 1 and counts["not_selected"] == 2
        assert counts["returned"] == 2 and counts["pending"] + counts["ranked"] == 2
    assert expected["amphoe"]["34"]["ranked"] == 2
    assert expected["central"]["50"]["awarded"] == 1

    figures = {
        name: int(value.replace(",", ""))
        for name, value in re.findall(r'data-figure="(\w+)"[^>]*>([\d,]+)</dd>', html)
    }
    nominations = list(Nomination.objects.filter(round=round_))
    assert figures["total"] == len(nominations) == 16
    assert figures["drafts"] == sum(n.state == "draft" for n in nominations) == 2
    assert figures["awarded"] == sum(n.state == "awarded" for n in nominations) == 2
    assert figures["submitted"] == sum(n.submitted_at is not None for n in nominations)

    scores = expected_scores(round_)
    score_rows = {
        str(band * 10): [scores[t][band] for t in TIERS]
        + [sum(scores[t][band] for t in TIERS)]
        for band in range(10)
    }
    score_rows = with_total(score_rows)
    assert page_table(html, "scores") == score_rows
    assert csv_table(client.get(f"{URL}scores.csv", {"round": be(round_)})) == (
        score_rows
    )
    assert scores["amphoe"][9] == 1  # 100 points falls in the 90–100 band
    assert scores["central"] == Counter({9: 1, 7: 1})

    by_region, by_type = expected_stars(round_)
    assert by_region == Counter({("north", 5): 1, ("northeast", 3): 1})
    page_regions = page_table(html, "stars-region")
    assert list(page_regions)[:6] == [
        "north",
        "central",
        "northeast",
        "west",
        "east",
        "south",
    ]
    for region, values in page_regions.items():
        if region != "total":
            stars = [by_region[(region, n)] for n in (5, 4, 3, 2, 1)]
            assert values == [*stars, sum(stars)]
    for kind, values in page_table(html, "stars-type").items():
        if kind != "total":
            stars = [by_type[(kind, n)] for n in (5, 4, 3, 2, 1)]
            assert values == [*stars, sum(stars)]
    assert page_table(html, "stars-type")["total"] == [1, 0, 1, 0, 0, 2]
    for chart in ("stars-region", "stars-type"):
        assert csv_table(
            client.get(f"{URL}{chart}.csv", {"round": be(round_)})
        ) == page_table(html, chart)


def test_charts_are_accessible_svg_with_tables_and_downloads(
    client, world, central_staff
):
    client.force_login(central_staff)
    html = client.get(URL).content.decode()

    charts = re.findall(r"<svg class=\"chart-svg[^>]*>", html)
    assert len(charts) == 3 + 3 + 2  # progress per tier, score bands, stars
    assert all('role="img"' in svg and "aria-labelledby" in svg for svg in charts)
    assert html.count('<title id="chart-') == len(charts)
    assert html.count('<details class="chart-table">') == 6
    for chart in (*(f"progress-{t}" for t in TIERS), "scores", "stars-region"):
        assert f"/dashboard/{chart}.csv?round={be(world.round)}" in html
    assert "/dashboard/late.csv?round=" in html
    assert " style=" not in html.split('<main id="main"')[1]
    assert "<script" not in html


# Who sees what -------------------------------------------------------------------


def test_a_provincial_member_sees_their_province_by_district(client, world):
    round_ = world.round
    board = world.provinces["50"]
    client.force_login(member_of(board))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()

    expected = expected_progress(round_, "amphoe")
    for tier in TIERS:
        mine = {
            code: counts
            for code, counts in expected[tier].items()
            if code.startswith("50")
        }
        rows = with_total(as_rows(mine, tier))
        assert page_table(html, f"progress-{tier}") == rows
        assert (
            csv_table(client.get(f"{URL}progress-{tier}.csv", {"round": be(round_)}))
            == rows
        )
    assert set(page_table(html, "progress-amphoe")) == {"5001", "5002", "total"}

    scores = expected_scores(round_, provinces={"50"})
    page_scores = page_table(html, "scores")
    for band in range(10):
        assert page_scores[str(band * 10)][:3] == [scores[t][band] for t in TIERS]
    assert set(page_table(html, "stars-region")) == {"north", "total"}
    assert page_table(html, "stars-region")["north"] == [1, 0, 0, 0, 0, 1]
    assert "อุบลราชธานี" not in html


def test_a_district_member_sees_only_their_district(client, world):
    round_ = world.round
    client.force_login(member_of(world.districts["5001"]))
    html = client.get(URL).content.decode()

    expected = expected_progress(round_, "amphoe")
    assert page_table(html, "progress-amphoe") == with_total(
        as_rows({"5001": expected["amphoe"]["5001"]}, "amphoe")
    )
    assert page_table(html, "progress-amphoe")["5001"] == [0, 0, 1, 2, 0, 3]
    assert set(page_table(html, "progress-central")) == {"5001", "total"}
    csv = csv_table(client.get(f"{URL}progress-amphoe.csv", {"round": be(round_)}))
    assert set(csv) == {"5001", "total"}
    page_scores = page_table(html, "scores")
    assert page_scores["total"] == [3, 1, 1, 5]  # 81, 77, 73; 94; 90
    assert "จอมทอง" not in html  # the neighbouring district


def test_the_manage_round_permission_is_enough_for_the_whole_country(client, world):
    staff = UserFactory(username="cdd-analyst")
    staff.user_permissions.add(Permission.objects.get(codename="manage_round"))
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert set(page_table(html, "progress-amphoe")) == {"50", "34", "total"}


def test_central_committee_members_see_the_whole_country(client, world):
    client.force_login(member_of(world.central))
    html = client.get(URL).content.decode()
    assert set(page_table(html, "progress-amphoe")) == {"50", "34", "total"}


@pytest.mark.parametrize("path", [URL, f"{URL}progress-amphoe.csv", f"{URL}late.csv"])
def test_officers_and_outsiders_are_refused(client, world, path):
    assert client.get(path).status_code == 302  # to the login page
    assert "/accounts/login/" in client.get(path)["Location"]
    for user in (world.officers["5001"], UserFactory(username="citizen")):
        client.force_login(user)
        assert client.get(path).status_code == 403


def test_the_menu_shows_the_dashboard_only_to_those_who_may_see_it(client, world):
    client.force_login(member_of(world.provinces["34"]))
    assert 'href="/dashboard/"' in client.get("/").content.decode()
    client.force_login(world.officers["5001"])
    assert 'href="/dashboard/"' not in client.get("/").content.decode()


# Late committees -----------------------------------------------------------------


def test_late_committees_are_those_past_the_deadline_without_approval(
    client, world, central_staff
):
    round_ = world.round
    # The portal's today is Bangkok's, a day ahead of UTC from 17:00 UTC.
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)
    Round.objects.filter(pk=round_.pk).update(
        tambon_deadline=three_days_ago, amphoe_deadline=three_days_ago
    )
    waiting = {  # computed here: districts with pending nominations, not approved
        board.committee.pk
        for board in world.districts.values()
        if queue_for(board.committee, round_).exists()
        and not round_.rankings.filter(
            committee=board.committee, status="approved"
        ).exists()
    }
    assert waiting == {
        world.districts["5002"].committee.pk,
        world.districts["3402"].committee.pk,
    }
    client.force_login(central_staff)
    response = client.get(URL)
    late = response.context["late"]
    assert {item.committee.pk for item in late} == waiting
    assert {item.days_late for item in late} == {3}
    assert {item.ranking_status for item in late} == {"", "finalized"}
    assert {item.pending for item in late} == {2}
    html = response.content.decode()
    assert (
        len(re.findall(r"<tr data-key=\"\d+\">", html.split('id="table-late"')[1])) == 2
    )
    assert format_date(three_days_ago, language="th") in html  # B.E. date

    rows = csv_rows(client.get(f"{URL}late.csv", {"round": be(round_)}))
    assert len(rows) == 3
    assert {row[2] for row in rows[1:]} == {"5002", "3402"}
    assert {row[4] for row in rows[1:]} == {"3"}

    client.force_login(member_of(world.provinces["34"]))
    late = client.get(URL).context["late"]
    assert [item.committee.pk for item in late] == [
        world.districts["3402"].committee.pk
    ]
    client.force_login(member_of(world.districts["5001"]))
    assert client.get(URL).context["late"] == []


def test_no_committee_is_late_before_the_deadlines(client, world, central_staff):
    client.force_login(central_staff)
    response = client.get(URL)
    assert response.context["late"] == []
    assert 'id="late-none"' in response.content.decode()


def test_downloads_cannot_start_a_spreadsheet_formula(client, world, central_staff):
    round_ = world.round
    Round.objects.filter(pk=round_.pk).update(
        tambon_deadline=TODAY - dt.timedelta(days=1),
        amphoe_deadline=TODAY - dt.timedelta(days=1),
    )
    committee = world.districts["5002"].committee
    committee.name_th = '=HYPERLINK("http://evil")'
    committee.save(update_fields=["name_th"])
    client.force_login(central_staff)
    rows = csv_rows(client.get(f"{URL}late.csv", {"round": be(round_)}))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert not any(cell.startswith("=") for row in rows for cell in row)


# Rounds --------------------------------------------------------------------------


def test_the_round_is_chosen_by_its_buddhist_era_year(client, world, central_staff):
    older = Round.objects.create(
        year=world.round.year - 2,
        title_th="รอบเก่า",
        status=Round.Status.CLOSED,
        tambon_deadline=TODAY,
        amphoe_deadline=TODAY,
        province_deadline=TODAY,
        central_deadline=TODAY,
    )
    client.force_login(central_staff)
    response = client.get(URL, {"round": older.year + 543})
    assert response.context["round"] == older
    assert response.context["progress"].total == 0
    assert f'<option value="{older.year + 543}" selected>' in response.content.decode()
    assert client.get(URL).context["round"] == world.round
    assert client.get(URL, {"round": "25x9"}).status_code == 400
    assert client.get(URL, {"round": "2400"}).status_code == 404
    assert client.get(f"{URL}nothing.csv").status_code == 404


def test_without_a_round_the_page_says_so(client, central_staff):
    client.force_login(central_staff)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'id="dashboard-empty"' in response.content.decode()
    assert client.get(f"{URL}scores.csv").status_code == 404


# Query count ---------------------------------------------------------------------


def _queries(client, path=URL) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_queries_for_a_small_and_a_larger_round(
    client, world, central_staff
):
    a_week_ago = TODAY - dt.timedelta(days=7)  # so the late list is queried too
    Round.objects.filter(pk=world.round.pk).update(
        tambon_deadline=a_week_ago, amphoe_deadline=a_week_ago
    )
    readers = {
        "central": central_staff,
        "province": member_of(world.provinces["50"]),
        "district": member_of(world.districts["5001"]),
    }
    small = {}
    for name, user in readers.items():
        client.force_login(user)
        _queries(client)  # warm the session
        small[name] = _queries(client)
        assert small[name] <= 14, name

    Round.objects.filter(pk=world.round.pk).update(
        tambon_deadline=world.round.central_deadline,
        amphoe_deadline=world.round.central_deadline,
    )
    # A third province, ranked but not forwarded: the centre approved its
    # ranking, and nothing may join a finalized ranking's queue.
    build_province(world, MORE, 0, to_centre=False)
    # And more waiting in two districts whose rankings are still open.
    for code in ("5002", Amphoe.objects.filter(province_id=MORE)[1].code):
        officer = world.officers[code]
        tambon = _first_tambon(Amphoe.objects.get(code=code))
        for j in range(2):
            submitted_nomination(officer, world.round, tambon, f"เพิ่ม {code}-{j}")
    assert Nomination.objects.count() == 28  # from 16
    Round.objects.filter(pk=world.round.pk).update(
        tambon_deadline=a_week_ago, amphoe_deadline=a_week_ago
    )
    client.force_login(central_staff)
    assert len(client.get(URL).context["late"]) == 3  # 5002, 3402 and 5702

    for name, user in readers.items():
        client.force_login(user)
        _queries(client)
        assert _queries(client) == small[name], name
