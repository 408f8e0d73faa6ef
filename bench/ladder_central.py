"""The OPC benchmark's centre (``bench/ladder.py --preset opc``): the five
grading subcommittees (one per product type) score their queues with batch entry in
worker processes, the national committee finalizes and approves the one
central ranking and its chair awards everyone; and the central pages,
rendered through the Django test client as panel members at 16,000."""

import random
import statistics
import time
from collections import defaultdict

from common import percentile  # bench/common.py
from ladder_round import _worker_init, criteria_by_tier, score_queue
from ladder_round import scorers_by_committee as boards_by_committee


def central_panels(round_) -> list[tuple[int, int]]:
    """(committee pk, queue size) of every central committee with a queue."""
    from committees.models import Committee
    from selection.selectors import queue_for

    panels = []
    for committee in Committee.objects.filter(tier="central", is_active=True).order_by(
        "pk"
    ):
        size = queue_for(committee, round_).count()
        if size:
            panels.append((committee.pk, size))
    return panels


def score_panels(round_pk: int, panel_pks: list[int], seed: int) -> dict:
    from committees.models import Committee
    from selection.models import Round
    from selection.selectors import queue_for

    round_ = Round.objects.get(pk=round_pk)
    boards = boards_by_committee()
    criteria = criteria_by_tier(round_)["central"]
    stats = defaultdict(float)
    for committee in Committee.objects.filter(pk__in=panel_pks).order_by("pk"):
        rng = random.Random(f"{seed}-{committee.pk}")  # noqa: S311 - repeatable
        queue = list(
            queue_for(committee, round_).order_by("pk").select_related("product")
        )
        started = time.perf_counter()
        stats["sheets"] += score_queue(
            committee, boards[committee.pk], queue, criteria, rng
        )
        stats["score_s"] += time.perf_counter() - started
        stats["nominations"] += len(queue)
        stats["max_queue"] = max(stats["max_queue"], len(queue))
    return dict(stats)


def _score_share(args) -> dict:
    return score_panels(*args)


def score_central_opc(round_, seed: int, workers: int) -> dict:
    """Score in panels (the panels shared among ``workers`` processes, the
    largest queue first to the least loaded). Returns the tier's stats so far
    (rank_central_opc adds the rest)."""
    import multiprocessing

    from django.db import connections

    panels = central_panels(round_)
    workers = max(1, min(workers, len(panels)))
    shares, loads = [[] for _ in range(workers)], [0] * workers
    for pk, size in sorted(panels, key=lambda p: -p[1]):
        lightest = loads.index(min(loads))
        shares[lightest].append(pk)
        loads[lightest] += size
    started = time.perf_counter()
    if workers == 1:
        parts = [score_panels(round_.pk, shares[0], seed)]
    else:
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_worker_init) as pool:
            parts = pool.map(_score_share, [(round_.pk, s, seed) for s in shares])
    scored = time.perf_counter()
    stats = defaultdict(float)
    for part in parts:
        for key, value in part.items():
            stats[key] = (
                max(stats[key], value) if key == "max_queue" else (stats[key] + value)
            )
    stats.update(
        committees=len(panels),
        all_committees=len(panels),
        workers=workers,
        panel_loads=loads,
        score_wall_s=scored - started,
    )
    return stats


def rank_central_opc(round_, stats: dict) -> dict:
    """The national committee finalizes and approves the one central ranking;
    its chair awards every nomination stars (ranking_award_all)."""
    from committees.models import Committee, Kind
    from selection.services import (
        ranking_approve,
        ranking_award_all,
        ranking_finalize,
        ranking_get,
    )

    started = time.perf_counter()
    national = Committee.objects.get(tier="central", is_active=True, kind=Kind.MAIN)
    board = boards_by_committee()[national.pk]
    ranking = ranking_get(committee=national, round_=round_)
    ranking = ranking_finalize(actor=board["secretary"], ranking=ranking)
    finalized = time.perf_counter()
    ranking = ranking_approve(actor=board["chair"], ranking=ranking)
    approved = time.perf_counter()
    stats["awarded"] = ranking_award_all(actor=board["chair"], ranking=ranking)
    awarded = time.perf_counter()
    stats.update(
        finalize_s=finalized - started,
        approve_s=approved - finalized,
        award_s=awarded - approved,
        seconds=stats["score_wall_s"] + awarded - started,
        factor=1.0,
    )
    stats["estimate_s"] = stats["seconds"]
    return stats


def report_central_opc(s: dict) -> None:
    print(
        f" central: {int(s['committees'])} grading panels (queues "
        f"{', '.join(f'{n:,}' for n in s['panel_loads'])} per process), "
        f"{int(s['nominations']):,} nominations, {int(s['sheets']):,} sheets by "
        f"batch entry: scoring {s['score_wall_s']:.1f} s wall with "
        f"{int(s['workers'])} processes; finalize {s['finalize_s']:.1f} s, "
        f"approve {s['approve_s']:.1f} s, award all {s['award_s']:.1f} s for "
        f"{int(s['awarded']):,}; tier {s['seconds']:.1f} s"
    )


# The central pages ---------------------------------------------------------------


def _timed(client, urls: list[str], warmups: int) -> tuple[list[float], int, int]:
    """Each URL fetched once (after ``warmups`` untimed fetches of the first
    ones): the times in ms, the largest page in bytes, the statuses not 200."""
    for url in urls[:warmups]:
        client.get(url)
    samples, largest, failed = [], 0, 0
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        largest = max(largest, len(response.content))
        failed += response.status_code != 200
    return samples, largest, failed


def _line(name: str, samples: list[float], largest: int, failed: int) -> float:
    p95 = percentile(samples, 95)
    print(
        f"  {name}: {len(samples)} distinct requests, p50 "
        f"{statistics.median(samples):.0f} ms, p95 {p95:.0f} ms, max "
        f"{max(samples):.0f} ms, largest {largest / 1e3:.0f} kB"
        + (f", {failed} NOT 200" if failed else "")
    )
    return p95


def time_central_pages(round_, requests: int, warmups: int, seed: int) -> dict:
    """The panel members' pages with every central nomination pending: the
    queue (distinct list pages of each panel), the score page (distinct
    nominations, each by a member of its panel) and the batch grid (each
    member of each panel), through the test client with a logged-in
    session, as a browser would ask for them."""
    from django.test import Client

    from committees.models import Committee
    from selection.selectors import queue_for

    rng = random.Random(f"{seed}-pages")  # noqa: S311 - repeatable sampling
    boards = boards_by_committee()
    panels = list(
        Committee.objects.filter(tier="central", is_active=True).order_by("pk")
    )
    queues = {
        c.pk: list(queue_for(c, round_).values_list("pk", flat=True)) for c in panels
    }
    # The national committee grades nothing itself when every product type
    # has its grading subcommittee: only panels with a queue are asked.
    panels = [c for c in panels if queues[c.pk]]
    pending = sum(len(q) for q in queues.values())
    print(
        f"central pages with {pending:,} nominations pending at the centre "
        f"(queues {', '.join(f'{len(q):,}' for q in queues.values())}), "
        f"{requests} distinct requests per page after {warmups} warm-ups:"
    )
    clients = {}

    def client_for(user):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    figures = {}
    # The queue: list pages 1…N of each panel's queue (50 a page), each page
    # by another member.
    by_member = defaultdict(list)
    for i in range(requests + warmups):
        panel = panels[i % len(panels)]
        members = boards[panel.pk]["members"]
        pages = max(1, len(queues[panel.pk]) // 50)
        by_member[members[i % len(members)].pk, members[i % len(members)]].append(
            f"/admin/selection/queuenomination/?p={rng.randint(1, pages)}"
        )
    figures["queue"] = _measure("central queue page", by_member, client_for, warmups)
    # The score page: distinct nominations, each by a member of its panel.
    by_member = defaultdict(list)
    for i in range(requests + warmups):
        panel = panels[i % len(panels)]
        member = rng.choice(boards[panel.pk]["members"])
        nomination = rng.choice(queues[panel.pk])
        by_member[member.pk, member].append(
            f"/admin/selection/queuenomination/{nomination}/score/"
        )
    figures["score"] = _measure("score page", by_member, client_for, warmups)
    # The batch grid (100 nominations of the panel's queue): every member of
    # every panel, once (all distinct).
    by_member = defaultdict(list)
    for panel in panels:
        for member in boards[panel.pk]["members"]:
            by_member[member.pk, member].append(
                f"/admin/selection/queuenomination/score-all/?committee={panel.pk}"
            )
    figures["grid"] = _measure("batch grid (score-all)", by_member, client_for, 0)
    return figures


def _measure(name: str, by_member: dict, client_for, warmups: int) -> float:
    samples, largest, failed = [], 0, 0
    warm = warmups
    for (_pk, member), urls in by_member.items():
        client = client_for(member)
        skip = min(warm, len(urls))
        for url in urls[:skip]:
            client.get(url)
        warm -= skip
        got, size, bad = _timed(client, urls[skip:], 0)
        samples += got
        largest = max(largest, size)
        failed += bad
    return _line(name, samples, largest, failed)


def time_ranking_page(round_, runs: int) -> None:
    """The national committee's central ranking page (every central
    nomination, its sheets from five panels) as its chair: a few runs."""
    from django.test import Client

    from committees.models import Committee, Kind

    national = Committee.objects.get(tier="central", is_active=True, kind=Kind.MAIN)
    chair = boards_by_committee()[national.pk]["chair"]
    client = Client()
    client.force_login(chair)
    url = f"/admin/selection/ranking/round/{round_.pk}/committee/{national.pk}/"
    samples, largest, failed = _timed(client, [url] * runs, 1)
    _line(f"central ranking page (one URL, {runs} runs)", samples, largest, failed)
