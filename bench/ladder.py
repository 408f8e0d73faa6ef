"""Benchmark a national selection round through the ladder services.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/otop_bench_ladder \
        .venv/bin/python bench/ladder.py [--reset] [--nominations N] [--sample F]

Creates the database if missing (``--reset`` drops it first; a database that
already holds a played round is dropped as well, since a round plays once),
migrates and loads the geography. The setup, timed on its own, then writes in
bulk: a round (10 criteria per tier, as ``tests/selection/ladder.make_round``,
created and opened through ``round_create``/``round_open``), a committee for
every amphoe, every province and the central one, each with five scoring
members (chair, secretary, three members: users, memberships, membership
events and guardian grants bulk-created exactly as ``membership_grant``
writes them), and N nominations spread over every tambon, already submitted
(tier amphoe, state pending, with their "created"/"submitted" events).

The timed round, in one process and through the services only: at each tier,
amphoe → province → central, every scoring member submits a sheet
(``sheet_save``) with deterministic pseudo-random points for every nomination
in the committee's queue (``queue_for``); the secretary finalizes the ranking
and the chair approves it; at central the chair awards
everything (``ranking_award_all``). With ``--sample F`` only that fraction of
the district and provincial committees play through the services (the
central one always does); the others are fast-forwarded by a bulk update so
the next tier still gets its full queue, and each tier's time is extrapolated
from the committees that played (labelled as such).

Then, for a committee of 500 nominations and nine scoring members (a second
round, the first provincial committee with four more members appointed
through ``membership_grant``): query counts and a cProfile of ``sheet_for``
(the score page's read) and ``sheet_save`` for its first sheets, then, with
every sheet submitted, ``ranking_rows`` (the data behind the ranking page) and
the ranking admin page as its chair, 30 timed runs after 3 warm-ups each.
Figures only, no asserts.
Targets from the issue: the whole round <= 10 min on 2 cores, ranking <= 300 ms.
"""

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from common import ensure_database, figure, percentile  # bench/common.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")
# Time what production runs: no debug cursor, no debug template engine.
os.environ.setdefault("DJANGO_DEBUG", "false")

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
TARGET_ROUND_S = 600.0
TARGET_P95_MS = 300.0
# Ten criteria per tier: part A 4 × 10, part B 3 × 10, part C 3 × 10 = 100.
CRITERIA = (
    [("A", f"A{i}") for i in range(1, 5)]
    + [("B", f"B{i}") for i in range(1, 4)]
    + [("C", f"C{i}") for i in range(1, 4)]
)
ROLES = ("chair", "secretary", "member", "member", "member")


class QueryTimer:
    """An execute wrapper keeping each statement's time to the microsecond."""

    def __init__(self):
        self.times: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append((sql, (time.perf_counter() - started) * 1000))


def synchronous_commit() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "n/a"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# Setup ------------------------------------------------------------------------------


def setup_state(nominations: int) -> str:
    """ "missing", "ready" (an unplayed setup of the same size) or "dirty"."""
    from committees.models import Committee
    from selection.models import Nomination, Ranking, Round, ScoreSheet

    if not Round.objects.exists() and not Committee.objects.exists():
        return "missing"
    round_ = Round.objects.filter(year=YEAR).first()
    if (
        round_ is None
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


def make_round(year: int):
    from selection.models import Criterion, Tier
    from selection.rounds import round_create, round_open

    staff = central_staff()
    round_ = round_create(
        actor=staff,
        year=year,
        title_th=f"การคัดสรร OTOP ปี {year + 543}",
        tambon_deadline=FAR,
        amphoe_deadline=FAR,
        province_deadline=FAR,
        central_deadline=FAR,
        amphoe_advance=AMPHOE_ADVANCE,
        province_advance=PROVINCE_ADVANCE,
    )
    for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL):
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


def build(nominations: int, seed: int) -> None:
    from committees.models import Committee, Tier
    from communities.models import Amphoe, Province, Tambon

    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    started = time.perf_counter()
    round_ = make_round(YEAR)
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
    bulk_members([(c, ROLES) for c in committees])
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
        f"setup (bulk, not part of the round): {len(committees):,} committees × "
        f"{len(ROLES)} scoring members, {nominations:,} submitted nominations "
        f"in {time.perf_counter() - started:.1f} s"
    )


# The round --------------------------------------------------------------------------


class Progress:
    def __init__(self):
        self.last = time.perf_counter()

    def tick(self, text: str) -> None:
        now = time.perf_counter()
        if now - self.last >= 60:
            print(f"  … {text}", file=sys.stderr, flush=True)
            self.last = now


def scorers_by_committee() -> dict[int, dict]:
    from accounts.models import User
    from committees.models import Membership

    boards: dict[int, dict] = defaultdict(lambda: {"members": []})
    users = {u.pk: u for u in User.objects.filter(username__startswith=USER_PREFIX)}
    for committee_id, user_id, role in (
        Membership.objects.current()
        .filter(revoked_at__isnull=True)
        .exclude(role="observer")
        .order_by("committee_id", "pk")
        .values_list("committee_id", "user_id", "role")
    ):
        board = boards[committee_id]
        board["members"].append(users[user_id])
        if role in ("chair", "secretary"):
            board[role] = users[user_id]
    return boards


def criteria_by_tier(round_) -> dict[str, list]:
    from selection.models import Criterion

    criteria = defaultdict(list)
    for criterion in Criterion.objects.filter(round=round_, category__isnull=True):
        criteria[criterion.tier].append(criterion.pk)
    return criteria


BATCH = False  # set by --batch


def score_queue(committee, board, queue, criteria, rng, progress=None, label="") -> int:
    """Every scoring member submits a sheet for every nomination: one
    sheet_save per sheet (checks, sheet and scores in one transaction), or
    with --batch one sheets_fill per member for the whole queue (a meeting's
    sheets entered together)."""
    from selection.services import sheet_save, sheets_fill

    sheets = 0
    for member in board["members"]:
        if BATCH:
            sheets_fill(
                actor=member,
                committee=committee,
                entries={
                    n.pk: {pk: Decimal(rng.randint(0, 20)) / 2 for pk in criteria}
                    for n in queue
                },
            )
            sheets += len(queue)
        else:
            for nomination in queue:
                points = {pk: Decimal(rng.randint(0, 20)) / 2 for pk in criteria}
                sheet_save(
                    actor=member, nomination=nomination, points=points, submit=True
                )
                sheets += 1
        if progress:
            progress.tick(label)
    return sheets


def fast_forward(committee, round_, rng) -> int:
    """Not timed: forward a committee's quota at random and drop the rest, in
    bulk, so the next tier's queues keep their full size under --sample."""
    from core.tiers import NEXT_TIER
    from selection.models import Nomination
    from selection.selectors import queue_for

    ids = list(queue_for(committee, round_).order_by("pk").values_list("pk", flat=True))
    rng.shuffle(ids)
    quota = round_.advance_for(committee.tier)
    Nomination.objects.filter(pk__in=ids[:quota]).update(
        tier=NEXT_TIER[committee.tier], state="pending"
    )
    Nomination.objects.filter(pk__in=ids[quota:]).update(state="not_selected")
    return len(ids)


def play_committees(tier: str, round_pk: int, committee_pks, seed: int) -> dict:
    """Score, finalize and approve (and at the centre award) each committee's
    queue through the services; returns the summed timings."""
    from committees.models import Committee
    from selection.models import Round
    from selection.selectors import queue_for
    from selection.services import (
        ranking_approve,
        ranking_award_all,
        ranking_finalize,
        ranking_get,
    )

    round_ = Round.objects.get(pk=round_pk)
    boards = scorers_by_committee()
    criteria = criteria_by_tier(round_)
    stats = defaultdict(float)
    progress = Progress()
    for committee in Committee.objects.filter(pk__in=committee_pks).order_by("pk"):
        rng = random.Random(f"{seed}-{committee.pk}")  # noqa: S311 - repeatable
        board = boards[committee.pk]
        t0 = time.perf_counter()
        queue = list(queue_for(committee, round_).order_by("pk"))
        if not queue:
            continue
        sheets = score_queue(
            committee,
            board,
            queue,
            criteria[tier],
            rng,
            progress,
            f"{tier}: {int(stats['committees'])} committees, "
            f"{int(stats['sheets']):,} sheets (pid {os.getpid()})",
        )
        t1 = time.perf_counter()
        ranking = ranking_get(committee=committee, round_=round_)
        ranking = ranking_finalize(actor=board["secretary"], ranking=ranking)
        t2 = time.perf_counter()
        ranking = ranking_approve(actor=board["chair"], ranking=ranking)
        t3 = time.perf_counter()
        if tier == "central":
            stats["awarded"] += ranking_award_all(actor=board["chair"], ranking=ranking)
        t4 = time.perf_counter()
        stats["committees"] += 1
        stats["nominations"] += len(queue)
        stats["sheets"] += sheets
        stats["score_s"] += t1 - t0
        stats["finalize_s"] += t2 - t1
        stats["approve_s"] += t3 - t2
        stats["award_s"] += t4 - t3
        stats["max_queue"] = max(stats["max_queue"], len(queue))
    return dict(stats)


def _worker_init() -> None:
    # A forked child must not share the parent's database connection.
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.inc_thread_sharing()
        conn.close()
        conn.dec_thread_sharing()


def _play_share(args) -> dict:
    return play_committees(*args)


def play_tier(
    tier: str, round_, boards, criteria, sample: float, seed: int, workers: int = 1
) -> dict:
    """Play a tier, its committees shared among ``workers`` processes (the
    committees of a tier work independently, as real ones do at once)."""
    import multiprocessing

    from django.db import connections

    from committees.models import Committee

    rng = random.Random(f"{seed}-{tier}")  # noqa: S311 - repeatable sampling
    committees = list(
        Committee.objects.filter(tier=tier, is_active=True).order_by("pk")
    )
    if sample >= 1 or tier == "central":
        played = [c.pk for c in committees]
    else:
        wanted = max(1, round(len(committees) * sample))
        played = sorted(c.pk for c in rng.sample(committees, wanted))
    stats = defaultdict(float)
    for committee in committees:
        if committee.pk not in set(played):
            stats["skipped_nominations"] += fast_forward(committee, round_, rng)
    workers = max(1, min(workers, len(played)))
    shares = [played[i::workers] for i in range(workers)]
    started = time.perf_counter()
    if workers == 1:
        parts = [play_committees(tier, round_.pk, played, seed)]
    else:
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_worker_init) as pool:
            parts = pool.map(
                _play_share, [(tier, round_.pk, share, seed) for share in shares]
            )
    wall = time.perf_counter() - started
    for part in parts:
        for key, value in part.items():
            if key == "max_queue":
                stats[key] = max(stats[key], value)
            else:
                stats[key] += value
    stats["workers"] = workers
    stats["all_committees"] = len(committees)
    # Per-step times are summed over the workers; the tier took ``wall``.
    stats["seconds"] = wall
    total_nominations = stats["nominations"] + stats["skipped_nominations"]
    stats["factor"] = (
        total_nominations / stats["nominations"] if stats["nominations"] else 1.0
    )
    stats["estimate_s"] = stats["seconds"] * stats["factor"]
    return stats


def report_tier(tier: str, s: dict) -> None:
    per_process = s["sheets"] / s["score_s"] if s["score_s"] else 0
    line = (
        f"{tier:>8}: {int(s['committees'])}/{int(s['all_committees'])} committees, "
        f"{int(s['nominations']):,} nominations (largest queue "
        f"{int(s['max_queue'])}), {int(s['sheets']):,} sheets; "
        f"{s['seconds']:.1f} s wall with {int(s['workers'])} processes "
        f"({s['sheets'] / s['seconds'] if s['seconds'] else 0:,.0f} sheets/s; "
        f"per process {1000 / per_process if per_process else 0:.1f} ms/sheet; "
        f"summed over processes: finalize {s['finalize_s']:.1f} s, approve "
        f"{s['approve_s']:.1f} s"
    )
    if tier == "central":
        line += f"; award {s['award_s']:.1f} s for {int(s['awarded'])}"
    line += ")"
    print(line)
    if s["factor"] > 1.0001:
        print(
            f"          EXTRAPOLATED to all {int(s['all_committees'])} committees "
            f"({int(s['nominations'] + s['skipped_nominations']):,} nominations, "
            f"×{s['factor']:.2f}): {s['estimate_s']:.0f} s"
        )


# The ranking-page committee ---------------------------------------------------------


def view_committee_setup(seed: int):
    """A second round; the first provincial committee with four more members
    appointed through membership_grant (nine scorers); 500 pending nominations
    at its tier in its province."""
    from accounts.models import User
    from committees.models import Committee, Role, Tier
    from committees.services import membership_grant
    from communities.models import Tambon

    rng = random.Random(f"{seed}-view")  # noqa: S311 - repeatable test data
    round_ = make_round(VIEW_YEAR)
    committee = Committee.objects.filter(tier=Tier.PROVINCE).order_by("province_id")[0]
    staff = central_staff()
    started = time.perf_counter()
    for i in range(VIEW_EXTRA_MEMBERS):
        user = User.objects.create(username=f"{USER_PREFIX}view-member{i}")
        membership_grant(actor=staff, user=user, committee=committee, role=Role.MEMBER)
    granted_ms = (time.perf_counter() - started) * 1000 / VIEW_EXTRA_MEMBERS
    places = list(
        Tambon.objects.filter(province_id=committee.province_id)
        .order_by("code")
        .values_list("code", "amphoe_id", "province_id")
    )
    bulk_nominations(
        round_,
        VIEW_NOMINATIONS,
        places,
        VIEW_PRODUCER_PREFIX,
        rng,
        tier="province",
        state="pending",
    )
    print(
        f"ranking committee: {committee} (province {committee.province_id}), "
        f"{VIEW_NOMINATIONS} nominations over {len(places)} tambons in round "
        f"{VIEW_YEAR}; {VIEW_EXTRA_MEMBERS} members added through membership_grant "
        f"({granted_ms:.0f} ms each)"
    )
    return round_, committee, rng


def profile_sheets(round_, committee, board, rng) -> None:
    """Query counts of one sheet_for (the score page's read) and one
    sheet_save (its POST), and a cProfile of the first nominations' sheets
    through the same two calls."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from selection.selectors import queue_for
    from selection.services import sheet_for, sheet_save

    criteria = criteria_by_tier(round_)["province"]
    queue = list(queue_for(committee, round_).order_by("pk")[:PROFILED_NOMINATIONS])
    member = board["members"][0]
    # One warm call, then the captured ones.
    points = {pk: Decimal(rng.randint(0, 20)) / 2 for pk in criteria}
    sheet_for(actor=member, nomination=queue[0])
    sheet_save(actor=member, nomination=queue[0], points=points, submit=True)
    member = board["members"][1]
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as opened:
            sheet_for(actor=member, nomination=queue[0])
        open_ms = (time.perf_counter() - started) * 1000
        open_times, timer.times = timer.times, []
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as saved:
            sheet_save(actor=member, nomination=queue[0], points=points, submit=True)
        save_ms = (time.perf_counter() - started) * 1000
        save_times = timer.times

    def counts(captured):
        sqls = [q["sql"] for q in captured.captured_queries]
        tx = sum(1 for q in sqls if q.split()[0] in {"BEGIN", "COMMIT"})
        savepoints = sum(1 for q in sqls if "SAVEPOINT" in q)
        return f"{len(sqls) - tx - savepoints} queries + {savepoints} savepoint"

    print(
        f"queries per sheet (debug cursor on): sheet_for {counts(opened)} "
        f"statements in {open_ms:.1f} ms; sheet_save(submit=True) {counts(saved)} "
        f"statements in {save_ms:.1f} ms; each also BEGIN + COMMIT"
    )
    for label, times in (("sheet_for", open_times), ("sheet_save", save_times)):
        print(f"  {label}:")
        for sql, ms in times:
            sql = " ".join(sql.split())
            print(f"    [{ms:5.2f} ms] {sql[:140]}")

    # Where a sheet's time goes without the profiler: database calls vs the rest.
    batch = list(queue_for(committee, round_).order_by("pk")[PROFILED_NOMINATIONS:])
    batch = batch[: PROFILED_NOMINATIONS * 5]
    timer = QueryTimer()
    commit_ms = 0.0
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        for nomination in batch:
            for member in board["members"]:
                sheet_for(actor=member, nomination=nomination)
                points = {pk: Decimal(rng.randint(0, 20)) / 2 for pk in criteria}
                sheet_save(
                    actor=member, nomination=nomination, points=points, submit=True
                )
    elapsed = (time.perf_counter() - started) * 1000
    count = len(batch) * len(board["members"])
    in_db = sum(ms for _sql, ms in timer.times)
    # A sheet's commit is not a cursor call: time a comparable one.
    for _ in range(20):
        c0 = time.perf_counter()
        with transaction.atomic():
            connection.cursor().execute("SELECT txid_current()")
        commit_ms += (time.perf_counter() - c0) * 1000
    print(
        f"per sheet (sheet_for + sheet_save, {count} sheets, no profiler): "
        f"{elapsed / count:.1f} ms, of which {len(timer.times) / count:.0f} "
        f"statements take {in_db / count:.1f} ms in the driver/database; "
        f"a write transaction's BEGIN…COMMIT costs ~{commit_ms / 20:.1f} ms "
        f"(synchronous_commit {synchronous_commit()})"
    )

    profiler = cProfile.Profile()
    done = 0
    profiler.enable()
    for nomination in queue:
        for member in board["members"]:
            if nomination.pk == queue[0].pk and member in board["members"][:2]:
                continue
            sheet_for(actor=member, nomination=nomination)
            points = {pk: Decimal(rng.randint(0, 20)) / 2 for pk in criteria}
            sheet_save(actor=member, nomination=nomination, points=points, submit=True)
            done += 1
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"selection/(services|selectors)|committees/|django/db/backends/utils|compiler.py:\d+\(execute_sql",
        22,
    )
    print(f"cProfile of {done} sheets (sheet_for + sheet_save), cumulative:")
    keep = False
    for line in out.getvalue().splitlines():
        if "ncalls" in line:
            keep = True
        if keep and line.strip():
            print(f"  {line[:150]}")


def bulk_sheets(round_, committee, board, rng) -> None:
    """The remaining sheets of the ranking committee, submitted, in bulk."""
    from selection.models import Criterion, Nomination, Score, ScoreSheet

    criteria = list(Criterion.objects.filter(round=round_, tier="province"))
    done = set(
        ScoreSheet.objects.filter(committee=committee, tier="province").values_list(
            "nomination_id", "member_id"
        )
    )
    nominations = list(
        Nomination.objects.filter(round=round_)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sheets, points = [], []
    now = dt.datetime.now(dt.UTC)
    for nomination in nominations:
        for member in board["members"]:
            if (nomination, member.pk) in done:
                continue
            given = [(c, Decimal(rng.randint(0, 20)) / 2) for c in criteria]
            parts = {"A": Decimal(0), "B": Decimal(0), "C": Decimal(0)}
            for c, value in given:
                parts[c.part] += value
            sheets.append(
                ScoreSheet(
                    nomination_id=nomination,
                    tier="province",
                    committee=committee,
                    member=member,
                    status=ScoreSheet.Status.SUBMITTED,
                    total=sum(parts.values()),
                    part_a=parts["A"],
                    part_b=parts["B"],
                    part_c=parts["C"],
                    submitted_at=now,
                )
            )
            points.append(given)
    ScoreSheet.objects.bulk_create(sheets, batch_size=2000)
    Score.objects.bulk_create(
        [
            Score(sheet=sheet, criterion=c, points=value)
            for sheet, given in zip(sheets, points, strict=True)
            for c, value in given
        ],
        batch_size=5000,
    )


def time_ranking(round_, committee, board, runs: int, warmups: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from selection.models import ScoreSheet
    from selection.selectors import ranking_rows, scoring_members

    sheets = ScoreSheet.objects.filter(
        committee=committee, tier="province", nomination__round=round_
    ).count()
    with CaptureQueriesContext(connection) as captured:
        rows = ranking_rows(committee, round_)
    samples = []
    for _ in range(warmups + runs):
        started = time.perf_counter()
        ranking_rows(committee, round_)
        samples.append((time.perf_counter() - started) * 1000)
    samples = samples[warmups:]
    print(
        f"ranking_rows: {len(rows)} nominations × {len(scoring_members(committee))} "
        f"scoring members ({sheets:,} submitted sheets), {runs} runs after "
        f"{warmups} warm-ups: p50 {statistics.median(samples):.1f} ms, "
        f"p95 {percentile(samples, 95):.1f} ms, max {max(samples):.1f} ms, "
        f"{len(captured)} queries"
    )
    figure(
        f"ranking data p95 ({len(rows)} nominations)",
        percentile(samples, 95),
        "ms",
        f"<= {TARGET_P95_MS:.0f}",
    )
    time_ranking_page(round_, committee, board, runs, warmups)


def ranking_request(user_pk: int, ranking_pk: int):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    from accounts.models import User

    request = RequestFactory().get(f"/admin/selection/ranking/{ranking_pk}/change/")
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    # A fresh user each time: no permission cache carried between requests.
    request.user = User.objects.get(pk=user_pk)
    return request


def time_ranking_page(round_, committee, board, runs: int, warmups: int) -> None:
    """The ranking admin page (change_view + render) as the committee's chair."""
    from django.contrib import admin
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from selection.models import Ranking
    from selection.services import ranking_get

    model_admin = admin.site._registry.get(Ranking)
    if model_admin is None:
        print("ranking admin page: selection.admin registers no Ranking admin; skipped")
        return
    ranking = ranking_get(committee=committee, round_=round_)
    chair = board["chair"].pk

    def render():
        response = model_admin.change_view(
            ranking_request(chair, ranking.pk), str(ranking.pk)
        )
        if hasattr(response, "render"):
            response.render()
        return response

    try:
        with CaptureQueriesContext(connection) as captured:
            response = render()
    except Exception as error:
        print(f"ranking admin page: failed ({type(error).__name__}: {error})")
        return
    if response.status_code != 200:
        print(f"ranking admin page: answered {response.status_code}; skipped")
        return
    samples = []
    for _ in range(warmups + runs):
        started = time.perf_counter()
        render()
        samples.append((time.perf_counter() - started) * 1000)
    samples = samples[warmups:]
    print(
        f"ranking admin page (change_view + render as the chair, open ranking, "
        f"{len(response.content) / 1e3:.0f} kB): p50 {statistics.median(samples):.1f} "
        f"ms, p95 {percentile(samples, 95):.1f} ms, max {max(samples):.1f} ms, "
        f"{len(captured)} queries"
    )
    figure("ranking admin page p95", percentile(samples, 95), "ms", "<= 300")


# Main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="drop the database first")
    parser.add_argument("--nominations", type=int, default=16_000)
    parser.add_argument(
        "--sample",
        type=float,
        default=1.0,
        help="fraction of district/provincial committees played through the "
        "services (the rest fast-forwarded; times extrapolated)",
    )
    parser.add_argument("--seed", type=int, default=2568)
    parser.add_argument(
        "--batch",
        action="store_true",
        help="each member scores a committee's whole queue in one sheets_fill",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes scoring committees side by side (default: one per core)",
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    args = parser.parse_args()
    global BATCH
    BATCH = args.batch  # forked workers inherit it
    if not 0 < args.sample <= 1:
        parser.error("--sample must be in (0, 1]")

    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url, args.reset)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from communities.models import Tambon
    from selection.models import Nomination, Round

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    state = setup_state(args.nominations)
    if state == "dirty":
        print("the database holds a played or different round: starting again")
        connection.close()
        ensure_database(url, reset=True)
        call_command("migrate", verbosity=0)
        state = "missing"
    if not Tambon.objects.exists():
        call_command("load_geography", stdout=io.StringIO())
    geography_s = time.perf_counter() - started
    if state == "missing":
        build(args.nominations, args.seed)
    else:
        print("setup: reusing the unplayed round already in the database")

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        vendor = f"postgresql {version}"
    else:
        vendor = connection.vendor
        print("warning: the issue's targets are for PostgreSQL")
    print(
        f"database: {vendor}, debug {settings.DEBUG}, {os.cpu_count()} CPUs; "
        f"migrate + geography {geography_s:.1f} s"
    )
    round_ = Round.objects.get(year=YEAR)
    print(
        f"round {round_.year}: {args.nominations:,} nominations, "
        f"{len(CRITERIA)} criteria per tier, {len(ROLES)} scoring members per "
        f"committee, amphoe_advance {round_.amphoe_advance}, province_advance "
        f"{round_.province_advance}, sample {args.sample:g}"
    )

    boards = scorers_by_committee()
    criteria = criteria_by_tier(round_)
    results = {}
    total_started = time.perf_counter()
    for tier in ("amphoe", "province", "central"):
        results[tier] = play_tier(
            tier, round_, boards, criteria, args.sample, args.seed, args.workers
        )
        report_tier(tier, results[tier])
    wall = time.perf_counter() - total_started
    measured = sum(r["seconds"] for r in results.values())
    sheets = sum(r["sheets"] for r in results.values())
    awarded = Nomination.objects.filter(round=round_, state="awarded").count()
    print(
        f"round total: {measured:.1f} s through the services ({sheets:,.0f} sheets, "
        f"{sheets / measured:,.0f} sheets/s; wall {wall:.1f} s incl. "
        f"fast-forwarding), {awarded} awarded"
    )
    if args.sample < 1:
        estimate = sum(r["estimate_s"] for r in results.values())
        print(
            f"round total EXTRAPOLATED from a {args.sample:g} sample of district "
            f"and provincial committees: {estimate:.0f} s ({estimate / 60:.1f} min)"
        )
    else:
        estimate = measured
    print(
        f"target: whole round <= {TARGET_ROUND_S / 60:.0f} min on 2 cores "
        f"({estimate / 60:.1f} min, {args.workers} worker processes)"
    )
    figure(
        "whole round, " + ("batch entry" if args.batch else "sheet by sheet"),
        estimate / 60,
        "min",
        f"<= {TARGET_ROUND_S / 60:.0f}",
    )

    round2, committee, rng = view_committee_setup(args.seed)
    boards = scorers_by_committee()
    board = boards[committee.pk]
    profile_sheets(round2, committee, board, rng)
    bulk_sheets(round2, committee, board, rng)
    analyze()
    time_ranking(round2, committee, board, args.runs, args.warmups)
    print(f"target: ranking <= {TARGET_P95_MS:.0f} ms p95")


if __name__ == "__main__":
    main()
