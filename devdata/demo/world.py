"""Building, removing and describing the demo world, through the services
as the people in it would act (see devdata.demo)."""

import datetime as dt
import random
import zlib
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from accounts.models import User
from committees.models import Committee, Membership, MembershipEvent, Role
from committees.models import Tier as CommitteeTier
from committees.services import committee_create, conflict_declare, membership_grant
from communities.models import (
    Amphoe,
    OfficerAssignmentEvent,
    Producer,
    Province,
    Tambon,
)
from communities.services import assignment_grant, producer_create
from core.buddhist_era import fiscal_year, to_be
from devdata.demo.data import (
    AMPHOES,
    APPROVED,
    CENTRAL_STAFF_APPS,
    CENTRAL_STAFF_RIGHTS,
    CONFLICT,
    CRITERIA,
    CURRENT_PHASE,
    DEMO_PASSWORD,
    DEMO_TAG,
    FINALIZED,
    LOGINS,
    OFFICERS,
    PRODUCERS,
    PRODUCTS,
    PROVINCES,
    RETURN_REASON,
    ROUND_TITLE_EN,
    ROUND_TITLE_TH,
    SCORING,
    SME,
    SUPPORT_ACTIONS,
    SUPPORT_PROVINCE,
    USERNAMES,
    WITHDRAW_NOTE,
    DemoProducer,
    DemoProduct,
)
from devdata.demo.photos import product_photo
from products.models import Category, Product, ProductEvent, ProductImage, Standard
from products.services import (
    certification_add,
    product_create,
    product_image_add,
    product_raw_materials_set,
)
from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
from registry.services import publishable, registry_publish_many
from selection.models import (
    Criterion,
    Nomination,
    NominationEvent,
    Ranking,
    Round,
    SupportAction,
    SupportPlan,
    SupportPlanEvent,
    TambonForum,
    Tier,
)
from selection.rounds import (
    round_close,
    round_copy,
    round_create,
    round_criteria_edit,
    round_open,
    round_update,
)
from selection.services import (
    committee_for,
    forum_record,
    nomination_create,
    nomination_return,
    nomination_submit,
    nomination_withdraw,
    queue_for,
    ranking_approve,
    ranking_award_all,
    ranking_finalize,
    ranking_get,
    ranking_rows,
    sheets_fill,
)
from selection.support import (
    ranked_nominations,
    support_action_add,
    support_action_progress,
    support_plan_approve,
    support_plan_get,
)

# Building ----------------------------------------------------------------------

ABSENT, PRESENT, PARTIAL = "absent", "present", "partial"
# Each member's sheet total departs from the product's mean by one of these,
# rotated over the members, so the committee's mean is the product's exactly.
OFFSETS = {
    1: (Decimal(0),),
    2: (Decimal("-0.5"), Decimal("0.5")),
    3: (Decimal(-1), Decimal(0), Decimal(1)),
    4: (Decimal("-1.5"), Decimal("-0.5"), Decimal("0.5"), Decimal("1.5")),
}
HALF = Decimal("0.5")


class DemoConflict(Exception):
    """The database holds something the demo world would collide with."""


def demo_rounds() -> models.QuerySet[Round]:
    return Round.objects.filter(title_en__endswith=DEMO_TAG)


def demo_status() -> str:
    """``present`` when every demo login and both demo rounds exist, ``partial``
    when only some do, ``absent`` otherwise."""
    users = User.objects.filter(username__in=USERNAMES).count()
    rounds = demo_rounds().count()
    if users == len(USERNAMES) and rounds == 2:
        return PRESENT
    return PARTIAL if users or rounds else ABSENT


@transaction.atomic
def demo_build(*, today: dt.date | None = None) -> None:
    """Build the whole demo world in one transaction (nothing if it fails)."""
    _Builder(today or timezone.localdate()).run()


DEADLINES = ("tambon_deadline", "amphoe_deadline", "province_deadline")
DEADLINES += ("central_deadline",)


def planned_deadlines(fy: int) -> dict[str, dt.date]:
    """The usual deadlines of fiscal year ``fy`` (it starts on 1 October of
    the year before): tambons in January, then every two months."""
    days = (dt.date(fy, 1, 31), dt.date(fy, 3, 31), dt.date(fy, 5, 31))
    return dict(zip(DEADLINES, (*days, dt.date(fy, 7, 31)), strict=True))


def future_deadlines(fy: int, today: dt.date) -> dict[str, dt.date]:
    """The planned deadlines, each moved to a month past today (and past the
    one before) when it would otherwise be gone or near: the open round
    stays usable whenever in the fiscal year the demo is built."""
    deadlines, floor = {}, today + dt.timedelta(days=30)
    for name, day in planned_deadlines(fy).items():
        deadlines[name] = max(day, floor)
        floor = deadlines[name] + dt.timedelta(days=30)
    return deadlines


def sheet_points(criteria: list[Criterion], total: Decimal, rng: random.Random):
    """Points per criterion in half points, near ``total``'s share of each
    criterion's maximum and adding up to ``total`` exactly."""
    if not 0 <= total <= sum(c.max_points for c in criteria):
        raise ValueError(f"No sheet adds up to {total}.")
    points = {}
    for criterion in criteria:
        share = criterion.max_points * total / 100
        wobble = Decimal(rng.randint(-3, 3)) * HALF / 2
        value = ((share + wobble) * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2
        points[criterion.pk] = min(max(value, Decimal(0)), criterion.max_points)
    missing = total - sum(points.values())
    step = HALF if missing > 0 else -HALF
    while missing:
        for criterion in criteria:
            value = points[criterion.pk] + step
            if missing and Decimal(0) <= value <= criterion.max_points:
                points[criterion.pk] = value
                missing -= step
    return points


def _digits(key: str, count: int) -> str:
    """Stable pseudo-random digits for numbers in the data (phones, permits)."""
    return str(zlib.crc32(key.encode()) % 10**count).zfill(count)


class _Builder:
    def __init__(self, today: dt.date):
        self.today = today
        self.fy = fiscal_year(today)
        self.users: dict[str, User] = {}
        self.committees: dict[str, Committee] = {}
        self.boards: dict[str, list[User]] = {}
        self.producers: dict[str, Producer] = {}
        self.products: dict[str, Product] = {}
        self.demo_of: dict[int, DemoProduct] = {}
        self.index = {product.key: i for i, product in enumerate(PRODUCTS)}
        self.tambons = {
            t.code: t
            for t in Tambon.objects.select_related("amphoe", "province").filter(
                code__in=[code for a in AMPHOES for code in a.tambons]
            )
        }

    @property
    def staff(self) -> User:
        return self.users["central-staff"]

    def run(self) -> None:
        self.check_room()
        self.people()
        self.committees_and_officers()
        self.catalogue()
        previous = self.previous_round()
        self.current_round(previous)

    # Preconditions -------------------------------------------------------------

    def check_room(self) -> None:
        if len(self.tambons) != sum(len(a.tambons) for a in AMPHOES):
            raise DemoConflict("Load the geography first: manage.py load_geography")
        taken = Round.objects.filter(year__in=[self.fy - 1, self.fy])
        if taken.exists():
            years = ", ".join(str(to_be(r.year)) for r in taken)
            raise DemoConflict(
                f"The demo needs the rounds of B.E. {to_be(self.fy - 1)} and "
                f"{to_be(self.fy)}, but a round of B.E. {years} already exists."
            )
        busy = Committee.objects.filter(is_active=True).filter(
            Q(tier=CommitteeTier.AMPHOE, amphoe__in=[a.code for a in AMPHOES])
            | Q(tier=CommitteeTier.PROVINCE, province__in=list(PROVINCES))
            | Q(tier=CommitteeTier.CENTRAL)
        )
        if busy.exists():
            names = "; ".join(str(c) for c in busy)
            raise DemoConflict(
                f"The demo's areas already have active committees: {names}."
            )

    # People, committees, officers ---------------------------------------------------

    def people(self) -> None:
        """The demo logins, all with the one demo password (hashed once)."""
        password = make_password(DEMO_PASSWORD)
        for login in LOGINS:
            self.users[login.username] = User.objects.create(
                username=login.username,
                display_name=login.display_name,
                preferred_language="th",
                password=password,
                is_staff=login.username == "central-staff",
            )
        rights = Q(
            codename__startswith="view_", content_type__app_label__in=CENTRAL_STAFF_APPS
        )
        for right in CENTRAL_STAFF_RIGHTS:
            app, codename = right.split(".")
            rights |= Q(content_type__app_label=app, codename=codename)
        self.staff.user_permissions.set(Permission.objects.filter(rights))
        # A fresh row: the permission cache of the old one predates the grants.
        self.users["central-staff"] = User.objects.get(pk=self.staff.pk)

    def committees_and_officers(self) -> None:
        term = {
            "term_start": dt.date(self.fy - 2, 10, 1),
            "term_end": dt.date(self.fy + 1, 9, 30),
        }
        for amphoe in AMPHOES:
            self.committees[amphoe.code] = committee_create(
                actor=self.staff,
                tier=CommitteeTier.AMPHOE,
                amphoe=Amphoe.objects.get(pk=amphoe.code),
                **term,
            )
        for code in PROVINCES:
            self.committees[code] = committee_create(
                actor=self.staff,
                tier=CommitteeTier.PROVINCE,
                province=Province.objects.get(pk=code),
                **term,
            )
        self.committees["central"] = committee_create(
            actor=self.staff, tier=CommitteeTier.CENTRAL, **term
        )
        for login in LOGINS:
            board, _, seat = login.username.rpartition("-")
            if board.startswith("officer") or login.username == "central-staff":
                continue
            key = board.split("-")[-1]  # "amphoe-5013" → "5013"
            role = Role.MEMBER if seat.startswith("member") else Role(seat)
            user = self.users[login.username]
            membership_grant(
                actor=self.staff,
                user=user,
                committee=self.committees[key],
                role=role,
            )
            self.boards.setdefault(key, []).append(user)
        for amphoe in AMPHOES:
            officer = self.users[OFFICERS[amphoe.code]]
            for code in amphoe.tambons:
                assignment_grant(
                    actor=self.staff, user=officer, tambon=self.tambons[code]
                )

    def officer_of(self, tambon_code: str) -> User:
        return self.users[OFFICERS[tambon_code[:4]]]

    def seat(self, key: str, role: str) -> User:
        return self.users[f"{'amphoe-' if len(key) == 4 else 'province-'}{key}-{role}"]

    # Producers and products ---------------------------------------------------

    def catalogue(self) -> None:
        categories = {c.code: c for c in Category.objects.all()}
        standards = {s.code: s for s in Standard.objects.all()}
        for number, demo in enumerate(PRODUCERS, start=1):
            tambon = self.tambons[demo.tambon]
            self.producers[demo.key] = producer_create(
                actor=self.officer_of(demo.tambon),
                tambon=tambon,
                kind=demo.kind,
                name_th=demo.name_th,
                name_en=demo.name_en,
                registration_number=self.registration(demo, number),
                address=(
                    f"{int(_digits(demo.key, 3)) % 180 + 1} หมู่ "
                    f"{int(_digits(demo.key, 2)) % 12 + 1} ต.{tambon.name_th} "
                    f"อ.{tambon.amphoe.name_th} จ.{tambon.province.name_th} "
                    f"{tambon.postal_code_list[0] if tambon.postal_codes else ''}"
                ).strip(),
                contact_person=demo.contact,
                phone=f"08{_digits(demo.key, 1)}-{_digits(demo.key + 'a', 3)}-"
                f"{_digits(demo.key + 'b', 4)}",
                member_count=demo.members,
                founded_year=demo.founded,
            )
        for demo in PRODUCTS:
            producer = self.producers[demo.producer]
            officer = self.officer_of(producer.tambon_id)
            product = product_create(
                actor=officer,
                producer=producer,
                category=categories[demo.category],
                name_th=demo.name_th,
                name_en=demo.name_en,
                description=demo.description,
                story=demo.story,
                price=Decimal(demo.price),
                unit=demo.unit,
                monthly_capacity=demo.capacity,
            )
            product_raw_materials_set(
                actor=officer, product=product, materials=list(demo.materials)
            )
            province = self.tambons[producer.tambon_id].province.name_en
            product_image_add(
                actor=officer,
                product=product,
                upload=product_photo(demo, province),
                caption=demo.name_th,
            )
            for code in demo.certificates:
                issued, expires = self.certificate_dates(demo, code)
                certification_add(
                    actor=officer,
                    product=product,
                    standard=standards[code],
                    number=self.certificate_number(demo, code, producer, issued),
                    issued_on=issued,
                    expires_on=expires,
                )
            self.products[demo.key] = product
            self.demo_of[product.pk] = demo

    @staticmethod
    def registration(demo: DemoProducer, number: int) -> str:
        if demo.name_th.startswith("วิสาหกิจชุมชน"):  # วช. registration
            t = demo.tambon
            return f"{t[0]}-{t[:2]}-{t[2:4]}-{t[4:]}/1-{number:04d}"
        if demo.kind == SME:  # juristic person number
            return f"0{demo.tambon[:2]}5{_digits(demo.key, 9)}"
        return ""

    def certificate_dates(self, demo: DemoProduct, code: str):
        if demo.certificate_expired:
            return dt.date(self.fy - 4, 3, 15), dt.date(self.fy - 1, 3, 14)
        seed = int(_digits(demo.key + code, 4))
        issued = dt.date(self.fy - 2, seed % 12 + 1, seed % 28 + 1)
        if code == "FDA":  # a food serial number does not expire
            return issued, None
        return issued, issued.replace(year=issued.year + 3)

    @staticmethod
    def certificate_number(demo, code, producer, issued) -> str:
        be = to_be(issued.year)
        province, serial = producer.tambon_id[:2], _digits(demo.key + code, 5)
        if code == "FDA":
            if demo.category.startswith(("FOOD", "DRINK")):
                return f"{province}-1-{serial}-2-{_digits(demo.key, 4)}"
            return f"{province}-1-{be % 100}000{serial}"  # notification number
        return {
            "TCPS": f"มผช. {int(serial) % 1400 + 1}/{be - 10} "
            f"เลขที่ {producer.tambon_id}-{serial[:3]}",
            "TIS": f"มอก. {int(serial) % 3000 + 1}-{be - 5}",
            "GMP": f"GMP {province}-{serial}/{be}",
            "GAP": f"กษ 03-9001-{province}{serial}",
            "HALAL": f"ฮ.{province}/{serial}/{be}",
            "ORGANIC": f"Organic Thailand {province}-{serial}",
        }[code]

    # Rounds ----------------------------------------------------------------------

    def open_round(self, year: int, **fields) -> Round:
        round_ = round_create(
            actor=self.staff,
            year=year,
            title_th=ROUND_TITLE_TH.format(be=to_be(year)),
            title_en=ROUND_TITLE_EN.format(ce=year),
            **future_deadlines(self.fy, self.today),
            **fields,
        )
        round_criteria_edit(  # as the admin's inline does
            actor=self.staff,
            round_=round_,
            rows=[
                {
                    "tier": tier,
                    "part": part,
                    "code": code,
                    "title_th": title_th,
                    "title_en": title_en,
                    "max_points": Decimal(points),
                    "order": order,
                }
                for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL)
                for order, (part, code, points, title_th, title_en) in enumerate(
                    CRITERIA
                )
            ],
        )
        return round_open(actor=self.staff, round_=round_)

    def forums(self, round_: Round, demos: list[DemoProduct], held_on) -> None:
        by_tambon: dict[str, list[str]] = {}
        for demo in demos:
            tambon = self.products[demo.key].producer.tambon_id
            by_tambon.setdefault(tambon, []).append(demo.name_th)
        for i, (code, names) in enumerate(sorted(by_tambon.items())):
            tambon = self.tambons[code]
            forum_record(
                actor=self.officer_of(code),
                round_=round_,
                tambon=tambon,
                held_on=held_on(i),
                attendee_count=40 + int(_digits(code, 2)),
                resolution=(
                    f"ที่ประชุมประชาคมตำบล{tambon.name_th}มีมติคัดเลือก "
                    f"{' '.join(names)} เป็นผลิตภัณฑ์เด่นของตำบล "
                    f"เข้าร่วมการคัดสรรฯ ปี {to_be(round_.year)}"
                ),
            )

    def nominate(self, round_: Round, demo: DemoProduct, submit=True) -> Nomination:
        officer = self.officer_of(self.products[demo.key].producer.tambon_id)
        nomination = nomination_create(
            actor=officer, round_=round_, product=self.products[demo.key]
        )
        if submit:
            nomination = nomination_submit(actor=officer, nomination=nomination)
        return nomination

    def score(
        self,
        key: str,
        round_: Round,
        tier_index: int,
        scorers=None,
        limit=None,
        submit=True,
    ) -> None:
        """Members of committee ``key`` score its queue: each sheet near the
        product's mean at this tier, the members' offsets cancelling out."""
        committee = self.committees[key]
        board = self.boards[key]
        queue = list(queue_for(committee, round_).order_by("pk"))
        criteria = list(Criterion.objects.filter(round=round_, tier=committee.tier))
        offsets = OFFSETS[len(board)]
        phase = "previous" if round_.year < self.fy else "current"
        for seat, member in enumerate(board):
            if scorers is not None and member.username not in scorers:
                continue
            conflicted = set(
                member.conflict_declarations.values_list("producer", flat=True)
            )
            entries = {}
            for nomination in queue:
                demo = self.demo_of[nomination.product_id]
                if self.products[demo.key].producer_id in conflicted:
                    continue
                mean = demo.previous[tier_index] if phase == "previous" else demo.score
                offset = offsets[(seat + self.index[demo.key]) % len(offsets)]
                rng = random.Random(f"{phase}|{demo.key}|{key}|{member.username}")  # noqa: S311 (made-up scores)
                entries[nomination.pk] = sheet_points(criteria, mean + offset, rng)
            if limit is not None:
                entries = dict(list(entries.items())[:limit])
            if entries:
                sheets_fill(
                    actor=member, committee=committee, entries=entries, submit=submit
                )

    def rank(self, key: str, round_: Round, approve: bool = True) -> Ranking:
        ranking = ranking_get(committee=self.committees[key], round_=round_)
        ranking = ranking_finalize(
            actor=self.seat_or_central(key, "secretary"), ranking=ranking
        )
        if approve:
            ranking = ranking_approve(
                actor=self.seat_or_central(key, "chair"), ranking=ranking
            )
        return ranking

    def seat_or_central(self, key: str, role: str) -> User:
        if key == "central":
            return self.users[f"central-{role}"]
        return self.seat(key, role)

    def previous_round(self) -> Round:
        """Last fiscal year's round, played to the end: ranked at every tier,
        awarded, all but the last of the central ranking published, closed."""
        fy = self.fy - 1
        round_ = self.open_round(fy, amphoe_advance=3, province_advance=4)
        demos = [d for d in PRODUCTS if d.previous]
        self.forums(
            round_, demos, lambda i: dt.date(fy - 1, 12, 1) + dt.timedelta(days=2 * i)
        )
        for demo in demos:
            self.nominate(round_, demo)
        tiers = ([a.code for a in AMPHOES], list(PROVINCES), ["central"])
        for tier_index, keys in enumerate(tiers):
            for key in keys:
                self.score(key, round_, tier_index)
                self.rank(key, round_)
        self.support_plan(SUPPORT_PROVINCE, round_)
        central = ranking_get(committee=self.committees["central"], round_=round_)
        ranking_award_all(actor=self.users["central-chair"], ranking=central)
        awarded = list(publishable(round_.year))
        registry_publish_many(actor=self.staff, nominations=awarded[:-1])
        round_ = round_update(actor=self.staff, round_=round_, **planned_deadlines(fy))
        return round_close(actor=self.staff, round_=round_)

    def support_plan(self, key: str, round_: Round) -> SupportPlan:
        """The committee's support plan for what it ranked: written by the
        secretary, approved by the chair, the first action reported done."""
        plan = support_plan_get(committee=self.committees[key], round_=round_)
        secretary, chair = self.seat(key, "secretary"), self.seat(key, "chair")
        ranked = list(
            ranked_nominations(plan).order_by("ranking_entries__position", "pk")
        )
        actions = []
        for i, row in enumerate(SUPPORT_ACTIONS):
            kind, description, agency, budget, source, quarter, status, outcome = row
            actions.append(
                (
                    support_action_add(
                        actor=secretary,
                        plan=plan,
                        nomination=ranked[i % len(ranked)],
                        kind=kind,
                        description=description,
                        agency=agency,
                        budget=Decimal(budget),
                        source=source,
                        fiscal_year=to_be(round_.year + 1),
                        quarter=quarter,
                    ),
                    status,
                    outcome,
                )
            )
        plan = support_plan_approve(actor=chair, plan=plan)
        for action, status, outcome in actions:
            if status != SupportAction.Status.PLANNED:
                support_action_progress(
                    actor=secretary, action=action, status=status, outcome=outcome
                )
        return plan

    def current_round(self, previous: Round) -> Round:
        """This fiscal year's round, copied from last year's by central staff
        and open, each amphoe at a different step (CURRENT_PHASE)."""
        round_ = round_copy(
            actor=self.staff,
            source=previous,
            year=self.fy,
            title_th=ROUND_TITLE_TH.format(be=to_be(self.fy)),
        )
        round_ = round_update(
            actor=self.staff,
            round_=round_,
            title_en=ROUND_TITLE_EN.format(ce=self.fy),
            amphoe_advance=2,
            province_advance=3,
            **future_deadlines(self.fy, self.today),
        )
        round_ = round_open(actor=self.staff, round_=round_)
        demos = [d for d in PRODUCTS if d.current]
        start = dt.date(self.fy - 1, 10, 20)
        self.forums(
            round_, demos, lambda i: min(self.today, start + dt.timedelta(days=i))
        )
        for demo in demos:
            nomination = self.nominate(round_, demo, submit=demo.current != "draft")
            if demo.current == "withdraw":
                nomination_withdraw(
                    actor=self.officer_of(nomination.tambon_code),
                    nomination=nomination,
                    note=WITHDRAW_NOTE,
                )
            elif demo.current == "return":
                nomination_return(
                    actor=self.seat(nomination.amphoe_code, "secretary"),
                    nomination=nomination,
                    reason=RETURN_REASON,
                )
        username, producer_key, reason = CONFLICT
        conflict_declare(
            actor=self.users[username],
            producer=self.producers[producer_key],
            reason=reason,
        )
        for amphoe in AMPHOES:
            phase = CURRENT_PHASE[amphoe.code]
            if phase == SCORING:
                self.score(
                    amphoe.code,
                    round_,
                    0,
                    scorers={f"amphoe-{amphoe.code}-member"},
                    limit=2,
                )
                self.score(
                    amphoe.code,
                    round_,
                    0,
                    scorers={f"amphoe-{amphoe.code}-secretary"},
                    limit=1,
                    submit=False,
                )
                continue
            self.score(amphoe.code, round_, 0)
            if phase in (APPROVED, FINALIZED):
                self.rank(amphoe.code, round_, approve=phase == APPROVED)
        # The province has begun: its secretary has scored what arrived.
        self.score("50", round_, 1, scorers={"province-50-secretary"})
        return round_


# Removing ------------------------------------------------------------------------


@transaction.atomic
def demo_remove() -> None:
    """Delete the demo world and only it: its rounds with everything in them,
    the products of producers its officers registered, its committees, its
    users. Geography, categories and every other row stay.

    The audit trails are append-only for people; here the demo's own events
    (of its rounds' nominations and rankings, of its products) go with the
    rows they describe, through ``purge()``, the one way past the append-only
    guards (and PostgreSQL's trigger). Anything else that points at a demo
    row (a demo member who scored in another round, say) stops the removal:
    DemoConflict.
    """
    users = User.objects.filter(username__in=USERNAMES)
    rounds = demo_rounds()
    producers = Producer.objects.filter(created_by__in=users)
    products = Product.objects.filter(producer__in=producers)
    nominations = Nomination.objects.filter(round__in=rounds)
    entries = RegistryEntry.objects.filter(nomination__in=nominations)
    files = _file_names(entries, "photo", "thumbnail") + _file_names(
        ProductImage.objects.filter(product__in=products), "image", "thumbnail"
    )
    # One round per year: the numbers of the demo rounds' years are all the
    # demo's, so their counters restart and a rebuild gets the same numbers.
    counters = RegistryCounter.objects.filter(
        year_be__in=[to_be(year) for year in rounds.values_list("year", flat=True)]
    )
    committees = Committee.objects.filter(
        pk__in=Membership.objects.filter(user__in=users).values("committee")
    ).exclude(pk__in=Membership.objects.exclude(user__in=users).values("committee"))
    try:
        RegistryEvent.objects.filter(entry__in=entries).purge()
        entries.delete()
        counters.delete()
        NominationEvent.objects.filter(
            Q(nomination__in=nominations) | Q(ranking__round__in=rounds)
        ).purge()
        SupportPlanEvent.objects.filter(plan__round__in=rounds).purge()
        SupportAction.objects.filter(plan__round__in=rounds).delete()
        SupportPlan.objects.filter(round__in=rounds).delete()
        Ranking.objects.filter(round__in=rounds).delete()
        nominations.delete()
        TambonForum.objects.filter(round__in=rounds).delete()
        rounds.delete()
        ProductEvent.objects.filter(product__in=products).purge()
        products.delete()
        producers.delete()
        committee_ids = list(committees.values_list("pk", flat=True))
        MembershipEvent.objects.filter(committee__in=committee_ids).purge()
        Committee.objects.filter(pk__in=committee_ids).delete()
        OfficerAssignmentEvent.objects.filter(assignment__user__in=users).purge()
        users.delete()
    except ProtectedError as error:
        blocking = sorted({str(obj) for obj in error.protected_objects})[:5]
        raise DemoConflict(
            "Other rows point at the demo world, so it was left as it was: "
            + "; ".join(blocking)
        ) from error
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])


def _file_names(queryset, *fields) -> list[str]:
    return [name for row in queryset.values_list(*fields) for name in row if name]


# Describing ----------------------------------------------------------------------

STAGES = (
    "draft",
    "submitted",
    "returned",
    "scored",
    "ranked",
    "forwarded",
    "not selected",
    "withdrawn",
    "awarded",
    "published",
)
State = Nomination.State


def stage_counts(round_: Round) -> dict[str, int]:
    """How many of the round's nominations are at each step, in the words of
    the demo: submitted (waiting for the district's sheets), scored (every
    sheet in), ranked (finalized, waiting for the chair), forwarded (waiting
    at the province or the centre), awarded, published …"""
    rankings = dict(
        Ranking.objects.filter(round=round_).values_list("committee", "status")
    )
    complete = set()
    for committee in Committee.objects.filter(
        is_active=True, tier=CommitteeTier.AMPHOE
    ):
        complete |= {
            row.nomination.pk
            for row in ranking_rows(committee, round_)
            if row.expected and row.sheet_count >= row.expected
        }
    counts = dict.fromkeys(STAGES, 0)
    for nomination in round_.nominations.select_related("registry_entry"):
        counts[_stage(nomination, rankings, complete)] += 1
    return {stage: n for stage, n in counts.items() if n}


def _stage(nomination: Nomination, rankings: dict, complete: set) -> str:
    simple = {
        State.DRAFT: "draft",
        State.RETURNED: "returned",
        State.WITHDRAWN: "withdrawn",
        State.NOT_SELECTED: "not selected",
    }
    if nomination.state in simple:
        return simple[nomination.state]
    if nomination.state == State.AWARDED:
        published = hasattr(nomination, "registry_entry")
        return "published" if published else "awarded"
    if nomination.tier != Tier.AMPHOE:
        return "forwarded"
    committee = committee_for(nomination)
    if rankings.get(getattr(committee, "pk", None)) == Ranking.Status.FINALIZED:
        return "ranked"
    return "scored" if nomination.pk in complete else "submitted"


def summary() -> list[str]:
    """Lines describing the demo world as it is in the database now."""
    lines = []
    for round_ in demo_rounds().order_by("-year"):
        counts = stage_counts(round_)
        total = sum(counts.values())
        steps = ", ".join(f"{stage} {n}" for stage, n in counts.items())
        lines.append(
            f"Round B.E. {to_be(round_.year)} ({round_.status}): "
            f"{total} nominations: {steps}"
        )
    if not demo_rounds().filter(year=fiscal_year(timezone.localdate())).exists():
        lines.append(
            "This demo world was built in an earlier fiscal year; "
            "rebuild it with: manage.py seed_demo --reset"
        )
    users = User.objects.filter(username__in=USERNAMES)
    producers = Producer.objects.filter(created_by__in=users)
    lines.append(
        f"{Product.objects.filter(producer__in=producers).count()} products of "
        f"{producers.count()} producers in "
        f"{producers.values('tambon').distinct().count()} tambons; "
        f"{RegistryEntry.objects.filter(nomination__round__in=demo_rounds()).count()} "
        "registry entries; "
        f"{users.count()} demo logins"
    )
    return lines


def login_table() -> str:
    """The demo logins as a text table (from the data: no database needed)."""
    header = ("username", "password", "role", "area")
    rows = [(x.username, DEMO_PASSWORD, x.role, x.area) for x in LOGINS]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(row) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    for login, row in zip(LOGINS, rows, strict=True):
        out.append(line(row))
        out.append(f"    try: {login.try_this}")
    return "\n".join(out)
