import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from committees.models import (
    Committee,
    CommitteeUserObjectPermission,
    ConflictDeclaration,
    Membership,
    Role,
    Tier,
)
from committees.permissions import can, committees_for, limit_to_committee_areas
from committees.selectors import conflicts_for, conflicts_of, is_conflicted
from committees.services import conflict_declare
from communities.models import Amphoe, Producer, Province, Tambon
from communities.services import assignment_grant
from core.tiers import tambon_areas
from tests.accounts.factories import UserFactory
from tests.committees.factories import (
    amphoe_committee,
    central_committee,
    member_of,
    province_committee,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def producers(geography):
    """One producer in each of three tambons of two provinces."""
    return {
        code: Producer.objects.create(
            kind="community", name_th=f"กลุ่ม {code}", tambon_id=code
        )
        for code in ("500101", "500203", "100101")
    }


def visible(user, perm="view_committee"):
    return set(
        limit_to_committee_areas(
            Producer.objects.all(),
            user,
            perm,
            area_fields=tambon_areas("tambon__"),
        ).values_list("tambon_id", flat=True)
    )


def test_a_district_member_sees_their_amphoe_only(producers):
    member = member_of(amphoe_committee("5001"), Role.MEMBER, "district")
    assert visible(member) == {"500101"}


def test_a_provincial_member_sees_their_province(producers):
    member = member_of(province_committee("50"), Role.MEMBER, "province")
    assert visible(member) == {"500101", "500203"}


def test_a_central_member_sees_the_whole_country(producers):
    member = member_of(central_committee(), Role.MEMBER, "central-member")
    assert visible(member) == {"500101", "500203", "100101"}


def test_an_observer_may_look_but_not_score(producers):
    observer = member_of(amphoe_committee("5001"), Role.OBSERVER, "observer")
    assert visible(observer, "view_committee") == {"500101"}
    assert visible(observer, "score_in") == set()


def test_someone_without_a_committee_sees_nothing(producers):
    assert visible(UserFactory()) == set()


def test_can_answers_per_committee(geography):
    mine, theirs = amphoe_committee("5001"), amphoe_committee("5002")
    secretary = member_of(mine, Role.SECRETARY, "secretary")

    assert can(secretary, "finalize_ranking", mine)
    assert not can(secretary, "approve_ranking", mine)
    assert not can(secretary, "finalize_ranking", theirs)


@pytest.fixture
def national_scale(geography):
    """1,000 committees and 10,000 grants, written in bulk for speed."""
    committees = Committee.objects.bulk_create(
        [
            Committee(tier=Tier.AMPHOE, amphoe=a, term_start=dt.date(2025, 10, 1))
            for a in Amphoe.objects.all()
        ]
        + [
            Committee(tier=Tier.PROVINCE, province=p, term_start=dt.date(2025, 10, 1))
            for p in Province.objects.all()[: 1000 - Amphoe.objects.count()]
        ]
    )
    assert len(committees) == 1000
    users = [UserFactory.build(username=f"m{i}") for i in range(1000)]
    users = type(users[0]).objects.bulk_create(users)
    perms = {
        p.codename: p
        for p in Permission.objects.filter(codename__in=["view_committee", "score_in"])
    }
    memberships, grants = [], []
    for i in range(5000):
        user_index, round_ = i % 1000, i // 1000
        user = users[user_index]
        committee = committees[(user_index * 7 + round_ * 131) % 1000]
        memberships.append(
            Membership(
                user=user,
                committee=committee,
                role=Role.MEMBER,
                term_start=dt.date(2025, 10, 1),
            )
        )
        for perm in perms.values():
            grants.append(
                CommitteeUserObjectPermission(
                    user=user, permission=perm, content_object=committee
                )
            )
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    CommitteeUserObjectPermission.objects.bulk_create(grants, ignore_conflicts=True)
    assert CommitteeUserObjectPermission.objects.count() == 10000
    return users


def test_committees_for_is_one_query_at_national_scale(
    national_scale, django_assert_num_queries
):
    user = national_scale[0]
    with django_assert_num_queries(1):
        mine = list(committees_for(user, "score_in"))
    assert len(mine) == 5


def test_the_area_filter_is_one_query_at_national_scale(
    national_scale, producers, django_assert_num_queries
):
    user = national_scale[0]
    with django_assert_num_queries(1):
        list(
            limit_to_committee_areas(
                Producer.objects.all(),
                user,
                "score_in",
                area_fields=tambon_areas("tambon__"),
            )
        )


# Conflicts of interest ----------------------------------------------------------


def test_a_declared_conflict_counts(producers):
    member = UserFactory()
    conflict_declare(actor=member, producer=producers["500101"], reason="ญาติ")

    assert is_conflicted(member, producers["500101"])
    assert not is_conflicted(member, producers["500203"])


def test_a_declaration_needs_a_reason(producers):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        conflict_declare(actor=UserFactory(), producer=producers["500101"], reason="  ")
    assert not ConflictDeclaration.objects.exists()


def test_the_members_own_producer_account_is_a_conflict(producers):
    member = UserFactory()
    Producer.objects.filter(pk=producers["500203"].pk).update(user=member)

    assert set(conflicts_for(member)) == {producers["500203"]}


def test_an_officer_of_the_producers_tambon_is_conflicted(producers, central_staff):
    officer = UserFactory()
    assignment_grant(
        actor=central_staff, user=officer, tambon=Tambon.objects.get(pk="100101")
    )

    assert set(conflicts_for(officer)) == {producers["100101"]}


def test_conflicts_for_is_one_query(producers, django_assert_num_queries):
    member = UserFactory()
    conflict_declare(actor=member, producer=producers["500101"], reason="เป็นสมาชิกกลุ่ม")
    with django_assert_num_queries(1):
        list(conflicts_for(member))


def test_conflicts_of_many_users_are_each_ones_conflicts_for(
    producers, central_staff, django_assert_max_num_queries
):
    declared, own, officer, superuser, inactive, clean = (
        UserFactory() for _ in range(6)
    )
    conflict_declare(actor=declared, producer=producers["500101"], reason="ญาติ")
    Producer.objects.filter(pk=producers["500203"].pk).update(user=own)
    assignment_grant(
        actor=central_staff, user=officer, tambon=Tambon.objects.get(pk="100101")
    )
    superuser.is_superuser = True
    superuser.save()
    conflict_declare(actor=inactive, producer=producers["100101"], reason="ญาติ")
    inactive.is_active = False
    inactive.save()
    users = [declared, own, officer, superuser, inactive, clean]

    with django_assert_max_num_queries(4):  # 3, and one for the superuser
        found = conflicts_of(users)

    assert found == {
        u.pk: set(conflicts_for(u).values_list("pk", flat=True)) for u in users
    }
    assert found[officer.pk] == {producers["100101"].pk}
    assert found[clean.pk] == set()
