"""The transition table of DESIGN.md §3 as a matrix: every role × every state
of a nomination × every action ends allowed (with its audit event), in
PermissionDenied or in InvalidTransition — as the table says, and as
available_actions() predicts."""

import contextlib
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction

from committees.models import Tier as CommitteeTier
from core.workflow import InvalidTransition
from selection.models import Nomination, NominationEvent, Ranking
from selection.selectors import committee_for, nomination_queue_for
from selection.services import (
    available_actions,
    nomination_award,
    nomination_create,
    nomination_resubmit,
    nomination_return,
    nomination_submit,
    nomination_withdraw,
    ranking_actions,
    ranking_approve,
    ranking_finalize,
    ranking_get,
    ranking_reopen,
)
from tests.accounts.factories import UserFactory
from tests.selection.ladder import (
    complete_product,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    record_forum,
    score,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db

ALLOWED, DENIED, INVALID = "allowed", "PermissionDenied", "InvalidTransition"

# The table: which (tier, state) each action starts from, and who may take it.
FROM = {
    "submit": {("tambon", "draft")},
    "resubmit": {("tambon", "returned")},
    "withdraw": {("tambon", "draft"), ("tambon", "returned"), ("amphoe", "pending")},
    "score": {("amphoe", "pending"), ("province", "pending"), ("central", "pending")},
    "return": {("amphoe", "pending"), ("province", "pending")},
    "award": {("central", "pending")},
}
WHO: dict[str, Callable[[str, str], bool]] = {
    "submit": lambda role, tier: role == "officer",
    "resubmit": lambda role, tier: role == "officer",
    "withdraw": lambda role, tier: role == "officer",
    "score": lambda role, tier: (
        role in {f"{tier}_chair", f"{tier}_secretary", f"{tier}_member"}
    ),
    "return": lambda role, tier: role == f"{tier}_secretary",
    "award": lambda role, tier: role == "central_chair",
}
# Guards beyond state and role that the scenarios leave unmet.
GUARD_FAILS = {
    ("score", "central_approved"),  # the central ranking is no longer open
    ("award", "central_pending"),  # the central ranking is not approved yet
    ("score", "central_finalized"),  # finalized: no more sheets
    ("award", "central_finalized"),  # finalized is not approved
    ("score", "amphoe_finalized"),
    ("return", "amphoe_finalized"),
    ("withdraw", "amphoe_finalized"),  # the district ranking is finalized
    ("submit", "draft_after_district_approved"),  # nobody would rank it
    ("resubmit", "returned_after_district_approved"),
    ("submit", "submitted_late"),
    ("resubmit", "resubmitted_late"),
}
EVENT = {
    "submit": "submitted",
    "resubmit": "resubmitted",
    "withdraw": "withdrawn",
    "score": "sheet_submitted",
    "return": "returned",
    "award": "awarded",
}
CALL = {
    "submit": lambda user, n: nomination_submit(actor=user, nomination=n),
    "resubmit": lambda user, n: nomination_resubmit(
        actor=user, nomination=n, response="แนบใบรับรองฉบับใหม่แล้ว"
    ),
    "withdraw": lambda user, n: nomination_withdraw(actor=user, nomination=n),
    "score": lambda user, n: score(user, n, {"A": 8, "B": 8, "C": 8}),
    "return": lambda user, n: nomination_return(
        actor=user, nomination=n, reason="ใบรับรองหมดอายุ"
    ),
    "award": lambda user, n: nomination_award(actor=user, nomination=n),
}
SCENARIOS = [
    "draft",
    "draft_after_district_approved",
    "returned",
    "returned_after_district_approved",
    "returned_from_province",
    "submitted_late",  # tried after the district approved: refused
    "resubmitted_late",  # likewise
    "amphoe_pending",
    "amphoe_finalized",
    "province_pending",
    "central_pending",
    "central_finalized",
    "central_approved",
    "withdrawn",
    "not_selected",
    "awarded",
]
# States no move leaves: the end of the nomination's road.
FINAL = {"withdrawn", "not_selected", "awarded"}
ROLES = [
    "anonymous",
    "officer",
    "other_officer",
    "central_staff",
    *(
        f"{tier}_{role}"
        for tier in ("amphoe", "province", "central")
        for role in ("chair", "secretary", "member", "observer")
    ),
]


def expected(action: str, nomination: Nomination, scenario: str, role: str) -> str:
    here = (nomination.tier, nomination.state)
    starts = FROM[action]
    if action == "score":  # only the tiers the round's plan has score
        plan = nomination.round.plan
        starts = {(t, "pending") for t in plan.committee_tiers if plan.scores(t)}
    if here not in starts:
        return INVALID
    if not WHO[action](role, nomination.tier):
        return DENIED
    if (action, scenario) in GUARD_FAILS:
        return INVALID
    return ALLOWED


def play(boards, tier: str, nominations, round_, points=9) -> None:
    """The tier's committee scores (if the plan has it score) and approves."""
    if round_.plan.scores(tier):
        score_all(boards[tier], nominations, {"A": points, "B": points, "C": points})
    rank_and_approve(boards[tier], round_)


def _world(preset, officer, anonymous, boards):
    """The officer of 500101, the boards above them, and everyone else who
    might try a move: another tambon's officer and a round manager; in a
    round of ``preset`` (the OPC district checks and forwards; its province
    forwards at 60 of 70 points)."""
    round_ = make_round(preset=preset, amphoe_advance=1, province_advance=1)
    other_officer = make_officer("500102")
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename="manage_round"))
    people = {
        "anonymous": anonymous,
        "officer": officer,
        "other_officer": other_officer,
        "central_staff": staff,
    }
    for tier, board in boards.items():
        people[f"{tier}_chair"] = board.chair
        people[f"{tier}_secretary"] = board.secretary
        people[f"{tier}_member"] = board.members[0]
        people[f"{tier}_observer"] = board.observer
    return round_, boards, officer, people


@pytest.fixture
def ladder(anonymous, officer, district_board, provincial_board, central_board):
    boards = {
        "amphoe": district_board,
        "province": provincial_board,
        "central": central_board,
    }
    return _world("ladder", officer, anonymous, boards)


@pytest.fixture(params=["ladder", "opc"])
def planned(
    request, anonymous, officer, district_board, provincial_board, central_board
):
    """The same world in a round of each preset."""
    boards = {
        "amphoe": district_board,
        "province": provincial_board,
        "central": central_board,
    }
    return _world(request.param, officer, anonymous, boards)


def _district_ranks_another(round_, boards, officer) -> None:
    """The district ranks and approves a ranking without the scenario's
    nomination in it."""
    other = submitted_nomination(officer, round_, "500101", "แคบหมูสูตรโบราณ")
    play(boards, "amphoe", [other], round_)


def build(scenario: str, round_, boards, officer) -> Nomination:
    if scenario in ("submitted_late", "resubmitted_late"):
        # The officer tries after the district approved its ranking; whatever
        # the services let through must not be stranded.
        nomination = build(
            "draft_after_district_approved"
            if scenario == "submitted_late"
            else "returned_after_district_approved",
            round_,
            boards,
            officer,
        )
        with contextlib.suppress(InvalidTransition):
            if scenario == "submitted_late":
                nomination_submit(actor=officer, nomination=nomination)
            else:
                nomination_resubmit(
                    actor=officer, nomination=nomination, response="แก้แล้ว"
                )
        return Nomination.objects.get(pk=nomination.pk)
    if scenario.startswith("draft"):
        record_forum(officer, round_, "500101")
        product = complete_product(officer, "500101", "ข้าวแต๋นน้ำแตงโม")
        if scenario == "draft_after_district_approved":
            _district_ranks_another(round_, boards, officer)
        return nomination_create(actor=officer, round_=round_, product=product)
    nomination = submitted_nomination(officer, round_, "500101", "ข้าวแต๋นน้ำแตงโม")
    if scenario.startswith("returned") and scenario != "returned_from_province":
        nomination = nomination_return(
            actor=boards["amphoe"].secretary, nomination=nomination, reason="ขาดรูป"
        )
        if scenario == "returned_after_district_approved":
            _district_ranks_another(round_, boards, officer)
        return Nomination.objects.get(pk=nomination.pk)
    if scenario == "amphoe_finalized":
        if round_.plan.scores("amphoe"):
            score_all(boards["amphoe"], [nomination], {"A": 9, "B": 9, "C": 9})
        ranking_finalize(
            actor=boards["amphoe"].secretary,
            ranking=ranking_get(committee=boards["amphoe"].committee, round_=round_),
        )
    if scenario == "withdrawn":
        nomination_withdraw(actor=officer, nomination=nomination)
    if scenario == "not_selected" and not round_.plan.scores("amphoe"):
        # Graded: passed by the district, below the province's threshold.
        play(boards, "amphoe", [nomination], round_)
        play(boards, "province", [nomination], round_, points=5)
    elif scenario == "not_selected":
        better = submitted_nomination(officer, round_, "500101", "แคบหมูสูตรโบราณ")
        score_all(boards["amphoe"], [better], {"A": 10, "B": 10, "C": 10})
        score_all(boards["amphoe"], [nomination], {"A": 5, "B": 5, "C": 5})
        rank_and_approve(boards["amphoe"], round_)
    climb = ["amphoe", "province", "central"]
    stop = {
        "amphoe_pending": 0,
        "province_pending": 1,
        "returned_from_province": 1,
        "central_pending": 2,
        "central_finalized": 2,
        "central_approved": 3,
        "awarded": 3,
    }.get(scenario, 0)
    for tier in climb[:stop]:
        play(boards, tier, [nomination], round_)
    if scenario == "returned_from_province":
        nomination_return(
            actor=boards["province"].secretary,
            nomination=Nomination.objects.get(pk=nomination.pk),
            reason="ขอใบรับรองฉบับจริง",
        )
    if scenario == "central_finalized":
        score_all(boards["central"], [nomination], {"A": 9, "B": 9, "C": 9})
        ranking_finalize(
            actor=boards["central"].secretary,
            ranking=ranking_get(committee=boards["central"].committee, round_=round_),
        )
    if scenario == "awarded":
        nomination_award(actor=boards["central"].chair, nomination=nomination)
    return Nomination.objects.get(pk=nomination.pk)


class _Undo(Exception):
    def __init__(self, outcome):
        self.outcome = outcome


def attempt(action: str, user, nomination: Nomination) -> tuple[str, list[str]]:
    """Run the action and report its outcome, then undo it (savepoint)."""
    try:
        with transaction.atomic():
            before = set(NominationEvent.objects.values_list("pk", flat=True))
            CALL[action](user, Nomination.objects.get(pk=nomination.pk))
            new_events = list(
                NominationEvent.objects.exclude(pk__in=before)
                .filter(nomination=nomination)
                .values_list("action", flat=True)
            )
            raise _Undo((ALLOWED, new_events))
    except _Undo as undo:
        return undo.outcome
    except PermissionDenied:
        return DENIED, []
    except InvalidTransition:
        return INVALID, []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_transition_table(planned, scenario):
    round_, boards, officer, people = planned
    nomination = build(scenario, round_, boards, officer)

    mismatches = []
    for action in CALL:
        for role in ROLES:
            want = expected(action, nomination, scenario, role)
            got, events = attempt(action, people[role], nomination)
            if got != want:
                mismatches.append((action, role, want, got))
            elif got == ALLOWED and EVENT[action] not in events:
                mismatches.append((action, role, "event", events))
            shown = action in available_actions(people[role], nomination)
            if shown != (want == ALLOWED):
                mismatches.append((action, role, "available_actions", shown))
    assert mismatches == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_state_is_a_dead_end(planned, scenario):
    """From every state the matrix builds, some role can move the nomination
    (or the ranking that holds it), or the state is final."""
    round_, boards, officer, people = planned
    nomination = build(scenario, round_, boards, officer)
    here = (nomination.tier, nomination.state)
    if nomination.state in FINAL:
        assert all(available_actions(u, nomination) == [] for u in people.values())
        return

    moves = {
        (role, action)
        for role, user in people.items()
        for action in available_actions(user, nomination)
    }
    committee = committee_for(nomination)
    ranking = (
        Ranking.objects.filter(round=round_, committee=committee).first()
        if committee is not None
        else None
    )
    if ranking is not None:
        moves |= {
            (role, f"ranking:{action}")
            for role, user in people.items()
            for action in ranking_actions(user, ranking)
        }
    assert moves, f"nobody can move a nomination at {here}"


def test_a_returned_nomination_cannot_go_back_into_an_approved_ranking(ladder, english):
    """The district approved its ranking after returning a nomination: the
    officer is told why resubmitting is refused and can still withdraw."""
    round_, boards, officer, people = ladder
    nomination = build("returned_after_district_approved", round_, boards, officer)

    with pytest.raises(InvalidTransition, match="finalized its ranking"):
        nomination_resubmit(actor=officer, nomination=nomination, response="แก้แล้ว")

    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == ("tambon", "returned")
    assert available_actions(officer, nomination) == ["withdraw"]
    nomination_withdraw(actor=officer, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.state == "withdrawn"


def test_a_nomination_returned_by_the_province_goes_back_to_the_province(ladder):
    round_, boards, officer, people = ladder
    nomination = build("returned_from_province", round_, boards, officer)
    assert nomination.returned_from == "province"

    nomination_resubmit(actor=officer, nomination=nomination, response="แนบแล้ว")

    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == ("province", "pending")
    assert "return" in available_actions(boards["province"].secretary, nomination)


def test_approval_waits_while_the_next_tier_has_finalized_its_ranking(ladder, english):
    """Forwarding into a finalized provincial ranking would strand the
    products there; the district chair is told to have it reopened first."""
    round_, boards, officer, people = ladder
    first = submitted_nomination(officer, round_, "500101", "ข้าวแต๋นน้ำแตงโม")
    score_all(boards["amphoe"], [first], {"A": 9, "B": 9, "C": 9})
    rank_and_approve(boards["amphoe"], round_)
    score_all(boards["province"], [first], {"A": 9, "B": 9, "C": 9})
    province = ranking_finalize(
        actor=boards["province"].secretary,
        ranking=ranking_get(committee=boards["province"].committee, round_=round_),
    )
    # Another district of the same province finalizes after the province did.
    district = make_board(CommitteeTier.AMPHOE, "5002")
    late = submitted_nomination(make_officer("500203"), round_, "500203", "ผ้าทอมือ")
    score_all(district, [late], {"A": 9, "B": 9, "C": 9})
    ranking = ranking_finalize(
        actor=district.secretary,
        ranking=ranking_get(committee=district.committee, round_=round_),
    )

    assert "approve" not in ranking_actions(district.chair, ranking)
    with pytest.raises(InvalidTransition, match="reopen it first"):
        ranking_approve(actor=district.chair, ranking=ranking)
    late.refresh_from_db()
    assert (late.tier, late.state) == ("amphoe", "pending")

    ranking_reopen(actor=boards["province"].chair, ranking=province, reason="รอ")
    ranking_approve(actor=district.chair, ranking=ranking)
    late.refresh_from_db()
    assert (late.tier, late.state) == ("province", "pending")


def test_another_provinces_finalized_ranking_does_not_hold_an_approval(ladder, english):
    """The next tier's committee is the one of this district's own province:
    Chiang Mai's finalized provincial ranking leaves Chiang Rai's districts
    free to forward to Chiang Rai's committee."""
    round_, boards, officer, people = ladder
    first = submitted_nomination(officer, round_, "500101", "ข้าวแต๋นน้ำแตงโม")
    score_all(boards["amphoe"], [first], {"A": 9, "B": 9, "C": 9})
    rank_and_approve(boards["amphoe"], round_)
    score_all(boards["province"], [first], {"A": 9, "B": 9, "C": 9})
    ranking_finalize(
        actor=boards["province"].secretary,
        ranking=ranking_get(committee=boards["province"].committee, round_=round_),
    )
    make_board(CommitteeTier.PROVINCE, "57")
    district = make_board(CommitteeTier.AMPHOE, "5701")
    other = submitted_nomination(make_officer("570101"), round_, "570101", "ชาอู่หลง")
    score_all(district, [other], {"A": 9, "B": 9, "C": 9})

    rank_and_approve(district, round_)

    other.refresh_from_db()
    assert (other.tier, other.state, other.province_code) == (
        "province",
        "pending",
        "57",
    )


def test_a_committees_queue_holds_only_what_waits_at_its_own_tier(ladder):
    """Forwarded, a nomination leaves the district's queue for the
    province's, though its amphoe is still the district's."""
    round_, boards, officer, people = ladder
    first = submitted_nomination(officer, round_, "500101", "ข้าวแต๋นน้ำแตงโม")
    district_member = boards["amphoe"].members[0]
    province_member = boards["province"].members[0]
    assert list(nomination_queue_for(user=district_member)) == [first]
    assert not nomination_queue_for(user=province_member).exists()

    score_all(boards["amphoe"], [first], {"A": 9, "B": 9, "C": 9})
    rank_and_approve(boards["amphoe"], round_)

    assert not nomination_queue_for(user=district_member).exists()
    assert list(nomination_queue_for(user=province_member)) == [first]
