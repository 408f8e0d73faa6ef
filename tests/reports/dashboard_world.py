"""The round the dashboard tests read (build_world), the counts they make
independently of the dashboard (from the audit trail, the ranking entries and
the awarded nominations, one object at a time), and readers of the page's
tables and the downloads."""

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from accounts.models import User
from committees.models import Tier as CommitteeTier
from communities.models import Amphoe, Province, Tambon
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
from tests.selection.ladder import (
    Board,
    complete_product,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

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


def first_tambon(amphoe: Amphoe) -> str:
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
        world.officers[amphoe.code] = make_officer(first_tambon(amphoe))

    tambon, officer, board = (
        first_tambon(first),
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
        first_tambon(second),
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
