"""The registry benchmark's measures in the database (each statement timed,
with its plan) and in-process (queries and time per request)
(see bench/registry.py)."""

import cProfile
import io
import pstats
import re
import statistics
import time
from collections import defaultdict

from common import percentile  # bench/common.py

# SQL ----------------------------------------------------------------------------


class SqlLog:
    """An execute wrapper keeping each statement, its parameters and its time
    (psycopg2 fetches every row in ``execute``, so the time includes them)."""

    def __init__(self):
        self.queries: list[tuple[str, tuple, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, (time.perf_counter() - started) * 1000))

    @property
    def ms(self) -> float:
        return sum(ms for _sql, _params, ms in self.queries)


def captured(call) -> list[tuple[str, tuple]]:
    """The statements ``call()`` sends, with the caches empty."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    log = SqlLog()
    with connection.execute_wrapper(log):
        call()
    return [(sql, params) for sql, params, _ms in log.queries]


def kind_of(sql: str) -> str:
    """A short name for a statement the registry sends."""
    text = sql.upper()
    if "REGISTRY_REGISTRYEVENT" in text and "MAX(" in text:
        return "stamp"
    if "REGISTRY_REGISTRYENTRY" in text:
        if "GROUP BY" in text:
            return "facets"
        if text.startswith("SELECT COUNT(*)") or "COUNT(*)" in text[:60]:
            return "count"
        if "LIMIT" in text:
            return "rows"
    table = re.search(r'FROM "?(\w+)', text)
    return f"other ({table.group(1).lower() if table else '?'})"


def time_sql(statements: list[tuple[str, tuple]], runs: int, warmups: int):
    """Each statement run ``warmups + runs`` times in turn; per statement and
    for all of them together, the timed runs in ms."""
    from django.db import connection

    each = [[] for _ in statements]
    together = []
    with connection.cursor() as cursor:
        for run in range(warmups + runs):
            total = 0.0
            for i, (sql, params) in enumerate(statements):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                ms = (time.perf_counter() - started) * 1000
                total += ms
                if run >= warmups:
                    each[i].append(ms)
            if run >= warmups:
                together.append(total)
    return each, together


def explain(sql: str, params) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def measure_database(search_text: str, runs: int, warmups: int) -> dict:
    """The list page's and the Thai search's statements, timed one by one."""
    from registry.selectors import RegistryQuery, facets
    from registry.views import PAGE_SIZE

    pages = {
        "/registry/": RegistryQuery(),
        f"/registry/?q={search_text}": RegistryQuery.from_params({"q": search_text}),
    }
    print(
        f"\n== in the database: each statement {runs} times after {warmups} "
        "warm-ups, through a Django cursor (ms) =="
    )
    print(f"  {'statement':<42} {'rows':>6} {'p50':>7} {'p95':>7} {'max':>7}")
    found = {}
    for url, query in pages.items():
        statements = (
            captured(lambda q=query: facets(q))
            + captured(lambda q=query: q.apply().count())
            + captured(lambda q=query: list(q.apply()[:PAGE_SIZE]))
        )
        each, together = time_sql(statements, runs, warmups)
        print(f"  {url}")
        for (sql, params), samples in zip(statements, each, strict=True):
            kind = kind_of(sql)
            rows = _row_count(sql, params)
            print(
                f"    {kind:<40} {rows:>6} {statistics.median(samples):>7.2f} "
                f"{percentile(samples, 95):>7.2f} {max(samples):>7.2f}"
            )
            found[(url, kind)] = (sql, params, samples)
        print(
            f"    {'all of them, one after another':<40} {'':>6} "
            f"{statistics.median(together):>7.2f} {percentile(together, 95):>7.2f} "
            f"{max(together):>7.2f}"
        )
    return found


def _row_count(sql: str, params) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def report_search(found: dict, search_text: str) -> float:
    """The Thai search's own figures and plan; returns its p95 in ms."""
    url = f"/registry/?q={search_text}"
    rows_sql, rows_params, rows_ms = found[(url, "rows")]
    count_ms = found[(url, "count")][2]
    both = [a + b for a, b in zip(rows_ms, count_ms, strict=True)]
    print(
        f"\nThai search '{search_text}' in the database: first page p50 "
        f"{statistics.median(rows_ms):.2f} ms, p95 {percentile(rows_ms, 95):.2f} ms; "
        f"with its count p50 {statistics.median(both):.2f} ms, "
        f"p95 {percentile(both, 95):.2f} ms"
    )
    for name, (sql, params) in (
        ("first page", (rows_sql, rows_params)),
        ("count", found[(url, "count")][:2]),
    ):
        print(f"  {name} SQL:", _interpolated(sql, params))
        print("  EXPLAIN (ANALYZE, BUFFERS):")
        for line in explain(sql, params):
            print(f"    {line}")
    return percentile(both, 95)


def report_slowest(found: dict) -> None:
    """The plan of the list page's slowest statement."""
    slowest = max(
        (key for key in found if key[0] == "/registry/"),
        key=lambda key: percentile(found[key][2], 95),
    )
    sql, params, samples = found[slowest]
    print(
        f"\nslowest statement of /registry/: {slowest[1]} "
        f"(p95 {percentile(samples, 95):.2f} ms)"
    )
    print("  SQL:", _interpolated(sql, params)[:1500])
    print("  EXPLAIN (ANALYZE, BUFFERS):")
    for line in explain(sql, params):
        print(f"    {line}")


def _interpolated(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


# In-process ---------------------------------------------------------------------


def measure_in_process(urls: dict[str, str], runs: int, warmups: int) -> dict:
    """Queries per request and where a request's time goes, with the cache
    kept between requests (warm) and emptied before each (cold)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()
    print(
        f"\n== in-process (django.test.Client, {runs} runs after {warmups} "
        "warm-ups, p50 ms) =="
    )
    print(
        f"  {'URL':<34} {'cache':<5} {'status':>6} {'queries':>7} {'total':>7} "
        f"{'SQL':>7} {'other':>7}  SQL by kind"
    )
    found = {}
    for label, url in urls.items():
        for warm in (True, False):
            totals, sql_ms, counts, by_kind = [], [], [], defaultdict(list)
            status = 0
            for run in range(warmups + runs):
                if not warm:
                    cache.clear()
                log = SqlLog()
                started = time.perf_counter()
                with connection.execute_wrapper(log):
                    response = client.get(url)
                    status = response.status_code
                elapsed = (time.perf_counter() - started) * 1000
                if run < warmups:
                    continue
                totals.append(elapsed)
                sql_ms.append(log.ms)
                counts.append(len(log.queries))
                kinds = defaultdict(float)
                for sql, _params, ms in log.queries:
                    kinds[kind_of(sql)] += ms
                for kind, ms in kinds.items():
                    by_kind[kind].append(ms)
            detail = ", ".join(
                f"{kind} {statistics.median(values):.1f}"
                for kind, values in sorted(by_kind.items())
            )
            total, sql = statistics.median(totals), statistics.median(sql_ms)
            print(
                f"  {label:<34} {'warm' if warm else 'cold':<5} {status:>6} "
                f"{max(counts):>7} {total:>7.1f} {sql:>7.1f} {total - sql:>7.1f}  "
                f"{detail}"
            )
            found[(label, warm)] = {"status": status, "queries": max(counts)}
    return found


def profile_list(url: str, requests: int) -> None:
    from django.test import Client

    client = Client()
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    print(f"\n== cProfile of {requests} in-process requests to {url} (warm cache) ==")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))
