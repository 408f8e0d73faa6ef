"""Property tests of the ranking (issue #11, point 8; DESIGN.md §3): the order
depends on the scores only — never on the order sheets or nominations come
in — follows mean total, then part C, then part B, then the earlier
submission, and a conflicted member's sheet changes nothing."""

import datetime as dt
import itertools
import random
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from committees.services import conflict_declare
from selection.selectors import RankedRow, mean_scores, ranking_key, ranking_rows
from tests.selection.ladder import (
    make_round,
    score,
    submitted_nomination,
)

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
HALF = Decimal("0.5")


# The pure part: many examples, no database ------------------------------------


def sheet(a: int, b: int, c: int) -> SimpleNamespace:
    """A submitted sheet; parts in half points (A ≤ 40, B ≤ 30, C ≤ 30)."""
    part_a, part_b, part_c = a * HALF, b * HALF, c * HALF
    return SimpleNamespace(
        total=part_a + part_b + part_c, part_a=part_a, part_b=part_b, part_c=part_c
    )


sheets = st.lists(
    st.builds(
        sheet,
        st.integers(0, 80),
        st.integers(0, 60),
        st.integers(0, 60),
    ),
    max_size=5,
)
# Small ranges so ties on the total, on C and on B really happen.
tied_sheets = st.lists(
    st.builds(sheet, st.integers(0, 4), st.integers(0, 2), st.integers(0, 2)),
    min_size=1,
    max_size=3,
)


@st.composite
def queues(draw, sheet_lists=sheets):
    count = draw(st.integers(1, 8))
    minutes = draw(st.lists(st.integers(0, 5), min_size=count, max_size=count))
    return [
        (
            SimpleNamespace(pk=pk, submitted_at=START + dt.timedelta(minutes=m)),
            draw(sheet_lists),
        )
        for pk, m in enumerate(minutes, start=1)
    ]


def rank(queue) -> list[RankedRow]:
    rows = [
        RankedRow(nomination, *mean_scores(counted), len(counted), len(counted))
        for nomination, counted in queue
    ]
    return sorted(rows, key=ranking_key)


def order(rows) -> list[int]:
    return [row.nomination.pk for row in rows]


@settings(max_examples=200)
@given(queue=queues(), seed=st.randoms(use_true_random=False))
def test_shuffling_sheets_and_nominations_never_changes_the_order(queue, seed):
    shuffled = [(n, seed.sample(s, len(s))) for n, s in queue]
    seed.shuffle(shuffled)

    assert order(rank(shuffled)) == order(rank(queue))


@settings(max_examples=500)
@given(queue=queues(tied_sheets))
def test_the_order_follows_total_then_part_c_then_part_b_then_submission(queue):
    rows = rank(queue)

    for better, worse in itertools.pairwise(rows):
        keys = [
            (better.mean_total, worse.mean_total),
            (better.mean_c, worse.mean_c),
            (better.mean_b, worse.mean_b),
        ]
        for mine, theirs in keys:
            assert mine >= theirs
            if mine > theirs:
                break
        else:
            assert better.nomination.submitted_at <= worse.nomination.submitted_at
            if better.nomination.submitted_at == worse.nomination.submitted_at:
                assert better.nomination.pk < worse.nomination.pk


@settings(max_examples=300)
@given(counted=sheets)
def test_the_score_is_the_mean_of_the_sheets(counted):
    total, a, b, c = mean_scores(counted)

    if not counted:
        assert (total, a, b, c) == (0, 0, 0, 0)
        return
    exact = sum(s.total for s in counted) / len(counted)
    assert abs(total - exact) <= Decimal("0.005")
    assert min(s.total for s in counted) <= total <= max(s.total for s in counted)
    assert abs(total - (a + b + c)) <= Decimal("0.02")  # each rounded once


# Against the database: the real ranking_rows, few examples -------------------

points = st.fixed_dictionaries(
    {"A": st.integers(0, 10), "B": st.integers(0, 10), "C": st.integers(0, 10)}
)
NOMINATIONS, SCORERS = 3, 3


@pytest.fixture
def district(officer, district_board):
    round_ = make_round(amphoe_advance=2, tambon_quota=10)
    nominations = [
        submitted_nomination(officer, round_, "500101", f"สินค้า {i}")
        for i in range(NOMINATIONS)
    ]
    # chair, secretary and one member score; the last member declares a conflict.
    return (
        round_,
        district_board,
        district_board.scorers[:SCORERS],
        district_board.scorers[SCORERS],
        nominations,
    )


def ranked(board, round_):
    return [
        (r.nomination.pk, r.mean_total, r.mean_a, r.mean_b, r.mean_c, r.sheet_count)
        for r in ranking_rows(board.committee, round_)
    ]


def scored(board, round_, scorers, nominations, grid, sheet_order):
    """Create the sheets in ``sheet_order`` and return the ranking; roll back."""
    with transaction.atomic():
        for n, m in sheet_order:
            score(scorers[m], nominations[n], grid[n][m])
        result = ranked(board, round_)
        transaction.set_rollback(True)
    return result


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    grid=st.lists(
        st.lists(points, min_size=SCORERS, max_size=SCORERS),
        min_size=NOMINATIONS,
        max_size=NOMINATIONS,
    ),
    seed=st.integers(0, 2**32 - 1),
    conflicted_on=st.integers(0, NOMINATIONS - 1),
    outlier=points,
)
@pytest.mark.django_db
def test_sheet_order_and_a_conflicted_sheet_do_not_change_the_ranking(
    district, grid, seed, conflicted_on, outlier
):
    round_, board, scorers, outsider, nominations = district
    canonical = [(n, m) for n in range(NOMINATIONS) for m in range(SCORERS)]
    shuffled = random.Random(seed).sample(canonical, len(canonical))

    expected = scored(board, round_, scorers, nominations, grid, canonical)

    with transaction.atomic():
        for n, m in shuffled:
            score(scorers[m], nominations[n], grid[n][m])
        assert ranked(board, round_) == expected
        target = nominations[conflicted_on]
        score(outsider, target, outlier)  # then found to be conflicted
        conflict_declare(
            actor=outsider, producer=target.product.producer, reason="เป็นญาติ"
        )
        assert ranked(board, round_) == expected
        transaction.set_rollback(True)
