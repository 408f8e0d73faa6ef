"""Benchmark the product import: rows per second and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/otop_bench \
        .venv/bin/python bench/import_products.py --rows 50000

Creates the database if missing, migrates, loads the geography, registers one
producer per 50 rows in the first tambons, generates a deterministic CSV and
imports it twice (the second run is all updates), printing figures only.
"""

import argparse
import csv
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from common import ensure_database, figure  # bench/common.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")

ROWS_PER_PRODUCER = 50
CATEGORIES = ["FOOD-SNACK", "FOOD-RICE", "DRINK-TEA", "TEXTILE-SILK", "HERBAL-SPA"]


def make_csv(rows: int, producers: list[tuple[str, str]]) -> bytes:
    from products.imports import PRODUCT_COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PRODUCT_COLUMNS)
    for i in range(rows):
        reg, tambon = producers[i // ROWS_PER_PRODUCER]
        certified = i % 2 == 0
        writer.writerow(
            [
                tambon,
                reg,
                "",
                CATEGORIES[i % len(CATEGORIES)],
                f"ผลิตภัณฑ์ทดสอบ {i:06d}",
                f"Bench product {i:06d}",
                "สินค้าสำหรับทดสอบความเร็วการนำเข้า",
                "ภูมิปัญญาท้องถิ่นที่สืบทอดกันมา",
                f"{(i % 500) + 10}.50",
                "ชิ้น",
                str((i % 90) * 10 + 100),
                "FDA" if certified else "",
                f"BENCH-{i:06d}" if certified else "",
                "15/01/2567" if certified else "",
                "2027-01-14" if certified else "",
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--no-trace", action="store_true", help="skip tracemalloc")
    args = parser.parse_args()

    ensure_database(os.environ.get("DATABASE_URL", ""))

    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from communities.models import Producer, Tambon
    from products.imports import load_dataset, products_import
    from products.models import Certification, Product

    call_command("migrate", verbosity=0)
    if not Tambon.objects.exists():
        call_command("load_geography", stdout=io.StringIO())

    # Start from no bench products so the first run is all inserts.
    bench = Product.objects.filter(name_th__startswith="ผลิตภัณฑ์ทดสอบ ")
    Certification.objects.filter(product__in=bench).delete()
    bench.delete()

    actor, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    tambons = list(Tambon.objects.order_by("code").values_list("code", flat=True))
    count = -(-args.rows // ROWS_PER_PRODUCER)
    producers = [(f"BENCH-P{n:05d}", tambons[n % len(tambons)]) for n in range(count)]
    existing = set(
        Producer.objects.filter(registration_number__startswith="BENCH-P").values_list(
            "registration_number", flat=True
        )
    )
    Producer.objects.bulk_create(
        [
            Producer(
                kind="community",
                name_th=f"กลุ่มทดสอบ {reg}",
                registration_number=reg,
                tambon_id=tambon,
            )
            for reg, tambon in producers
            if reg not in existing
        ],
        batch_size=1000,
    )

    data = make_csv(args.rows, producers)
    path = Path(tempfile.gettempdir()) / f"otop-bench-{args.rows}.csv"
    path.write_bytes(data)
    size = len(data)
    del data
    print(
        f"database: {django.db.connection.vendor}, rows: {args.rows:,}, "
        f"file: {size / 1e6:.1f} MB"
    )
    print(
        f"before the import: RSS {_current_rss_mib():.0f} MiB, "
        f"peak so far {_peak_rss_mib():.0f} MiB"
    )
    if not args.no_trace:
        tracemalloc.start()
    rates = []
    for label in ("first import (inserts)", "re-import (updates)"):
        started = time.perf_counter()
        with path.open("rb") as upload:
            dataset = load_dataset(upload, path.name)
        loaded = time.perf_counter()
        report = products_import(actor=actor, rows=dataset, dry_run=False)
        finished = time.perf_counter()
        if report.errors or not report.committed:
            sys.exit(f"import failed: {report.errors[:5]}")
        print(
            f"{label}: {args.rows / (finished - started):,.0f} rows/s "
            f"({finished - started:.2f} s total; read {loaded - started:.2f} s, "
            f"import {finished - loaded:.2f} s); created {report.created:,}, "
            f"updated {report.updated:,}, certificates +{report.certificates_created:,}"
        )
        rates.append(args.rows / (finished - started))
        del dataset, report
    if not args.no_trace:
        _current, peak = tracemalloc.get_traced_memory()
        print(f"tracemalloc peak: {peak / 2**20:.0f} MiB")
    print(f"peak RSS (ru_maxrss): {_peak_rss_mib():.0f} MiB")
    print(f"products in database: {Product.objects.count():,}")
    figure(f"import {args.rows:,} rows, first", rates[0], "rows/s", ">= 2,500")
    figure(f"import {args.rows:,} rows, again", rates[1], "rows/s", "")
    figure("import peak memory", _peak_rss_mib(), "MiB", "<= 300")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _current_rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    main()
