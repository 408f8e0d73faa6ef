"""The kernel's one recipe (``core.workflow``) and the workflows outside the
ladder that use it: role × state → allowed / not allowed / not possible, and
each answer the same from the service as from the page's list of actions.
(The ladder's own matrices are tests/selection/test_transitions.py for
nominations and test_ranking_matrix.py for rankings; support plans' is
tests/support/test_plan_matrix.py.)"""

import pytest
from django.core.exceptions import PermissionDenied

from committees.models import Membership, Role
from committees.services import (
    membership_actions,
    membership_change_role,
    membership_revoke,
)
from communities.models import OfficerAssignment
from communities.services import (
    GRANT_CHECKS,
    assignment_actions,
    assignment_grant,
    assignment_revoke,
)
from core.workflow import Checks, InvalidTransition, allow, require
from registry.services import entry_actions, registry_revoke
from tests.accounts.factories import UserFactory
from tests.committees.factories import amphoe_committee, central_staff, member_of
from tests.core.builders import registry_entry
from tests.selection.ladder import make_officer

ALLOWED, NOT_ALLOWED, NOT_POSSIBLE = "allowed", "not allowed", "not possible"


def outcome(move) -> str:
    try:
        move()
    except InvalidTransition:
        return NOT_POSSIBLE
    except PermissionDenied:
        return NOT_ALLOWED
    return ALLOWED


# The kernel ----------------------------------------------------------------------


def test_checks_are_declared_once_and_answer_both_guard_and_buttons():
    checks = Checks()

    @checks.check("open")
    def _open(actor, door):
        require(not door["open"], "already open")
        allow(actor == "keeper", "only the keeper")

    @checks.check("paint")
    def _paint(actor, door):
        allow(actor in {"keeper", "painter"}, "only a painter")

    closed = {"open": False}
    assert checks.passing("keeper", closed) == ["open", "paint"]
    assert checks.passing("painter", closed) == ["paint"]
    assert checks.passing("keeper", {"open": True}) == ["paint"]
    with pytest.raises(InvalidTransition, match="already open"):
        checks.run("open", "keeper", {"open": True})
    with pytest.raises(PermissionDenied, match="only the keeper"):
        checks.run("open", "painter", closed)
    with pytest.raises(ValueError, match="already has a check"):
        checks.check("open")(_paint)


# Committee memberships -----------------------------------------------------------

MEMBERSHIP_MOVES = {
    "change_role": lambda actor, m: membership_change_role(
        actor=actor, membership=m, role=Role.OBSERVER
    ),
    "revoke": lambda actor, m: membership_revoke(actor=actor, membership=m),
}


def _membership_roles(committee):
    # Central staff last: once they move, the others face the new state.
    return {
        "the committee's chair": member_of(committee, Role.CHAIR, "chair"),
        "the member": Membership.objects.get(user__username="member").user,
        "an officer": make_officer("500101"),
        "central staff": central_staff(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["active", "ended"])
@pytest.mark.parametrize("move", sorted(MEMBERSHIP_MOVES))
def test_membership_matrix(geography, state, move):
    committee = amphoe_committee("5001")
    member_of(committee, Role.MEMBER, "member")
    membership = Membership.objects.get(user__username="member")
    roles = _membership_roles(committee)
    if state == "ended":
        membership_revoke(actor=central_staff(), membership=membership)
    expected = {
        ("active", "central staff"): ALLOWED,
        ("active", "the committee's chair"): NOT_ALLOWED,
        ("active", "the member"): NOT_ALLOWED,
        ("active", "an officer"): NOT_ALLOWED,
    }
    for role, actor in roles.items():
        membership.refresh_from_db()
        offered = move in membership_actions(actor, membership)
        want = expected.get((state, role), NOT_POSSIBLE)
        got = outcome(lambda actor=actor: MEMBERSHIP_MOVES[move](actor, membership))
        assert (got, offered) == (want, want == ALLOWED), (state, role)
        if got == ALLOWED:  # one actor moves; the others see the new state
            state = "ended" if move == "revoke" else state


@pytest.mark.django_db
def test_revoking_an_ended_membership_is_refused_and_records_nothing(geography):
    committee = amphoe_committee("5001")
    member_of(committee, Role.MEMBER, "member")
    membership = Membership.objects.get(user__username="member")
    membership_revoke(actor=central_staff(), membership=membership)
    events = membership.events.count()

    with pytest.raises(InvalidTransition):
        membership_revoke(actor=central_staff(), membership=membership)
    assert membership.events.count() == events


# Registry entries ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["live", "revoked"])
def test_registry_entry_matrix(geography, state):
    entry = registry_entry()
    publisher = central_staff()  # holds registry.publish_entry
    if state == "revoked":
        registry_revoke(actor=publisher, entry=entry, reason="ข้อมูลไม่ถูกต้อง")
    roles = {
        "publisher": publisher,
        "staff without the right": UserFactory(username="clerk", is_staff=True),
        "an officer": make_officer("500102"),
    }
    expected = {"publisher": ALLOWED} if state == "live" else {}
    default = NOT_ALLOWED if state == "live" else NOT_POSSIBLE
    for role, actor in sorted(roles.items(), key=lambda item: item[0] == "publisher"):
        entry.refresh_from_db()
        offered = "revoke" in entry_actions(actor, entry)
        want = expected.get(role, default)
        got = outcome(
            lambda actor=actor: registry_revoke(actor=actor, entry=entry, reason="x")
        )
        assert (got, offered) == (want, want == ALLOWED), (state, role)


# Officer assignments -------------------------------------------------------------


@pytest.fixture
def assignment_roles(anonymous, officer, district_chair, central_staff):
    """Everyone who might try to assign or revoke an officer; central staff
    last: once they move, the others face the new state."""
    return {
        "anonymous": anonymous,
        "the officer": officer,
        "another officer": make_officer("500102"),
        "a district chair": district_chair,
        "staff without the right": UserFactory(username="clerk", is_staff=True),
        "central staff": central_staff,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["active", "revoked"])
def test_officer_assignment_matrix(state, officer, central_staff, assignment_roles):
    assignment = OfficerAssignment.objects.get(user=officer)
    if state == "revoked":
        assignment_revoke(actor=central_staff, assignment=assignment)
    for role, actor in assignment_roles.items():
        assignment.refresh_from_db()
        events = assignment.events.count()
        offered = "revoke" in assignment_actions(actor, assignment)
        if state == "revoked":
            want = NOT_POSSIBLE
        else:
            want = ALLOWED if role == "central staff" else NOT_ALLOWED
        got = outcome(
            lambda actor=actor: assignment_revoke(actor=actor, assignment=assignment)
        )
        assert (got, offered) == (want, want == ALLOWED), (state, role)
        assert assignment.events.count() == events + (got == ALLOWED), (state, role)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["unassigned", "assigned", "revoked"])
def test_officer_grant_matrix(state, officer_tambon, central_staff, assignment_roles):
    """Assigning a newcomer to the officer's tambon: possible unless the
    newcomer already holds it, and only for central staff."""
    newcomer = UserFactory(username="newcomer")
    if state != "unassigned":
        held = assignment_grant(
            actor=central_staff, user=newcomer, tambon=officer_tambon
        )
        if state == "revoked":
            assignment_revoke(actor=central_staff, assignment=held)
    for role, actor in assignment_roles.items():
        proposed = OfficerAssignment(user=newcomer, tambon=officer_tambon)
        offered = "grant" in GRANT_CHECKS.passing(actor, proposed)
        if state == "assigned":
            want = NOT_POSSIBLE
        else:
            want = ALLOWED if role == "central staff" else NOT_ALLOWED
        got = outcome(
            lambda actor=actor: assignment_grant(
                actor=actor, user=newcomer, tambon=officer_tambon
            )
        )
        assert (got, offered) == (want, want == ALLOWED), (state, role)
    # Whatever the state, the newcomer ends with the one active assignment.
    assert (
        OfficerAssignment.objects.filter(user=newcomer, revoked_at__isnull=True).count()
        == 1
    )


@pytest.mark.django_db
def test_revoking_a_revoked_assignment_is_refused_and_records_nothing(
    officer, central_staff, english
):
    assignment = OfficerAssignment.objects.get(user=officer)
    assignment_revoke(actor=central_staff, assignment=assignment, note="ย้ายอำเภอ")
    events = list(assignment.events.values_list("action", "actor", "note"))

    with pytest.raises(InvalidTransition, match="already been revoked"):
        assignment_revoke(actor=central_staff, assignment=assignment)

    assert list(assignment.events.values_list("action", "actor", "note")) == events
    assert events[0] == ("revoked", central_staff.pk, "ย้ายอำเภอ")
