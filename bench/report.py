"""Benchmark the national report and the budget roll-ups at national scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/otop_bench_report \
        .venv/bin/python bench/report.py [--products N] [--actions-per-plan K]

Creates and migrates the database if missing and, when it holds no round yet,
runs ``generate_dataset --products N --seed 1`` (a finished national round:
~16,000 nominations, 1,005 rankings, 770 awarded and published). Then, once,
it gives every district and provincial committee that ranked in that round an
approved support plan with K actions (bulk-written: kinds, sources, budgets
spread deterministically), so the roll-ups sum real rows.

Timed, after warm-ups, 20 runs each: ``national_report`` (every figure of
the report), ``national_xlsx`` on top of it, and ``budget_rollup`` by each
grouping for all committees (what central staff see) and for one province's
committees (what a provincial committee sees). Query counts are printed.
Figures only, no asserts.
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from common import ensure_database, figure, percentile  # bench/common.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

RUNS = 20
WARMUPS = 3


def timed(function, runs: int = RUNS) -> list[float]:
    for _ in range(WARMUPS):
        function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def plant_plans(round_, per_plan: int) -> int:
    """Approved plans with ``per_plan`` actions for every district and
    provincial committee that ranked in ``round_``; returns the actions."""
    from django.utils import timezone

    from selection.models import RankingEntry
    from support.models import FundingSource, SupportAction, SupportKind, SupportPlan

    if SupportPlan.objects.filter(round=round_).exists():
        return SupportAction.objects.filter(plan__round=round_).count()
    rng = random.Random(1)  # noqa: S311 (made-up budgets)
    ranked = {}
    for committee_id, nomination_id in (
        RankingEntry.objects.filter(
            ranking__round=round_, ranking__tier__in=("amphoe", "province")
        )
        .order_by("ranking__committee_id", "position")
        .values_list("ranking__committee_id", "nomination_id")
    ):
        ranked.setdefault(committee_id, []).append(nomination_id)
    now = timezone.now()
    plans = SupportPlan.objects.bulk_create(
        SupportPlan(
            round=round_,
            committee_id=committee_id,
            status=SupportPlan.Status.APPROVED,
            approved_at=now,
        )
        for committee_id in ranked
    )
    kinds, sources = SupportKind.values, FundingSource.values
    statuses = SupportAction.Status.values
    actions = [
        SupportAction(
            plan=plan,
            nomination_id=ranked[plan.committee_id][i % len(ranked[plan.committee_id])],
            kind=rng.choice(kinds),
            description="แผนสนับสนุน (ข้อมูลทดสอบ)",
            agency="สำนักงานพัฒนาชุมชน",
            budget=Decimal(rng.randrange(5_000_00, 200_000_00)) / 100,
            source=rng.choice(sources),
            fiscal_year=round_.year + 544,
            quarter=1 + i % 4,
            status=rng.choice(statuses),
        )
        for plan in plans
        for i in range(per_plan)
    ]
    SupportAction.objects.bulk_create(actions, batch_size=5000)
    return len(actions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--actions-per-plan", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from selection.models import Nomination, Round

    if not Round.objects.exists():
        print(f"generate_dataset --products {args.products} --seed 1", flush=True)
        call_command("generate_dataset", products=args.products, seed=1, verbosity=0)
    round_ = Round.objects.order_by("-year").first()
    actions = plant_plans(round_, args.actions_per_plan)
    nominations = Nomination.objects.filter(round=round_).count()
    print(
        f"round {round_.year + 543}: {nominations:,} nominations, "
        f"{actions:,} support actions in approved plans",
        flush=True,
    )

    from committees.models import Committee
    from reports.report import national_report
    from reports.xlsx import national_xlsx
    from support.budget import BY, budget_rollup

    report_queries = queries(lambda: national_report(round_))
    samples = timed(lambda: national_report(round_))
    print(
        f"national_report: {report_queries} queries, median "
        f"{statistics.median(samples):.0f} ms, p95 {percentile(samples, 95):.0f} ms"
    )
    figure("national report p95", percentile(samples, 95), "ms")
    report = national_report(round_)
    xlsx = timed(lambda: national_xlsx(report), runs=10)
    size = len(national_xlsx(report))
    print(
        f"national_xlsx (on a built report): median {statistics.median(xlsx):.0f} ms,"
        f" {size / 1024:.0f} KiB"
    )
    figure("national report XLSX p95", percentile(xlsx, 95), "ms")

    province = Committee.objects.filter(tier="province", province_id="30").first()
    below = list(
        Committee.objects.filter(province_id="30")
        | Committee.objects.filter(amphoe__province_id="30")
    )
    worst_all = worst_province = 0.0
    for by in BY:
        n = queries(lambda by=by: budget_rollup(round_, by))
        everyone = timed(lambda by=by: budget_rollup(round_, by))
        one = timed(lambda by=by: budget_rollup(round_, by, committees=below))
        worst_all = max(worst_all, percentile(everyone, 95))
        worst_province = max(worst_province, percentile(one, 95))
        print(
            f"budget_rollup by {by:<9} {n} query; all committees p95 "
            f"{percentile(everyone, 95):.1f} ms; {province} and its districts "
            f"p95 {percentile(one, 95):.1f} ms"
        )
    figure("budget roll-up p95, whole country (worst grouping)", worst_all, "ms")
    figure("budget roll-up p95, one province (worst grouping)", worst_province, "ms")


if __name__ == "__main__":
    main()
