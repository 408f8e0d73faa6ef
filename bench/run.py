"""Every benchmark in one run, with one summary table (``make bench``).

    .venv/bin/python bench/run.py [--only registry ladder] [--quick]

Each benchmark runs as its own process on its own PostgreSQL database
(``otop_bench_<name>`` on ``BENCH_DATABASE_URL``'s server, default
postgres://postgres@127.0.0.1:5432), builds its data, prints its report as it
goes, and ends with ``FIGURE`` lines that this script collects into the table:
figure, value, target, and the ratio to an in-run baseline where there is one.
Nothing is asserted; the figures are for people. Never part of ``.ci/run``.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import ensure_database  # bench/common.py

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")


def steps(quick: bool) -> list[tuple[str, list[str]]]:
    products = "20000" if quick else "100000"
    return [
        (
            "dataset",
            [
                *("manage.py", "generate_dataset", "--products", products),
                *("--seed", "1", "--reset", "-v", "0"),
            ],
        ),
        ("import", ["bench/import_products.py", "--rows", "50000", "--no-trace"]),
        ("permissions", ["bench/permissions.py", "--rows", products]),
        (
            "ladder",
            ["bench/ladder.py", "--sample", "0.05" if quick else "0.1", "--batch"],
        ),
        (
            "registry",
            ["bench/registry.py", "--entries", products]
            + (["--duration", "5"] if quick else []),
        ),
        ("notifications", ["bench/notifications.py", "--messages", "2000"]),
        ("report", ["bench/report.py", "--products", products]),
    ]


def run(name: str, command: list[str]) -> tuple[list[dict], float, int]:
    """Run one benchmark, echoing its output; return its figures."""
    database = f"{SERVER.rstrip('/')}/otop_bench_{name}"
    env = {**os.environ, "DATABASE_URL": database, "PYTHONUNBUFFERED": "1"}
    print(f"\n=== {name}: {' '.join(command)}  [{database}]", flush=True)
    if name == "dataset":  # a management command: its database must exist
        ensure_database(database)
        subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
            [PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
        )
    started = time.perf_counter()
    figures = []
    with subprocess.Popen(  # noqa: S603 (our own scripts, fixed arguments)
        [PYTHON, *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        for line in process.stdout:
            if line.startswith("FIGURE "):
                figures.append(json.loads(line[len("FIGURE ") :]))
            else:
                print(line, end="", flush=True)
    seconds = time.perf_counter() - started
    if name == "dataset" and process.returncode == 0:
        figures.append(
            {
                "name": f"generate_dataset --products {command[3]}",
                "value": seconds / 60,
                "unit": "min",
                "target": "a few minutes",
            }
        )
    return figures, seconds, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", help="run only these benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller data (a try)")
    args = parser.parse_args()

    chosen = [
        (name, command)
        for name, command in steps(args.quick)
        if not args.only or name in args.only
    ]
    started = time.perf_counter()
    table, failed = [], []
    for name, command in chosen:
        figures, seconds, code = run(name, command)
        print(f"=== {name}: {seconds:.0f} s, exit {code}", flush=True)
        if code != 0:
            failed.append(name)
        table += [(name, figure) for figure in figures]
    total = time.perf_counter() - started

    print(f"\nSummary ({total / 60:.1f} min in all, {os.cpu_count()} cores)\n")
    rows = [("benchmark", "figure", "value", "target", "ratio")]
    for name, figure in table:
        rows.append(
            (
                name,
                figure["name"],
                f"{_number(figure['value'])} {figure['unit']}",
                figure.get("target") or "—",
                f"{figure['ratio']:.2f}" if "ratio" in figure else "—",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for i, row in enumerate(rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("| " + " | ".join(cells) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if failed:
        print(f"\nfailed: {', '.join(failed)} (see their output above)")
        sys.exit(1)


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}"


if __name__ == "__main__":
    main()
