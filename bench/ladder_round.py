"""The ladder benchmark's timed round: every committee of a tier scores,
ranks and approves through the services, in one or more processes
(see bench/ladder.py)."""

import os
import random
import sys
import time
from collections import defaultdict
from decimal import Decimal

from ladder_setup import OPC_PASSING, USER_PREFIX


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
PRESET = "ladder"  # set by --preset


def entrant_passes(nomination) -> bool:
    """--preset opc: whether the provinces score the entrant above the
    threshold — four in five, by the number in its product's name (bulk
    setup's order), so that exactly OPC_PASSING of them reach the centre."""
    index = int(nomination.product.name_th.rsplit("P", 1)[1])
    return index % round(1 / (1 - OPC_PASSING)) != 0


def points_for(nomination, criteria, rng) -> dict:
    """A sheet's points: at random (the ladder, and the centre's grading,
    from 3 to 10 per criterion), or, at an OPC province, from 7 to 10 for an
    entrant that passes (49 or more of 70) and 0 to 5 for one that does not
    (35 or less): the threshold of 42 decides the same on every sheet."""
    if PRESET != "opc":
        low, high = 0, 20
    elif nomination.tier == "province":
        low, high = (14, 20) if entrant_passes(nomination) else (0, 10)
    else:
        low, high = 6, 20
    return {pk: Decimal(rng.randint(low, high)) / 2 for pk in criteria}


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
                entries={n.pk: points_for(n, criteria, rng) for n in queue},
            )
            sheets += len(queue)
        else:
            for nomination in queue:
                points = points_for(nomination, criteria, rng)
                sheet_save(
                    actor=member, nomination=nomination, points=points, submit=True
                )
                sheets += 1
        if progress:
            progress.tick(label)
    return sheets


def fast_forward(committee, round_, rng) -> int:
    """Not timed: forward what the plan's rule would (a quota at random, a
    threshold as the sheets would decide it, or all) and drop the rest, in
    bulk, so the next tier's queues keep their full size under --sample."""
    from selection.models import Nomination
    from selection.selectors import queue_for

    step = round_.plan.step(committee.tier)
    queue = list(queue_for(committee, round_).order_by("pk").select_related("product"))
    rng.shuffle(queue)
    if step.advance == "quota":
        going = queue[: step.quota]
    elif step.advance == "threshold":
        going = [n for n in queue if entrant_passes(n)]
    else:
        going = queue
    ids = {n.pk for n in going}
    Nomination.objects.filter(pk__in=ids).update(
        tier=round_.plan.next_tier(committee.tier), state="pending"
    )
    Nomination.objects.filter(pk__in=[n.pk for n in queue if n.pk not in ids]).update(
        state="not_selected"
    )
    return len(queue)


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
        queue = list(
            queue_for(committee, round_).order_by("pk").select_related("product")
        )
        if not queue:
            continue
        sheets = 0
        if round_.plan.scores(tier):  # an OPC district only checks
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
