"""A committee's support plan as a matrix (issue #18 §5): every role × every
state of the plan × every move its page offers ends allowed (with its one
event on the plan's trail), in PermissionDenied or in InvalidTransition, as
the table below says and as support_plan_actions (the page's buttons)
predicts; and a refused move writes nothing.

States: no plan yet (the ranking is finalized, nobody has touched the plan:
the page shows an unsaved draft, and the first move accepted stores it), a
draft with an action (the secretary edited last), a draft emptied again (its
one action deleted), a draft the chair edited last (this chair was also given
the secretary's right, and used it), approved, and reopened.

Roles: the plan committee's chair, secretary, member and observer, the chair
and secretary of another district's committee, central staff, the officer
whose products are planned for, someone anonymous.

Moves, as the page's POST runs them (support.admin_views.plan_view): the plan
is got (stored on first use, which the page undoes when the move is refused),
then the service is called. Update, delete and progress name one of the
plan's actions: with none there is no row to press them on, so they are not
possible and not called."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from guardian.shortcuts import assign_perm

from committees.models import Tier as CommitteeTier
from core.workflow import InvalidTransition
from support.models import SupportAction, SupportPlan, SupportPlanEvent
from support.services import (
    support_action_add,
    support_action_delete,
    support_action_progress,
    support_action_update,
    support_plan_actions,
    support_plan_approve,
    support_plan_get,
    support_plan_reopen,
)
from tests.selection.ladder import make_board
from tests.support.plans import action_fields, ranked_round

pytestmark = pytest.mark.django_db

ALLOWED, DENIED, INVALID = "allowed", "PermissionDenied", "InvalidTransition"
Event = SupportPlanEvent.Action

# The table. Which states each move starts from (not possible elsewhere:
# the state is checked before the right), and who of the plan's own committee
# may make it there.
DRAFTS = {"no_plan", "emptied", "draft", "chair_edited_last", "reopened"}
WITH_ACTIONS = {"draft", "chair_edited_last", "reopened", "approved"}
FROM = {
    "add": DRAFTS,
    "update": DRAFTS & WITH_ACTIONS,
    "delete": DRAFTS & WITH_ACTIONS,
    "approve": DRAFTS & WITH_ACTIONS,  # an empty plan has nothing to approve
    "reopen": {"approved"},
    "progress": {"approved"},
}
WHO = {
    "add": "secretary",
    "update": "secretary",
    "delete": "secretary",
    "approve": "chair",
    "reopen": "chair",
    "progress": "secretary",
}
EDITS = {"add", "update", "delete"}
STATES = ["no_plan", "emptied", "draft", "chair_edited_last", "approved", "reopened"]


def expected(move: str, state: str, role: str) -> str:
    if state not in FROM[move]:
        return INVALID
    if state == "chair_edited_last" and role == "chair":
        # This chair holds the secretary's right too: they may edit, and having
        # edited last, may not approve (the two-person rule).
        return ALLOWED if move in EDITS else DENIED
    return ALLOWED if role == WHO[move] else DENIED


# What the page shows: the move's name in support_plan_actions, and the moves
# on an action only on an action's row.
BUTTON = {
    "add": "edit",
    "update": "edit",
    "delete": "edit",
    "approve": "approve",
    "reopen": "reopen",
    "progress": "progress",
}
ON_AN_ACTION = {"update", "delete", "progress"}
EVENT = {
    "add": Event.ADDED,
    "update": Event.UPDATED,
    "delete": Event.DELETED,
    "approve": Event.APPROVED,
    "reopen": Event.REOPENED,
    "progress": Event.PROGRESS,
}


def call(move: str, user, plan: SupportPlan, world) -> None:
    action = plan.actions.first()
    if move == "add":
        fields = action_fields(world["round"], world["ranked"][1])
        support_action_add(actor=user, plan=plan, **fields)
    elif move == "update":
        support_action_update(actor=user, action=action, budget=Decimal("20000.00"))
    elif move == "delete":
        support_action_delete(actor=user, action=action)
    elif move == "approve":
        support_plan_approve(actor=user, plan=plan)
    elif move == "reopen":
        support_plan_reopen(actor=user, plan=plan, reason="งบประมาณถูกปรับลด")
    else:
        support_action_progress(
            actor=user, action=action, status="done", outcome="ยอดขายเพิ่ม 20%"
        )


def rows() -> tuple:
    """Everything a move could write: the plans, their actions, the trail."""
    return (
        list(SupportPlan.objects.order_by("pk").values()),
        list(SupportAction.objects.order_by("pk").values()),
        list(SupportPlanEvent.objects.order_by("pk").values()),
    )


def attempt(move: str, user, world) -> tuple[str, list, bool]:
    """The move's outcome, the events it appended and whether it wrote
    nothing at all; then undone (a savepoint), so every role faces the same
    plan. As on the page, the plan is got first (stored if new); what the
    service writes is what changes after that, kept until the service's own
    transaction, if any, undoes it."""
    with transaction.atomic():
        plan = support_plan_get(committee=world["committee"], round_=world["round"])
        before = rows()
        try:
            call(move, user, plan, world)
        except PermissionDenied:
            got = DENIED
        except InvalidTransition:
            got = INVALID
        except Exception as error:  # a crash is a mismatch too, named
            got = type(error).__name__
        else:
            got = ALLOWED
        after = rows()
        transaction.set_rollback(True)
    seen = {event["id"] for event in before[2]}
    appended = [(e["action"], e["actor_id"]) for e in after[2] if e["id"] not in seen]
    return got, appended, after == before


@pytest.fixture
def plan_world(district_board, officer, officer_tambon):
    """A finalized ranking of two of the officer's products by the district
    board, and no plan for it yet."""
    round_, ranked = ranked_round(district_board, officer, officer_tambon.code)
    return {"round": round_, "ranked": ranked, "committee": district_board.committee}


def bring_to(state: str, world, board) -> None:
    if state == "no_plan":
        return
    plan = support_plan_get(committee=world["committee"], round_=world["round"])
    fields = action_fields(world["round"], world["ranked"][0])
    action = support_action_add(actor=board.secretary, plan=plan, **fields)
    if state == "emptied":
        support_action_delete(actor=board.secretary, action=action)
    if state == "chair_edited_last":
        assign_perm("committees.finalize_ranking", board.chair, board.committee)
        support_action_update(actor=board.chair, action=action, quarter=3)
    if state in ("approved", "reopened"):
        support_plan_approve(actor=board.chair, plan=plan)
    if state == "reopened":
        support_plan_reopen(actor=board.chair, plan=plan, reason="ทบทวนงบประมาณ")


@pytest.mark.parametrize("state", STATES)
def test_the_support_plan_matrix(
    state, plan_world, district_board, officer, central_staff, anonymous
):
    board = district_board
    other = make_board(CommitteeTier.AMPHOE, "5002", members=0)
    bring_to(state, plan_world, board)
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
    }
    # What the page shows: the stored plan, or an unsaved draft before it.
    plan = SupportPlan.objects.filter(committee=board.committee).first()
    assert (plan is None) == (state == "no_plan")
    plan = plan or SupportPlan(round=plan_world["round"], committee=board.committee)
    has_action = plan.pk is not None and plan.actions.exists()
    assert has_action == (state in WITH_ACTIONS)

    mismatches = []
    for move in FROM:
        for role, user in people.items():
            want = expected(move, state, role)
            if move in ON_AN_ACTION and not has_action:
                got, appended, untouched = INVALID, [], True  # no action to name
            else:
                got, appended, untouched = attempt(move, user, plan_world)
            if got != want:
                mismatches.append((move, role, want, got))
            elif got == ALLOWED and appended != [(EVENT[move], user.pk)]:
                mismatches.append((move, role, "one event", appended))
            elif got != ALLOWED and not untouched:
                mismatches.append((move, role, "wrote nothing", "wrote"))
            shown = BUTTON[move] in support_plan_actions(user, plan) and (
                move not in ON_AN_ACTION or has_action
            )
            if shown != (want == ALLOWED):
                mismatches.append((move, role, "support_plan_actions", shown))
    assert mismatches == []
    assert SupportPlan.objects.exists() == (state != "no_plan")
