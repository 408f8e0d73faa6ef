"""The ladder benchmark's setup, written in bulk and timed on its own: a round,
every committee with its scoring members, submitted nominations
(see bench/ladder.py)."""

import datetime as dt
import random
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

TODAY = dt.datetime.now(ZoneInfo("Asia/Bangkok")).date()  # the portal's date
FAR = TODAY + dt.timedelta(days=365)
TERM_START = TODAY - dt.timedelta(days=30)
YEAR = TODAY.year
VIEW_YEAR = YEAR + 1  # the round of the ranking-page committee
PRODUCER_PREFIX = "LAD-P"
VIEW_PRODUCER_PREFIX = "LADV-P"
USER_PREFIX = "lad-"
AMPHOE_ADVANCE = 4  # ~16,000 → ~3,700 at the provinces
PROVINCE_ADVANCE = 8  # ~3,700 → ~600 at the centre
VIEW_NOMINATIONS = 500
VIEW_EXTRA_MEMBERS = 4  # 5 + 4 = 9 scoring members
PROFILED_NOMINATIONS = 4  # × 9 members = 36 sheets profiled
# Ten criteria per tier: part A 4 × 10, part B 3 × 10, part C 3 × 10 = 100.
CRITERIA = (
    [("A", f"A{i}") for i in range(1, 5)]
    + [("B", f"B{i}") for i in range(1, 4)]
    + [("C", f"C{i}") for i in range(1, 4)]
)
ROLES = ("chair", "secretary", "member", "member", "member")
# --preset opc: the centre grades in panels of nine (chair, secretary, seven
# members): the five grading subcommittees, one per product type as
# devdata.dataset.constants.GRADING_TYPES; the national committee finalizes,
# approves and awards.
PANEL_ROLES = ("chair", "secretary", *["member"] * 7)
OPC_THRESHOLD = 42  # of the 70 points of parts A and B (60 %)
OPC_PASSING = 0.8  # entrants scored above the threshold: 20,000 → 16,000


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def setup_state(nominations: int, preset: str = "ladder") -> str:
    """ "missing", "ready" (an unplayed setup of the same size) or "dirty"."""
    from committees.models import Committee
    from selection.models import Nomination, Ranking, Round, ScoreSheet

    if not Round.objects.exists() and not Committee.objects.exists():
        return "missing"
    round_ = Round.objects.filter(year=YEAR).first()
    if (
        round_ is None
        or round_.preset != preset
        or Round.objects.count() != 1
        or ScoreSheet.objects.exists()
        or Ranking.objects.exists()
        or Nomination.objects.filter(
            round=round_, tier="amphoe", state="pending"
        ).count()
        != nominations
        or Nomination.objects.count() != nominations
    ):
        return "dirty"
    return "ready"


def central_staff():
    from accounts.models import User

    user, _ = User.objects.get_or_create(
        username=f"{USER_PREFIX}central-staff",
        defaults={"is_staff": True, "is_superuser": True},
    )
    return user


def make_round(year: int, preset: str = "ladder"):
    from selection.models import Criterion, preset_steps
    from selection.rounds import round_create, round_open

    staff = central_staff()
    round_ = round_create(
        actor=staff,
        preset=preset,
        steps=preset_steps(
            preset,
            amphoe_advance=AMPHOE_ADVANCE,
            province_advance=PROVINCE_ADVANCE,
            province_threshold=OPC_THRESHOLD,
        ),
        year=year,
        title_th=f"การคัดสรร OTOP ปี {year + 543}",
        tambon_deadline=FAR,
        amphoe_deadline=FAR,
        province_deadline=FAR,
        central_deadline=FAR,
    )
    plan = round_.plan
    for tier in [t for t in plan.committee_tiers if plan.scores(t)]:
        Criterion.objects.bulk_create(
            Criterion(
                round=round_,
                tier=tier,
                part=part,
                code=code,
                title_th=f"เกณฑ์ {code}",
                max_points=Decimal(10),
                order=i,
            )
            for i, (part, code) in enumerate(CRITERIA)
            if part in plan.step(tier).parts
        )
    return round_open(actor=staff, round_=round_)


def bulk_members(committees_with_roles) -> None:
    """Users, memberships, "granted" events and guardian grants, written in bulk
    exactly as ``membership_grant`` writes them (term from the committee,
    granted_by the central staff user, ROLE_PERMISSIONS, is_staff)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission

    from accounts.models import User
    from committees.models import (
        ROLE_PERMISSIONS,
        CommitteeUserObjectPermission,
        Membership,
        MembershipEvent,
    )

    staff = central_staff()
    unusable = make_password(None)
    wanted = [
        (committee, role, f"{USER_PREFIX}{committee.pk}-{role}{i}")
        for committee, roles in committees_with_roles
        for i, role in enumerate(roles)
    ]
    users = User.objects.bulk_create(
        [
            User(username=name, password=unusable, is_staff=True)
            for _c, _r, name in wanted
        ],
        batch_size=2000,
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                committee=committee,
                role=role,
                term_start=committee.term_start,
                term_end=committee.term_end,
                granted_by=staff,
            )
            for user, (committee, role, _n) in zip(users, wanted, strict=True)
        ],
        batch_size=2000,
    )
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(
                committee=m.committee,
                membership=m,
                action=MembershipEvent.Action.GRANTED,
                to_role=m.role,
                actor=staff,
            )
            for m in memberships
        ],
        batch_size=2000,
    )
    perms = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="committees")
    }
    CommitteeUserObjectPermission.objects.bulk_create(
        [
            CommitteeUserObjectPermission(
                user=m.user, permission=perms[codename], content_object=m.committee
            )
            for m in memberships
            for codename in ROLE_PERMISSIONS[m.role]
        ],
        batch_size=5000,
    )


def bulk_nominations(
    round_, count: int, places: list[tuple[str, str, str]], prefix: str, rng, **state
):
    """Producers, complete-enough products and submitted nominations (plus their
    "created" and "submitted" events), one product per nomination."""
    from communities.models import Producer
    from products.models import Category, Product
    from selection.models import Nomination, NominationEvent

    staff = central_staff()
    leaves = list(
        Category.objects.filter(parent__isnull=False)
        .order_by("code")
        .values_list("pk", "parent_id")
    )
    producers = Producer.objects.bulk_create(
        [
            Producer(
                kind=rng.choice(Producer.Kind.values),
                name_th=f"กลุ่มวิสาหกิจชุมชน {prefix}{i:05d}",
                registration_number=f"{prefix}{i:05d}",
                tambon_id=places[i % len(places)][0],
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    products = Product.objects.bulk_create(
        [
            Product(
                producer=producer,
                category_id=leaves[i % len(leaves)][0],
                name_th=f"ผลิตภัณฑ์ {producer.registration_number}",
                story="ภูมิปัญญาท้องถิ่นที่สืบทอดกันมา",
                price=rng.randint(20, 2000),
                unit="ชิ้น",
            )
            for i, producer in enumerate(producers)
        ],
        batch_size=5000,
    )
    started = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    nominations = Nomination.objects.bulk_create(
        [
            Nomination(
                round=round_,
                product=product,
                tambon_code=places[i % len(places)][0],
                amphoe_code=places[i % len(places)][1],
                province_code=places[i % len(places)][2],
                category_id=leaves[i % len(leaves)][1],
                created_by=staff,
                submitted_at=started + dt.timedelta(seconds=i),
                **state,
            )
            for i, product in enumerate(products)
        ],
        batch_size=5000,
    )
    tier, pending = state["tier"], state["state"]
    NominationEvent.objects.bulk_create(
        [
            NominationEvent(
                nomination=n,
                actor=staff,
                action=action,
                from_tier=before[0],
                from_state=before[1],
                to_tier=after[0],
                to_state=after[1],
            )
            for n in nominations
            for action, before, after in (
                ("created", ("", ""), ("tambon", "draft")),
                ("submitted", ("tambon", "draft"), (tier, pending)),
            )
        ],
        batch_size=5000,
    )
    return nominations


def subcommittees():
    """The five grading subcommittees of --preset opc, one per product type,
    named as committee_create names them."""
    from committees.models import Committee, Kind, Tier, grading_names
    from devdata.dataset.constants import GRADING_TYPES
    from products.models import Category

    types = {t.code: t for t in Category.objects.filter(parent__isnull=True)}
    committees = Committee.objects.bulk_create(
        Committee(
            tier=Tier.CENTRAL,
            kind=Kind.GRADING,
            term_start=TERM_START,
            name_th=grading_names([types[code]])[0],
            name_en=grading_names([types[code]])[1],
        )
        for code in GRADING_TYPES
    )
    Committee.product_types.through.objects.bulk_create(
        Committee.product_types.through(committee_id=c.pk, category_id=types[code].pk)
        for c, code in zip(committees, GRADING_TYPES, strict=True)
    )
    return committees


def build(nominations: int, seed: int, preset: str = "ladder") -> None:
    from committees.models import Committee, Tier
    from communities.models import Amphoe, Province, Tambon

    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    started = time.perf_counter()
    round_ = make_round(YEAR, preset)
    committees = Committee.objects.bulk_create(
        [
            Committee(tier=Tier.AMPHOE, amphoe_id=code, term_start=TERM_START)
            for code in Amphoe.objects.order_by("code").values_list("pk", flat=True)
        ]
        + [
            Committee(tier=Tier.PROVINCE, province_id=code, term_start=TERM_START)
            for code in Province.objects.order_by("code").values_list("pk", flat=True)
        ]
        + [Committee(tier=Tier.CENTRAL, term_start=TERM_START)]
    )
    if preset == "opc":
        committees += subcommittees()
    bulk_members(
        [
            (c, PANEL_ROLES if preset == "opc" and c.tier == Tier.CENTRAL else ROLES)
            for c in committees
        ]
    )
    places = list(
        Tambon.objects.order_by("code").values_list("code", "amphoe_id", "province_id")
    )
    rng.shuffle(places)
    bulk_nominations(
        round_,
        nominations,
        places,
        PRODUCER_PREFIX,
        rng,
        tier="amphoe",
        state="pending",
    )
    analyze()
    print(
        f"setup (bulk, not part of the round, preset {preset}): "
        f"{len(committees):,} committees × {len(ROLES)} scoring members"
        + (
            f" (the {len(committees) - len(Committee.objects.exclude(tier='central'))}"
            f" central panels × {len(PANEL_ROLES)})"
            if preset == "opc"
            else ""
        )
        + f", {nominations:,} submitted nominations "
        f"in {time.perf_counter() - started:.1f} s"
    )
