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

With ``--preset opc`` (issue #19, Benchmark) the round is the OTOP Product
Champion grading: 20,000 entrants (no forum, no tambon quota); every district
committee checks and forwards (finalize with no sheets, approve); each
provincial committee's five members score parts A and B by batch entry
(``sheets_fill``), four entrants in five above the threshold (42 of 70), so
that 16,000 reach the centre; there the five grading subcommittees (one per
product type) grade all three parts in panels of nine, by batch entry, in
worker processes; the national committee
finalizes and approves the one central ranking and its chair awards
everyone (``ranking_award_all``, timed on its own). Before the centre grades,
its pages are rendered through the Django test client as panel members, over
distinct requests: the queue (list pages), the score page (nominations) and
the batch grid (each member of each panel); after it grades, the national
ranking page as the chair (3 runs). Page times are not part of the round's.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/otop_bench_opc \
        .venv/bin/python bench/ladder.py --preset opc --reset [--sample F]

The parts: ladder_setup.py (the bulk setup), ladder_round.py (the timed
round), ladder_ranking.py (the ranking-page committee) and ladder_central.py
(the OPC centre and its pages).
"""

import argparse
import io
import os
import sys
import time

import ladder_round
from common import ROOT, ensure_database, figure  # bench/common.py
from ladder_central import (
    rank_central_opc,
    report_central_opc,
    score_central_opc,
    time_central_pages,
)
from ladder_central import time_ranking_page as time_central_ranking_page
from ladder_ranking import (
    TARGET_P95_MS,
    bulk_sheets,
    profile_sheets,
    time_ranking,
    view_committee_setup,
)
from ladder_round import criteria_by_tier, play_tier, report_tier, scorers_by_committee
from ladder_setup import ROLES, YEAR, analyze, build, setup_state

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")
# Time what production runs: no debug cursor, no debug template engine.
os.environ.setdefault("DJANGO_DEBUG", "false")

TARGET_ROUND_S = 600.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="drop the database first")
    parser.add_argument(
        "--preset",
        choices=("ladder", "opc"),
        default="ladder",
        help="the round's plan: ladder (every tier scores and forwards its top "
        "N) or opc (OTOP Product Champion grading: districts check, provinces "
        "grade parts A/B against a threshold, the centre grades everyone in "
        "five panels of nine and awards all; batch entry of scores)",
    )
    parser.add_argument(
        "--nominations",
        type=int,
        help="submitted nominations (default 16,000; with --preset opc 20,000, "
        "of which four in five pass the provinces: 16,000 at the centre)",
    )
    parser.add_argument(
        "--page-requests",
        type=int,
        default=60,
        help="--preset opc: distinct requests per central page timed",
    )
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
    opc = args.preset == "opc"
    if args.nominations is None:
        args.nominations = 20_000 if opc else 16_000
    ladder_round.BATCH = args.batch or opc  # forked workers inherit it
    ladder_round.PRESET = args.preset
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
    state = setup_state(args.nominations, args.preset)
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
        build(args.nominations, args.seed, args.preset)
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
    plan = "; ".join(
        f"{s.tier} {s.action}"
        + (f" {s.parts}" if s.parts else "")
        + (f" top {s.quota}" if s.advance == "quota" else "")
        + (f" >= {s.threshold}" if s.advance == "threshold" else "")
        for s in round_.plan.steps
        if s.tier != "tambon"
    )
    print(
        f"round {round_.year} ({round_.preset}: {plan}): {args.nominations:,} "
        f"nominations, {len(ROLES)} scoring members per district and provincial "
        f"committee, sample {args.sample:g}, "
        + ("batch entry (sheets_fill)" if ladder_round.BATCH else "sheet by sheet")
    )

    boards = scorers_by_committee()
    criteria = criteria_by_tier(round_)
    results = {}
    pages_s = 0.0
    total_started = time.perf_counter()
    for tier in ("amphoe", "province", "central"):
        if opc and tier == "central":
            pages_started = time.perf_counter()
            time_central_pages(round_, args.page_requests, args.warmups, args.seed)
            pages_s += time.perf_counter() - pages_started
            results[tier] = score_central_opc(round_, args.seed, args.workers)
            pages_started = time.perf_counter()
            time_central_ranking_page(round_, 3)
            pages_s += time.perf_counter() - pages_started
            results[tier] = rank_central_opc(round_, results[tier])
            report_central_opc(results[tier])
            figure("award all (ranking_award_all)", results[tier]["award_s"], "s")
            continue
        results[tier] = play_tier(
            tier, round_, boards, criteria, args.sample, args.seed, args.workers
        )
        report_tier(tier, results[tier])
    wall = time.perf_counter() - total_started - pages_s
    measured = sum(r["seconds"] for r in results.values())
    sheets = sum(r["sheets"] for r in results.values())
    awarded = Nomination.objects.filter(round=round_, state="awarded").count()
    print(
        f"round total: {measured:.1f} s through the services ({sheets:,.0f} sheets, "
        f"{sheets / measured:,.0f} sheets/s; wall {wall:.1f} s incl. "
        f"fast-forwarding, without the page timings), {awarded} awarded"
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
        f"whole round ({args.preset}), "
        + ("batch entry" if ladder_round.BATCH else "sheet by sheet"),
        estimate / 60,
        "min",
        f"<= {TARGET_ROUND_S / 60:.0f}",
    )

    if opc:
        return
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
