import datetime as dt

from accounts.models import User
from committees.models import Committee, Tier
from committees.services import committee_create, membership_grant
from communities.models import Amphoe, Province
from tests.accounts.factories import UserFactory, central_staff

TERM_START = dt.date(2025, 10, 1)


def amphoe_committee(code: str, *, actor: User | None = None) -> Committee:
    return committee_create(
        actor=actor or central_staff(),
        tier=Tier.AMPHOE,
        amphoe=Amphoe.objects.get(pk=code),
        term_start=TERM_START,
    )


def province_committee(code: str, *, actor: User | None = None) -> Committee:
    return committee_create(
        actor=actor or central_staff(),
        tier=Tier.PROVINCE,
        province=Province.objects.get(pk=code),
        term_start=TERM_START,
    )


def central_committee(*, actor: User | None = None) -> Committee:
    return committee_create(
        actor=actor or central_staff(), tier=Tier.CENTRAL, term_start=TERM_START
    )


def member_of(committee: Committee, role: str, username: str, **kwargs) -> User:
    user = UserFactory(username=username)
    membership_grant(
        actor=central_staff(), user=user, committee=committee, role=role, **kwargs
    )
    return user
