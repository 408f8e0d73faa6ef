"""The ladder benchmark's ranking-page committee: 500 nominations, nine
scoring members; the score page's queries profiled, the ranking timed
(see bench/ladder.py)."""

import cProfile
import datetime as dt
import io
import pstats
import random
import statistics
import time
from decimal import Decimal

from common import figure, percentile  # bench/common.py
from ladder_round import criteria_by_tier
from ladder_setup import (
    PROFILED_NOMINATIONS,
    USER_PREFIX,
    VIEW_EXTRA_MEMBERS,
    VIEW_NOMINATIONS,
    VIEW_PRODUCER_PREFIX,
    VIEW_YEAR,
    bulk_nominations,
    central_staff,
    make_round,
)

TARGET_P95_MS = 300.0


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
