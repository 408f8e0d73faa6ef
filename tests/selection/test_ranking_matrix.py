"""A committee's ranking as a matrix (issue #18 §5): every role × every state
of the ranking × every move its page offers ends allowed (with its audit
event), in PermissionDenied or in InvalidTransition, as the table below says
and as ranking_actions (the page's buttons) predicts, at each committee tier.

States: not started (no row yet: the page shows it unsaved and open, and the
first move accepted stores it), open (reopened by the chair), finalized,
approved. Roles: the ranking committee's chair, secretary, member and
observer, the chair, secretary and member of another committee (a
neighbouring district or province; the province for the central ranking),
central staff, the officer whose products are ranked, someone anonymous."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from committees.models import Tier as CommitteeTier
from core.workflow import InvalidTransition
from selection.models import NominationEvent, Ranking
from selection.selectors import ranking_of
from selection.services import (
    ranking_actions,
    ranking_approve,
    ranking_award_all,
    ranking_finalize,
    ranking_move_entry,
    ranking_reopen,
)
from tests.selection.ladder import (
    make_board,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db

ALLOWED, DENIED, INVALID = "allowed", "PermissionDenied", "InvalidTransition"
NINE = {"A": 9, "B": 9, "C": 9}

# The table: which states each move starts from, and which role of the
# ranking's own committee may make it. Awarding all is the central tier's.
FROM = {
    "finalize": {"not_started", "open"},
    "reopen": {"finalized"},
    "approve": {"finalized"},
    "move": {"finalized"},
    "award_all": {"approved"},
}
WHO = {
    "finalize": "secretary",
    "reopen": "chair",
    "approve": "chair",
    "move": "secretary",
    "award_all": "chair",
}
ONLY_AT = {"award_all": "central"}
EVENT = {
    "finalize": "ranking_finalized",
    "reopen": "ranking_reopened",
    "approve": "ranking_approved",
    "move": "entry_moved",
    "award_all": "awarded",
}
STATES = ["not_started", "open", "finalized", "approved"]
TIERS = ["amphoe", "province", "central"]


def expected(move: str, state: str, tier: str, role: str) -> str:
    if state not in FROM[move] or ONLY_AT.get(move, tier) != tier:
        return INVALID  # the state is checked before the right
    return ALLOWED if role == WHO[move] else DENIED


def call(move: str, user, ranking: Ranking):
    if move == "finalize":
        return ranking_finalize(actor=user, ranking=ranking)
    if move == "reopen":
        return ranking_reopen(actor=user, ranking=ranking, reason="ทบทวนคะแนน")
    if move == "approve":
        return ranking_approve(actor=user, ranking=ranking)
    if move == "move":
        return ranking_move_entry(
            actor=user,
            entry=ranking.entries.order_by("position").last(),
            position=1,
            justification="ตลาดต้องการมาก",
        )
    return ranking_award_all(actor=user, ranking=ranking)


class _Undo(Exception):
    def __init__(self, events):
        self.events = events


def attempt(move: str, user, ranking: Ranking) -> tuple[str, list[str]]:
    """The move's outcome and the events it wrote, then undone (savepoint)."""
    before = set(NominationEvent.objects.values_list("pk", flat=True))
    fresh = ranking if ranking.pk is None else Ranking.objects.get(pk=ranking.pk)
    try:
        with transaction.atomic():
            call(move, user, fresh)
            raise _Undo(
                list(
                    NominationEvent.objects.exclude(pk__in=before).values_list(
                        "action", flat=True
                    )
                )
            )
    except _Undo as undo:
        return ALLOWED, undo.events
    except PermissionDenied:
        return DENIED, []
    except InvalidTransition:
        return INVALID, []


@pytest.fixture
def boards(district_board, provincial_board, central_board):
    """The boards above the officer's tambon (5001, 50, the centre), each
    with another committee beside it."""
    return {
        "amphoe": (district_board, make_board(CommitteeTier.AMPHOE, "5002")),
        "province": (provincial_board, make_board(CommitteeTier.PROVINCE, "57")),
        "central": (central_board, provincial_board),
    }


def ranking_in(state: str, tier: str, boards, officer) -> Ranking:
    """The ranking of ``tier``'s board over two products of the officer's
    tambon, every sheet in, brought to ``state``."""
    round_ = make_round(amphoe_advance=2, province_advance=2, tambon_quota=10)
    nominations = [
        submitted_nomination(officer, round_, "500101", name)
        for name in ("น้ำพริกหนุ่ม", "แคบหมู")
    ]
    for below in TIERS[: TIERS.index(tier)]:
        score_all(boards[below][0], nominations, NINE)
        rank_and_approve(boards[below][0], round_)
    board = boards[tier][0]
    score_all(board, nominations, NINE)
    ranking = ranking_of(
        user=board.chair, round_id=round_.pk, committee_id=board.committee.pk
    )
    assert ranking.pk is None  # nobody has moved it: not stored yet
    if state != "not_started":
        ranking = ranking_finalize(actor=board.secretary, ranking=ranking)
    if state == "open":
        ranking = ranking_reopen(actor=board.chair, ranking=ranking, reason="ทบทวน")
    if state == "approved":
        ranking = ranking_approve(actor=board.chair, ranking=ranking)
    return ranking


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("state", STATES)
def test_the_ranking_matrix(tier, state, boards, officer, central_staff, anonymous):
    ranking = ranking_in(state, tier, boards, officer)
    assert ranking.status == ("open" if state == "not_started" else state)
    board, other = boards[tier]
    people = {
        "anonymous": anonymous,
        "officer": officer,
        "central_staff": central_staff,
        "chair": board.chair,
        "secretary": board.secretary,
        "member": board.members[0],
        "observer": board.observer,
        "other_chair": other.chair,
        "other_secretary": other.secretary,
        "other_member": other.members[0],
    }

    nothing_to_move = ranking.pk is None or not ranking.entries.exists()
    mismatches = []
    for move in FROM:
        for role, user in people.items():
            want = expected(move, state, tier, role)
            if move == "move" and nothing_to_move:
                got, events = INVALID, []  # no entry to move before finalizing
            else:
                got, events = attempt(move, user, ranking)
            if got != want:
                mismatches.append((move, role, want, got))
            elif got == ALLOWED and EVENT[move] not in events:
                mismatches.append((move, role, "event", events))
            shown = move in ranking_actions(user, ranking)
            if shown != (want == ALLOWED):
                mismatches.append((move, role, "ranking_actions", shown))
    assert mismatches == []
    assert Ranking.objects.filter(pk=ranking.pk).exists() == (state != "not_started")
