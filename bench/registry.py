"""Benchmark the public registry under load: the list, a Thai search and the API
against a bare Django view, on PostgreSQL with 100,000 published entries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/otop_bench_registry \
        .venv/bin/python bench/registry.py [--entries 100000] [--reset] \
        [--duration 10] [--connections 8] [--workers N] [--rounds 1] [--profile]

Needs ``wrk`` (Debian: ``apt-get install wrk``). Creates the database if
missing (``--reset`` drops it first), migrates, loads the geography, then,
unless the database already holds as many listed entries, writes
deterministically and in bulk: 25,000 producers over every tambon, one product,
one awarded nomination (rounds 2566-2568 B.E.) and one registry entry per
product, with its "published" event, plus 0.5% more entries revoked. Names are
composed from Thai word lists ("กาแฟดอยช้างคั่วกลาง"), so a place such as
"ดอยช้าง" is in about 1.5% of them; stars are skewed towards 3 and 4; numbers
are ``OTOP-<B.E.>-<province>-<6 digits>`` as ``registry_publish`` gives them.
The table is then vacuumed and analysed, as autovacuum would leave it.

It measures, figures only:

1. In the database: the exact SQL of the list page and of the Thai search
   (``RegistryQuery(...).apply()[:24]``, its count, the facet queries), each
   timed N times through a Django cursor, with the search's EXPLAIN plan.
2. In-process (``django.test.Client``, the same settings and database): the
   queries per request and where the time goes (SQL by kind, the rest),
   with the facet cache warm and cold; ``--profile`` adds a cProfile.
3. Over HTTP: gunicorn (sync workers, ``bench.settings``: production settings
   without the HTTPS redirect, ``bench.urls``: the site plus a bare view)
   loaded by ``wrk`` for each URL in turn, after a warm-up that also fills
   every worker's own facet cache; with ``--rounds N`` the URLs are loaded in
   turn N times and the median round is reported (the machine is shared, so
   the load average is printed before the runs).

Targets from the issue: list/bare throughput ratio >= 0.25, Thai search p95
<= 20 ms in the database.

The parts: registry_data.py (the data), registry_sql.py (in the database and
in-process) and registry_http.py (over HTTP).
"""

import argparse
import io
import os
import shutil
import sys
import time
from urllib.parse import quote, urlencode

from common import ROOT, ensure_database, figure, percentile  # bench/common.py

sys.path.insert(0, str(ROOT))

from registry_data import _since, build_entries, settle
from registry_http import load_test
from registry_sql import (
    measure_database,
    measure_in_process,
    profile_list,
    report_search,
    report_slowest,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

SEARCH_TEXT = "ดอยช้าง"
TARGET_RATIO = 0.25
TARGET_SEARCH_P95_MS = 20.0


def summary(
    results: dict, in_process: dict, search_p95: float, facets_p95: float | None
) -> None:
    """The table, the verdicts, and ``FIGURE`` lines for ``bench/run.py``."""
    bare = results.get("bare")
    print(
        f"\n{'URL':<34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'/bare':>6} {'queries':>8}  req/s of every round (queries: warm cache)"
    )
    for label, figures in results.items():
        shown = "/bench/bare/" if label == "bare" else label
        queries = in_process.get((label, True), {}).get("queries", "")
        if figures is None:
            print(f"{shown:<34} {'missing':>8} {'':>8} {'':>8} {'':>8} {'':>6} ")
            continue
        ratio = figures["rps"] / bare["rps"] if bare else float("nan")
        print(
            f"{shown:<34} {figures['rps']:>8.1f} {figures['p50_us'] / 1000:>8.1f} "
            f"{figures['p95_us'] / 1000:>8.1f} {figures['p99_us'] / 1000:>8.1f} "
            f"{ratio:>6.3f} {queries:>8}  {figures['range']}"
        )
    listed = results.get("/registry/")
    if listed and bare:
        ratio = listed["rps"] / bare["rps"]
        verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
        print(f"list/bare ratio {ratio:.3f} (target ≥ {TARGET_RATIO}): {verdict}")
    verdict = "met" if search_p95 <= TARGET_SEARCH_P95_MS else "MISSED"
    print(
        f"Thai search p95 in DB {search_p95:.2f} ms (first page + count) "
        f"(target ≤ {TARGET_SEARCH_P95_MS:.0f} ms): {verdict}"
    )

    for label, figures in results.items():
        if figures is None:
            continue
        target = f"≥ {TARGET_RATIO} × bare" if label == "/registry/" else ""
        baseline = bare["rps"] if bare and label != "bare" else None
        figure(f"{label} throughput", figures["rps"], "req/s", target, baseline)
        figure(f"{label} p95 under load", figures["p95_us"] / 1000, "ms")
    figure(
        "Thai search p95 in DB",
        search_p95,
        "ms",
        f"≤ {TARGET_SEARCH_P95_MS:.0f} ms",
    )
    if facets_p95 is not None:
        figure("/registry/ facets p95 in DB (cache empty)", facets_p95, "ms")


def describe_data(search_text: str) -> str:
    from django.db import connection
    from django.db.models import Count

    from registry.models import RegistryEntry
    from registry.selectors import RegistryQuery

    listed = RegistryEntry.objects.listed()
    total = listed.count()
    matching = RegistryQuery.from_params({"q": search_text}).apply().count()
    provinces = (
        listed.values("province_code", "province_th")
        .annotate(n=Count("pk"))
        .order_by("-n", "province_code")
    )
    top = provinces[0]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size(%s))",
            ["registry_registryentry"],
        )
        size = cursor.fetchone()[0]
    print(
        f"data: {total:,} listed entries ({RegistryEntry.objects.count():,} in all, "
        f"table with indexes {size}) in {len(provinces)} provinces and "
        f"{listed.values('tambon_code').distinct().count():,} tambons; "
        f"'{search_text}' matches {matching:,} ({matching / total:.2%}); "
        f"most entries: province {top['province_code']} {top['province_th']} "
        f"({top['n']:,})"
    )
    print(
        f"postgresql {version}, {os.cpu_count()} CPUs (shared by wrk, gunicorn "
        "and PostgreSQL)"
    )
    return top["province_code"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="drop the database first")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2568)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--warmup", type=int, default=5, help="seconds per URL")
    parser.add_argument("--rounds", type=int, default=1, help="wrk runs per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--q", default=SEARCH_TEXT, help="the Thai search text")
    parser.add_argument("--db-runs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30, help="in-process requests")
    parser.add_argument("--profile", action="store_true", help="cProfile /registry/")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        sys.exit(
            "wrk is not installed; on Debian or Ubuntu: sudo apt-get install -y wrk"
        )
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL to a PostgreSQL database (the targets are for it)")
    ensure_database(database_url, args.reset)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from communities.models import Tambon

    call_command("migrate", verbosity=0)
    if not Tambon.objects.exists():
        call_command("load_geography", stdout=io.StringIO())
    build_entries(args.entries, args.seed)
    settle()
    # The manifest storage of production needs them, in-process and in gunicorn.
    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"collected static files in {_since(started)}")
    print(f"settings {os.environ['DJANGO_SETTINGS_MODULE']}, debug {settings.DEBUG}")
    province = describe_data(args.q)

    urls = {
        "bare": "/bench/bare/",
        "/registry/": "/registry/",
        f"/registry/?q={args.q}": f"/registry/?q={quote(args.q)}",
        f"/api/registry/?province={province}": "/api/registry/?"
        + urlencode({"province": province}),
    }
    found = measure_database(args.q, args.db_runs, warmups=10)
    search_p95 = report_search(found, args.q)
    report_slowest(found)
    in_process = measure_in_process(urls, args.runs, warmups=3)
    if args.profile:
        profile_list("/registry/", 20)
    results, failures = load_test(urls, args)
    facets_sql = found.get(("/registry/", "facets"))
    facets_p95 = percentile(facets_sql[2], 95) if facets_sql else None
    summary(results, in_process, search_p95, facets_p95)
    if failures:
        print("\n".join(f"FAILED: {failure}" for failure in failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
