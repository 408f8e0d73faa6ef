"""The transition table of DESIGN.md §3 as a matrix: every role × every state
of a nomination × every action ends allowed (with its audit event), in
PermissionDenied or in InvalidTransition — as the table says, and as
available_actions() predicts."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction

from committees.models import Tier as CommitteeTier
from selection.models import Nomination, NominationEvent
from selection.services import (
    InvalidTransition,
    available_actions,
    nomination_award,
    nomination_create,
    nomination_resubmit,
    nomination_return,
    nomination_submit,
    nomination_withdraw,
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
    "returned",
    "amphoe_pending",
    "province_pending",
    "central_pending",
    "central_approved",
    "withdrawn",
    "not_selected",
    "awarded",
]
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
    if here not in FROM[action]:
        return INVALID
    if not WHO[action](role, nomination.tier):
        return DENIED
    if (action, scenario) in GUARD_FAILS:
        return INVALID
    return ALLOWED


@pytest.fixture
def ladder(geography):
    round_ = make_round(amphoe_advance=1, province_advance=1)
    boards = {
        "amphoe": make_board(CommitteeTier.AMPHOE, "5001"),
        "province": make_board(CommitteeTier.PROVINCE, "50"),
        "central": make_board(CommitteeTier.CENTRAL),
    }
    officer = make_officer("500101")
    other_officer = make_officer("500102")
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename="manage_round"))
    people = {
        "anonymous": AnonymousUser(),
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


def build(scenario: str, round_, boards, officer) -> Nomination:
    if scenario == "draft":
        record_forum(officer, round_, "500101")
        product = complete_product(officer, "500101", "ข้าวแต๋นน้ำแตงโม")
        return nomination_create(actor=officer, round_=round_, product=product)
    nomination = submitted_nomination(officer, round_, "500101", "ข้าวแต๋นน้ำแตงโม")
    if scenario == "returned":
        return nomination_return(
            actor=boards["amphoe"].secretary, nomination=nomination, reason="ขาดรูป"
        )
    if scenario == "withdrawn":
        nomination_withdraw(actor=officer, nomination=nomination)
    if scenario == "not_selected":
        better = submitted_nomination(officer, round_, "500101", "แคบหมูสูตรโบราณ")
        score_all(boards["amphoe"], [better], {"A": 10, "B": 10, "C": 10})
        score_all(boards["amphoe"], [nomination], {"A": 5, "B": 5, "C": 5})
        rank_and_approve(boards["amphoe"], round_)
    climb = ["amphoe", "province", "central"]
    stop = {
        "amphoe_pending": 0,
        "province_pending": 1,
        "central_pending": 2,
        "central_approved": 3,
        "awarded": 3,
    }.get(scenario, 0)
    for tier in climb[:stop]:
        score_all(boards[tier], [nomination], {"A": 9, "B": 9, "C": 9})
        rank_and_approve(boards[tier], round_)
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
def test_the_transition_table(ladder, scenario):
    round_, boards, officer, people = ladder
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
