"""People: central staff, an officer per amphoe, every committee with its
members and grants."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from committees.models import (
    ROLE_PERMISSIONS,
    Committee,
    CommitteeUserObjectPermission,
    Kind,
    Membership,
    MembershipEvent,
    grading_names,
)
from committees.models import Tier as CommitteeTier
from communities.models import (
    OfficerAssignment,
    OfficerAssignmentEvent,
    TambonUserObjectPermission,
)
from core.buddhist_era import fiscal_year
from devdata.dataset.builder import BuilderBase, _at
from devdata.dataset.bulk import _bulk, _insert_rows
from devdata.dataset.constants import (
    GRADING_TYPES,
    PANEL_SEATS,
    STAFF_USERNAME,
    USER_PREFIX,
)
from devdata.dataset.plan import Board
from devdata.demo.data import CENTRAL_STAFF_APPS, CENTRAL_STAFF_RIGHTS
from products.models import Category
from selection.models import Preset


class PeopleBuilder(BuilderBase):
    """Central staff, an officer per amphoe, every committee."""

    def people(self) -> None:
        amphoes = sorted({p.amphoe for p in self.places})
        provinces = sorted({p.province for p in self.places})
        for tier, code in (
            [(CommitteeTier.AMPHOE, code) for code in amphoes]
            + [(CommitteeTier.PROVINCE, code) for code in provinces]
            + [(CommitteeTier.CENTRAL, "")]
        ):
            seats = ["chair", "secretary"] + ["member"] * self.rng.choice((2, 3))
            self.boards[f"{tier}:{code}"] = Board(tier=tier, area=code, seats=seats)
        if self.preset == Preset.OPC:
            for type_code in GRADING_TYPES:
                self.boards[f"{CommitteeTier.CENTRAL}:grading:{type_code}"] = Board(
                    tier=CommitteeTier.CENTRAL,
                    area="",
                    seats=list(PANEL_SEATS),
                    kind=Kind.GRADING,
                    type_code=type_code,
                )
        total = 1 + len(amphoes) + sum(len(b.seats) for b in self.boards.values())
        bar = self._bar("people and committees", total, "users")
        staff = self.central_staff(bar)
        self.officers_for(amphoes, staff, bar)
        self.committees(staff, bar)
        bar.close()

    @property
    def appointed(self) -> dt.datetime:
        return _at(self.round_dates["opens"], 3600)

    def central_staff(self, bar) -> User:
        staff = User(
            username=STAFF_USERNAME,
            display_name="กองส่งเสริมภูมิปัญญาท้องถิ่นฯ กรมการพัฒนาชุมชน",
            password=self.unusable,
            is_staff=True,
            date_joined=self.appointed,
        )
        _bulk(User, [staff], bar)
        rights = Q(
            codename__startswith="view_", content_type__app_label__in=CENTRAL_STAFF_APPS
        )
        for right in CENTRAL_STAFF_RIGHTS:
            app, codename = right.split(".")
            rights |= Q(content_type__app_label=app, codename=codename)
        staff.user_permissions.set(Permission.objects.filter(rights))
        return staff

    def officers_for(self, amphoes: list[str], staff: User, bar) -> None:
        """A community development officer per amphoe, assigned the whole
        amphoe, with the grants assignment_grant writes on its tambons."""
        officers = [
            User(
                username=f"{USER_PREFIX}officer-{code}",
                display_name=self._person(),
                password=self.unusable,
                date_joined=self.appointed,
            )
            for code in amphoes
        ]
        _bulk(User, officers, bar)
        self.officers = {code: u.pk for code, u in zip(amphoes, officers, strict=True)}
        assignments = _bulk(
            OfficerAssignment,
            [
                OfficerAssignment(
                    user_id=self.officers[code],
                    amphoe_id=code,
                    assigned_at=self.appointed,
                    assigned_by=staff,
                )
                for code in amphoes
            ],
        )
        _bulk(
            OfficerAssignmentEvent,
            [
                OfficerAssignmentEvent(
                    assignment=assignment,
                    action=OfficerAssignmentEvent.Action.GRANTED,
                    actor=staff,
                    at=self.appointed,
                )
                for assignment in assignments
            ],
        )
        manage_tambon = Permission.objects.get(
            content_type__app_label="communities", codename="manage_tambon"
        )
        _insert_rows(
            TambonUserObjectPermission,
            ("user", "permission", "content_object"),
            [(self.officers[p.amphoe], manage_tambon.pk, p.code) for p in self.places],
        )

    def committees(self, staff: User, bar) -> None:
        """Every committee with its members, written as membership_grant
        writes them: membership, "granted" event, guardian grants, is_staff.
        Terms run from the round's fiscal year through the current one."""
        term_start = self.round_dates["opens"]
        term_end = dt.date(max(self.year + 1, fiscal_year(timezone.localdate())), 9, 30)
        boards = list(self.boards.values())
        types = {t.code: t for t in Category.objects.filter(parent__isnull=True)}
        named = {
            b.type_code: grading_names([types[b.type_code]])
            for b in boards
            if b.type_code
        }
        committees = [
            Committee(
                tier=b.tier,
                kind=b.kind,
                name_th=named[b.type_code][0] if b.type_code else "",
                name_en=named[b.type_code][1] if b.type_code else "",
                amphoe_id=b.area if b.tier == CommitteeTier.AMPHOE else None,
                province_id=b.area if b.tier == CommitteeTier.PROVINCE else None,
                term_start=term_start,
                term_end=term_end,
                created_at=self.appointed,
            )
            for b in boards
        ]
        _bulk(Committee, committees)
        Committee.product_types.through.objects.bulk_create(
            Committee.product_types.through(
                committee_id=c.pk, category_id=types[b.type_code].pk
            )
            for b, c in zip(boards, committees, strict=True)
            if b.type_code
        )
        seated = []  # (board, role, user)
        for board, committee in zip(boards, committees, strict=True):
            board.pk = committee.pk
            area = {"amphoe": "a", "province": "p"}.get(board.tier, "") + board.area
            if board.type_code:
                area = f"central-{board.type_code.lower()}"
            for index, role in enumerate(board.seats):
                # Seats 2, 3, 4 are member1, member2, member3.
                seat = f"member{index - 1}" if role == "member" else role
                user = User(
                    username=f"{USER_PREFIX}{area or 'central'}-{seat}",
                    display_name=self._person(),
                    password=self.unusable,
                    is_staff=True,  # members score and rank in the admin
                    date_joined=self.appointed,
                )
                seated.append((board, role, user))
        _bulk(User, [user for _board, _role, user in seated], bar)
        for board, role, user in seated:
            board.members.append(user.pk)
            board.bias[user.pk] = self.rng.gauss(0, 2.5)
            if role == "chair":
                board.chair = user.pk
            elif role == "secretary":
                board.secretary = user.pk
            else:
                board.ordinary.append(user.pk)
        memberships = _bulk(
            Membership,
            [
                Membership(
                    user=user,
                    committee_id=board.pk,
                    role=role,
                    term_start=term_start,
                    term_end=term_end,
                    granted_at=self.appointed,
                    granted_by=staff,
                )
                for board, role, user in seated
            ],
        )
        _bulk(
            MembershipEvent,
            [
                MembershipEvent(
                    committee_id=m.committee_id,
                    membership=m,
                    action=MembershipEvent.Action.GRANTED,
                    to_role=m.role,
                    actor=staff,
                    at=self.appointed,
                )
                for m in memberships
            ],
        )
        perms = dict(
            Permission.objects.filter(content_type__app_label="committees").values_list(
                "codename", "pk"
            )
        )
        _insert_rows(
            CommitteeUserObjectPermission,
            ("user", "permission", "content_object"),
            [
                (m.user_id, perms[codename], m.committee_id)
                for m in memberships
                for codename in ROLE_PERMISSIONS[m.role]
            ],
        )
