import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from committees.models import (
    ROLE_PERMISSIONS,
    Committee,
    CommitteeUserObjectPermission,
    Membership,
    MembershipEvent,
    Role,
    Tier,
)
from committees.permissions import can, committees_for
from committees.services import (
    committee_update,
    membership_change_role,
    membership_grant,
    membership_revoke,
    memberships_expire,
)
from communities.models import Amphoe
from tests.accounts.factories import UserFactory
from tests.committees.factories import (
    amphoe_committee,
    member_of,
    province_committee,
)

pytestmark = pytest.mark.django_db


def grants(user, committee):
    return set(
        CommitteeUserObjectPermission.objects.filter(
            user=user, content_object=committee
        ).values_list("permission__codename", flat=True)
    )


@pytest.fixture
def committee(geography):
    return amphoe_committee("5001")


def test_the_default_name_follows_the_programmes_custom(geography, thai):
    district = amphoe_committee("5001")
    bangkok_khet = amphoe_committee("1001")
    province = province_committee("50")

    assert district.name == "คณะทำงานขับเคลื่อน OTOP อำเภอเมืองเชียงใหม่"
    assert bangkok_khet.name == "คณะทำงานขับเคลื่อน OTOP เขตพระนคร"
    assert province.name == "คณะทำงานขับเคลื่อน OTOP จังหวัดเชียงใหม่"


def test_one_active_committee_per_tier_and_area(committee):
    with pytest.raises((IntegrityError, ValidationError)), transaction.atomic():
        Committee.objects.create(
            tier=Tier.AMPHOE, amphoe=committee.amphoe, term_start=dt.date(2026, 1, 1)
        )


def test_a_district_committee_needs_its_amphoe_and_nothing_else(geography):
    with pytest.raises((IntegrityError, ValidationError)), transaction.atomic():
        Committee.objects.create(tier=Tier.AMPHOE, term_start=dt.date(2026, 1, 1))


@pytest.mark.parametrize("role", list(Role))
def test_each_role_carries_exactly_its_permissions(committee, role):
    user = member_of(committee, role, username=f"u-{role}")

    assert grants(user, committee) == set(ROLE_PERMISSIONS[role])
    assert user.is_staff  # members work in the admin


def test_revoking_removes_every_grant_and_admin_access(committee, central_staff):
    user = member_of(committee, Role.SECRETARY, "secretary")
    membership = Membership.objects.get(user=user)

    membership_revoke(actor=central_staff, membership=membership, note="ย้ายงาน")

    user.refresh_from_db()
    assert grants(user, committee) == set()
    assert not CommitteeUserObjectPermission.objects.filter(user=user).exists()
    assert not user.is_staff
    assert not can(user, "view_committee", committee)


def test_central_staff_keep_admin_access_when_a_membership_ends(
    committee, central_staff
):
    staff = UserFactory(username="staff", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_committee"))
    membership_grant(
        actor=central_staff, user=staff, committee=committee, role=Role.MEMBER
    )
    membership_revoke(actor=central_staff, membership=staff.memberships.get())

    staff.refresh_from_db()
    assert staff.is_staff


def test_changing_role_swaps_the_grants(committee, central_staff):
    user = member_of(committee, Role.MEMBER, "somchai")
    membership = Membership.objects.get(user=user)

    membership_change_role(actor=central_staff, membership=membership, role="chair")

    assert grants(user, committee) == set(ROLE_PERMISSIONS[Role.CHAIR])


def test_a_committee_has_one_chair_and_one_secretary(committee):
    member_of(committee, Role.CHAIR, "chair")
    with pytest.raises(ValidationError):
        member_of(committee, Role.CHAIR, "second-chair")
    assert Membership.objects.filter(role=Role.CHAIR).count() == 1


def test_only_central_staff_appoint(committee):
    chair = member_of(committee, Role.CHAIR, "chair")
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=chair, user=UserFactory(), committee=committee, role=Role.MEMBER
        )


def test_grants_revocations_and_role_changes_are_recorded(committee, central_staff):
    user = member_of(committee, Role.MEMBER, "somchai")
    membership = Membership.objects.get(user=user)
    membership_change_role(
        actor=central_staff, membership=membership, role=Role.OBSERVER
    )
    membership_revoke(actor=central_staff, membership=membership)

    events = list(
        MembershipEvent.objects.filter(membership=membership)
        .order_by("at", "pk")
        .values_list("action", "from_role", "to_role")
    )
    assert events == [
        ("granted", "", "member"),
        ("role_changed", "member", "observer"),
        ("revoked", "observer", ""),
    ]


def test_access_ends_with_the_term_even_before_the_sweep(committee):
    user = member_of(
        committee,
        Role.MEMBER,
        "short-term",
        term_start=dt.date(2025, 10, 1),
        term_end=dt.date(2025, 12, 31),
    )

    # Today (2026 or later) is past the term: no access, although the grant rows
    # are still there until the sweep runs.
    assert grants(user, committee)
    assert not committees_for(user, "score_in").exists()


def test_the_expiry_sweep_closes_ended_memberships_and_their_grants(committee):
    ended = member_of(committee, Role.MEMBER, "ended", term_end=dt.date(2025, 12, 31))
    current = member_of(committee, Role.MEMBER, "current")

    assert memberships_expire(today=dt.date(2026, 1, 1)) == 1

    assert grants(ended, committee) == set()
    assert grants(current, committee) == set(ROLE_PERMISSIONS[Role.MEMBER])
    event = MembershipEvent.objects.get(membership__user=ended, action="expired")
    assert event.actor is None


def test_a_future_term_gives_no_access_yet(committee):
    user = member_of(committee, Role.MEMBER, "future", term_start=dt.date(2099, 1, 1))
    assert not committees_for(user, "score_in").exists()


def test_deactivating_a_committee_closes_its_memberships(committee, central_staff):
    user = member_of(committee, Role.CHAIR, "chair")

    committee_update(actor=central_staff, committee=committee, is_active=False)

    assert grants(user, committee) == set()
    assert not committees_for(user, "view_committee").exists()


def test_a_new_committee_can_follow_a_deactivated_one(committee, central_staff):
    committee_update(actor=central_staff, committee=committee, is_active=False)

    again = amphoe_committee("5001")

    assert again.is_active and again.pk != committee.pk
    assert Amphoe.objects.get(pk="5001").committees.count() == 2
