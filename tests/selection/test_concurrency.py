"""Races that must produce exactly one effect, on PostgreSQL with real
concurrent transactions (SQLite serialises writers and proves nothing here)."""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection

from committees.models import Tier as CommitteeTier
from selection.models import Nomination, NominationEvent
from selection.services import (
    InvalidTransition,
    nomination_create,
    nomination_submit,
    ranking_approve,
    ranking_finalize,
    ranking_get,
)
from tests.selection.ladder import (
    complete_product,
    make_board,
    make_officer,
    make_round,
    record_forum,
    score_all,
    submitted_nomination,
)

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (CI's second run)",
    ),
    # serialized_rollback restores the seeded categories and standards that a
    # transactional test flushes away.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(count: int, action) -> list[str]:
    """Run ``action`` in ``count`` threads released at once; list outcomes."""
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            action()
            outcome = "ok"
        except (InvalidTransition, PermissionDenied) as error:
            outcome = type(error).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(outcomes)


def test_twenty_approvals_at_once_forward_the_quota_once(geography):
    round_ = make_round(amphoe_advance=2, tambon_quota=10)
    board = make_board(CommitteeTier.AMPHOE, "5001")
    officer = make_officer("500101")
    nominations = [
        submitted_nomination(officer, round_, "500101", f"สินค้า {i}") for i in range(5)
    ]
    for i, nomination in enumerate(nominations):
        score_all(board, [nomination], {"A": 9 - i, "B": 9, "C": 9})
    ranking = ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )

    outcomes = race(20, lambda: ranking_approve(actor=board.chair, ranking=ranking))

    assert outcomes.count("ok") == 1
    assert outcomes.count("InvalidTransition") == 19
    assert Nomination.objects.filter(tier="province").count() == 2
    assert NominationEvent.objects.filter(action="forwarded").count() == 2


def test_a_double_click_on_submit_submits_once(geography):
    round_ = make_round()
    officer = make_officer("500101")
    record_forum(officer, round_, "500101")
    product = complete_product(officer, "500101", "ข้าวแต๋น")
    nomination = nomination_create(actor=officer, round_=round_, product=product)

    outcomes = race(2, lambda: nomination_submit(actor=officer, nomination=nomination))

    assert outcomes == ["InvalidTransition", "ok"]
    assert NominationEvent.objects.filter(action="submitted").count() == 1


def test_the_tambon_quota_holds_when_two_submit_at_once(geography):
    round_ = make_round(tambon_quota=1)
    officer = make_officer("500101")
    record_forum(officer, round_, "500101")
    drafts = [
        nomination_create(
            actor=officer,
            round_=round_,
            product=complete_product(officer, "500101", f"สินค้า {i}"),
        )
        for i in range(2)
    ]
    queue = list(drafts)
    pick = threading.Lock()

    def submit_next():
        with pick:
            nomination = queue.pop()
        nomination_submit(actor=officer, nomination=nomination)

    outcomes = race(2, submit_next)

    assert outcomes == ["InvalidTransition", "ok"]
    assert Nomination.objects.filter(state="pending").count() == 1
