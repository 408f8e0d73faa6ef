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
"""

import argparse
import cProfile
import datetime as dt
import http.client
import io
import json
import os
import pstats
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlencode

from common import ensure_database, figure, percentile  # bench/common.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devdata.words import BASES, ORIGINS, OTHER_GROUP, QUALIFIERS  # noqa: E402
from devdata.words import GROUPS as WORD_GROUPS  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

PRODUCER_PREFIX = "REGB-P"  # registration numbers of the bench producers
STAFF_USERNAME = "reg-bench-staff"
PRODUCTS_PER_PRODUCER = 4
REVOKED_EVERY = 200  # one more entry in 200 is written revoked
ROUND_WEIGHTS = {2023: 28, 2024: 33, 2025: 39}  # C.E. year → share of entries
STAR_WEIGHTS = {1: 5, 2: 12, 3: 33, 4: 32, 5: 18}
ORIGIN_SHARE = 0.75  # names with a place in them
SEARCH_TEXT = "ดอยช้าง"
BATCH_SIZE = 2000
TARGET_RATIO = 0.25
TARGET_SEARCH_P95_MS = 20.0

# Thai names ----------------------------------------------------------------------

# The dataset's word lists (devdata/words.py); the groups of every type.
GROUPS = [group for groups in WORD_GROUPS.values() for group in groups] + [OTHER_GROUP]
OWNERS = ["ป้าศรี", "ลุงมา", "แม่บุญมี", "พี่น้อย", "ยายจันทร์", "ครูสมพร", "แม่คำ"]
STORY = [
    "ใช้วัตถุดิบจากชุมชนและภูมิปัญญาที่สืบทอดกันมากว่า {years} ปี",
    "สมาชิกกลุ่มช่วยกันผลิตทุกขั้นตอนด้วยมือ ตั้งแต่คัดเลือกวัตถุดิบจนถึงบรรจุภัณฑ์",
    "ได้รับการพัฒนาร่วมกับสำนักงานพัฒนาชุมชนอำเภอ{amphoe}จนได้มาตรฐานผลิตภัณฑ์ชุมชน",
    "เป็นที่รู้จักของนักท่องเที่ยวที่มาเยือนตำบล{tambon} และจำหน่ายทั้งในงาน OTOP City และทางออนไลน์",
    "รายได้ส่วนหนึ่งกลับคืนสู่กองทุนหมู่บ้านและผู้สูงอายุในชุมชน",
]


# Data ---------------------------------------------------------------------------


def bench_staff():
    from accounts.models import User

    user, _ = User.objects.get_or_create(
        username=STAFF_USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def bench_rounds() -> dict:
    from selection.models import Round

    rounds = {}
    for year in ROUND_WEIGHTS:
        rounds[year], _ = Round.objects.get_or_create(
            year=year,
            defaults={
                "title_th": f"การคัดสรรสุดยอดหนึ่งตำบลหนึ่งผลิตภัณฑ์ไทย ปี {year + 543}",
                "title_en": f"OTOP Product Champion {year}",
                "status": Round.Status.CLOSED,
                "tambon_deadline": dt.date(year, 3, 31),
                "amphoe_deadline": dt.date(year, 5, 31),
                "province_deadline": dt.date(year, 7, 31),
                "central_deadline": dt.date(year, 9, 30),
            },
        )
    return rounds


def remove_bench_rows() -> None:
    """A smaller or half-written earlier set: start the bench rows again."""
    from django.db import transaction

    from communities.models import Producer
    from products.models import Product
    from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
    from selection.models import Nomination

    mine = {"product__producer__registration_number__startswith": PRODUCER_PREFIX}
    if not Producer.objects.filter(
        registration_number__startswith=PRODUCER_PREFIX
    ).exists():
        return
    started = time.perf_counter()
    with transaction.atomic():  # purge() lifts the trail's guard only inside one
        RegistryEvent.objects.filter(
            entry__product__producer__registration_number__startswith=PRODUCER_PREFIX
        ).purge()
        RegistryEntry.objects.filter(**mine).delete()
    Nomination.objects.filter(**mine).delete()
    Product.objects.filter(
        producer__registration_number__startswith=PRODUCER_PREFIX
    ).delete()
    Producer.objects.filter(registration_number__startswith=PRODUCER_PREFIX).delete()
    if not RegistryEntry.objects.exists():
        RegistryCounter.objects.all().delete()
    print(f"removed the earlier bench rows in {time.perf_counter() - started:.1f} s")


def tambon_places() -> list[dict]:
    from communities.models import Tambon

    return list(
        Tambon.objects.order_by("code").values(
            "code",
            "name_th",
            "name_en",
            "amphoe_id",
            "amphoe__name_th",
            "amphoe__name_en",
            "province_id",
            "province__name_th",
            "province__name_en",
            "province__region_id",
        )
    )


def product_name(rng: random.Random, leaf: str, type_code: str) -> tuple[str, str]:
    """Thai words run together without spaces, as on real labels:
    "กาแฟดอยช้างคั่วกลาง" / "Doi Chang Coffee, Medium Roast"."""
    base_th, base_en = rng.choice(BASES[leaf])
    origin_th, origin_en = (
        rng.choice(ORIGINS) if rng.random() < ORIGIN_SHARE else ("", "")
    )
    qualifier_th, qualifier_en = (
        rng.choice(QUALIFIERS.get(leaf) or QUALIFIERS[type_code])
        if rng.random() < 0.7
        else ("", "")
    )
    name_en = f"{origin_en} {base_en}".strip()
    if qualifier_en:
        name_en += f", {qualifier_en}"
    return base_th + origin_th + qualifier_th, name_en


def bulk_producers(rng: random.Random, count: int, places: list[dict], staff):
    from communities.models import Producer

    # Every tambon gets a producer (while there are enough), the rest land anywhere.
    shuffled = places[:]
    rng.shuffle(shuffled)
    homes = shuffled[:count] + [rng.choice(places) for _ in range(count - len(places))]
    in_tambon: dict[str, int] = defaultdict(int)
    producers = []
    for n, place in enumerate(homes):
        in_tambon[place["code"]] += 1
        village = in_tambon[place["code"]]
        kind = rng.choices(Producer.Kind.values, weights=(70, 15, 15))[0]
        group_th, group_en = rng.choice(GROUPS)
        if kind == Producer.Kind.COMMUNITY:
            name_th = f"วิสาหกิจชุมชน{group_th}ตำบล{place['name_th']}"
            name_en = f"{place['name_en']} {group_en}" if rng.random() < 0.4 else ""
        elif kind == Producer.Kind.SME:
            name_th = f"บริษัท {place['name_th']}โอทอป จำกัด"
            name_en = f"{place['name_en']} OTOP Co., Ltd."
        else:
            name_th = f"ร้าน{rng.choice(OWNERS)}{place['name_th']}"
            name_en = ""
        producers.append(
            Producer(
                kind=kind,
                name_th=f"{name_th} หมู่ที่ {village}",
                name_en=name_en,
                registration_number=f"{PRODUCER_PREFIX}{n:06d}",
                tambon_id=place["code"],
                phone=f"08{rng.randint(0, 9)}-{rng.randint(100, 999)}-"
                f"{rng.randint(1000, 9999)}",
                email=f"otop{n:06d}@example.com" if rng.random() < 0.3 else "",
                member_count=rng.randint(7, 120),
                created_by=staff,
            )
        )
    Producer.objects.bulk_create(producers, batch_size=BATCH_SIZE)
    return producers, homes


def story_text(rng: random.Random, place: dict) -> str:
    chosen = rng.sample(STORY, k=3)
    return " ".join(
        sentence.format(
            years=rng.randint(20, 120),
            amphoe=place["amphoe__name_th"],
            tambon=place["name_th"],
        )
        for sentence in chosen
    )


def certificates(rng: random.Random, standards: list, year_be: int) -> list[dict]:
    chosen = [standards[1]] + ([standards[0]] if rng.random() < 0.5 else [])
    issued = dt.date(year_be - 544, rng.randint(1, 12), rng.randint(1, 28))
    return [
        {
            "standard": code,
            "standard_th": name_th,
            "standard_en": name_en,
            "number": f"{rng.randint(1, 1500)}/{year_be - 1}",
            "issued_on": issued.isoformat(),
            "expires_on": issued.replace(year=issued.year + 3).isoformat(),
        }
        for code, name_th, name_en in chosen
    ]


def build_entries(entries: int, seed: int) -> None:
    """Producers, products, awarded nominations and registry entries with their
    events, in one transaction; does nothing when enough entries are listed."""
    from django.db import transaction

    from products.models import Category, Product, Standard
    from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
    from selection.models import Nomination, Tier

    listed = RegistryEntry.objects.listed().count()
    if listed >= entries:
        print(f"the database already lists {listed:,} entries: nothing to write")
        return
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    revoked = entries // REVOKED_EVERY
    total = entries + revoked
    with transaction.atomic():
        remove_bench_rows()
        staff = bench_staff()
        rounds = bench_rounds()
        places = tambon_places()
        leaves = list(
            Category.objects.filter(parent__isnull=False)
            .select_related("parent")
            .order_by("code")
        )
        leaves = [leaf for leaf in leaves if leaf.code in BASES]
        standards = list(
            Standard.objects.filter(code__in=["FDA", "TCPS"])
            .order_by("code")
            .values_list("code", "name_th", "name_en")
        )

        producers, homes = bulk_producers(
            rng, max(1, total // PRODUCTS_PER_PRODUCER), places, staff
        )
        themes = [rng.choice(leaves) for _ in producers]
        print(f"  {len(producers):,} producers ({_since(started)})", flush=True)

        plans, products, names = [], [], defaultdict(set)
        for i in range(total):
            n = i if i < len(producers) else rng.randrange(len(producers))
            leaf = themes[n] if rng.random() < 0.8 else rng.choice(leaves)
            for _attempt in range(10):
                name_th, name_en = product_name(rng, leaf.code, leaf.parent.code)
                if name_th not in names[n]:
                    break
            else:
                name_th, name_en = f"{name_th} ({i})", f"{name_en} ({i})"
            names[n].add(name_th)
            plans.append((n, leaf))
            products.append(
                Product(
                    producer=producers[n],
                    category=leaf,
                    name_th=name_th,
                    name_en=name_en if rng.random() < 0.7 else "",
                    story=story_text(rng, homes[n]),
                    description=f"{name_th} ขนาดบรรจุ {rng.choice([100, 250, 500])} "
                    f"กรัม เก็บได้ {rng.choice([6, 12, 24])} เดือน",
                    price=rng.randint(20, 2000),
                    unit="ชิ้น",
                )
            )
        Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
        print(f"  {len(products):,} products ({_since(started)})", flush=True)

        years = rng.choices(
            list(ROUND_WEIGHTS), weights=list(ROUND_WEIGHTS.values()), k=total
        )
        stars = rng.choices(
            list(STAR_WEIGHTS), weights=list(STAR_WEIGHTS.values()), k=total
        )
        scores = [
            Decimal(40 + 10 * s) + Decimal(rng.randint(0, 999)) / 100 for s in stars
        ]
        published = {
            year: dt.datetime(year, 10, 15, 9, tzinfo=dt.UTC) for year in ROUND_WEIGHTS
        }
        nominations = []
        for i, product in enumerate(products):
            place, leaf = homes[plans[i][0]], plans[i][1]
            nominations.append(
                Nomination(
                    round=rounds[years[i]],
                    product=product,
                    tier=Tier.CENTRAL,
                    state=Nomination.State.AWARDED,
                    tambon_code=place["code"],
                    amphoe_code=place["amphoe_id"],
                    province_code=place["province_id"],
                    category_id=leaf.parent_id,
                    created_by=staff,
                    submitted_at=published[years[i]] - dt.timedelta(days=200),
                    provincial_score=scores[i],
                    final_score=scores[i],
                    stars=stars[i],
                    awarded_at=published[years[i]] - dt.timedelta(days=10),
                )
            )
        Nomination.objects.bulk_create(nominations, batch_size=BATCH_SIZE)
        print(f"  {len(nominations):,} nominations ({_since(started)})", flush=True)

        counters = {
            (c.year_be, c.province_code): c.last for c in RegistryCounter.objects.all()
        }
        rows = []
        for i, nomination in enumerate(nominations):
            product, place, leaf = products[i], homes[plans[i][0]], plans[i][1]
            producer = producers[plans[i][0]]
            year_be = years[i] + 543
            key = (year_be, place["province_id"])
            counters[key] = counters.get(key, 0) + 1
            number = f"OTOP-{year_be}-{place['province_id']}-{counters[key]:06d}"
            has_photo = rng.random() < 0.9
            at = published[years[i]] + dt.timedelta(seconds=20 * i)
            gone = i % (REVOKED_EVERY + 1) == REVOKED_EVERY
            rows.append(
                RegistryEntry(
                    number=number,
                    nomination=nomination,
                    product=product,
                    round_year=years[i],
                    name_th=product.name_th,
                    name_en=product.name_en,
                    story=product.story,
                    description=product.description,
                    type_code=leaf.parent.code,
                    category_code=leaf.code,
                    category_th=leaf.name_th,
                    category_en=leaf.name_en,
                    producer_name_th=producer.name_th,
                    producer_name_en=producer.name_en,
                    producer_phone=producer.phone,
                    producer_email=producer.email,
                    tambon_code=place["code"],
                    amphoe_code=place["amphoe_id"],
                    province_code=place["province_id"],
                    tambon_th=place["name_th"],
                    tambon_en=place["name_en"],
                    amphoe_th=place["amphoe__name_th"],
                    amphoe_en=place["amphoe__name_en"],
                    province_th=place["province__name_th"],
                    province_en=place["province__name_en"],
                    region_code=place["province__region_id"],
                    stars=stars[i],
                    final_score=scores[i],
                    photo=f"registry/{number}.jpg" if has_photo else "",
                    thumbnail=f"registry/{number}-thumb.jpg" if has_photo else "",
                    certificates=certificates(rng, standards, year_be),
                    published_at=at,
                    published_by=staff,
                    revoked_at=at + dt.timedelta(days=90) if gone else None,
                    revoked_by=staff if gone else None,
                    revoke_reason="ใบรับรองมาตรฐานหมดอายุ" if gone else "",
                )
            )
        RegistryEntry.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        print(f"  {len(rows):,} registry entries ({_since(started)})", flush=True)

        events = [
            RegistryEvent(entry=e, action="published", actor=staff, at=e.published_at)
            for e in rows
        ] + [
            RegistryEvent(
                entry=e,
                action="revoked",
                actor=staff,
                note=e.revoke_reason,
                at=e.revoked_at,
            )
            for e in rows
            if e.revoked_at
        ]
        events.sort(key=lambda event: event.at)
        RegistryEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        RegistryCounter.objects.bulk_create(
            [
                RegistryCounter(year_be=year_be, province_code=province, last=last)
                for (year_be, province), last in counters.items()
            ],
            update_conflicts=True,
            unique_fields=["year_be", "province_code"],
            update_fields=["last"],
        )
    print(
        f"wrote {len(producers):,} producers, {total:,} products, nominations and "
        f"registry entries ({revoked:,} revoked) and {len(events):,} events "
        f"in {_since(started)}"
    )


def settle() -> None:
    """What autovacuum leaves after a bulk load: fresh statistics and a
    visibility map (index-only scans need it)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) registry_registryentry")
        cursor.execute("VACUUM (ANALYZE) registry_registryevent")
        cursor.execute("ANALYZE")
    print(f"vacuumed and analysed in {_since(started)}")


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


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


# Over HTTP ----------------------------------------------------------------------

WRK_SCRIPT = """
-- Count answers that are not 2xx in every thread; print one JSON line at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "rps": %.2f, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"non2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration,
    summary.requests / summary.duration * 1e6,
    latency:percentile(50.0), latency:percentile(95.0),
    latency:percentile(99.0), latency.max,
    bad, e.connect, e.read, e.write, e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start_gunicorn(port: int, workers: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "otop.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--chdir={ROOT}",
        "--log-level=warning",
    ]
    log = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603 - our own command line
        command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start:\n{log_path.read_text()[-3000:]}")
        try:
            if get(port, "/bench/bare/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    sys.exit(f"gunicorn did not answer in 60 s:\n{log_path.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wrk(port: int, path: str, lua: Path, connections: int, seconds: int) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout=30s",  # slow answers count in the latencies, not as errors
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}{path}",
    ]
    done = subprocess.run(  # noqa: S603 - our own command line
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    sys.exit(f"wrk gave no figures for {path}:\n{done.stdout}\n{done.stderr}")


def load_test(urls: dict[str, str], args) -> tuple[dict, list[str]]:
    """Each URL under wrk against one gunicorn, in turn, ``--rounds`` times
    (the round with the median req/s is kept); ``None`` for a URL that 404s.

    Every worker keeps its own facet cache, so the warm-up also fills them:
    the figures are for a warm cache (the in-process section prices a cold one).
    """
    workspace = Path(tempfile.mkdtemp(prefix="otop-bench-registry-"))
    lua = workspace / "report.lua"
    lua.write_text(WRK_SCRIPT)
    log_path = workspace / "gunicorn.log"
    port = free_port()
    server = start_gunicorn(port, args.workers, log_path)
    runs, failures = defaultdict(list), []
    try:
        print(
            f"\n== over HTTP: gunicorn {args.workers} sync workers on "
            f"127.0.0.1:{port}, wrk -t2 -c{args.connections} -d{args.duration}s "
            f"per URL after a {args.warmup}s warm-up, {args.rounds} round(s); "
            f"load average before: {os.getloadavg()[0]:.1f} =="
        )
        serving = {}
        for label, path in urls.items():
            status, body = get(port, path)
            if status == 404 and label.startswith("/api/"):
                print(f"  {label}: 404, not built yet: marked missing")
            elif status != 200:
                failures.append(f"{label} answered {status}: {body[:300]!r}")
                print(f"  FAILED {failures[-1]}")
            else:
                serving[label] = path
        for round_ in range(args.rounds):
            for label, path in serving.items():
                checked = []
                if round_ == 0:
                    checked.append(wrk(port, path, lua, args.connections, args.warmup))
                figures = wrk(port, path, lua, args.connections, args.duration)
                checked.append(figures)
                problem = _load_problem(checked)
                if problem:
                    failures.append(f"{label}: {problem}")
                    print(f"  FAILED {failures[-1]}")
                runs[label].append(figures)
                ms = figures["p95_us"] / 1000
                print(
                    f"  {label:<34} {figures['requests']:>7,} requests, "
                    f"{figures['rps']:>8.1f} req/s, p95 {ms:6.1f} ms",
                    flush=True,
                )
    finally:
        stop(server)
    server_errors = [
        line for line in log_path.read_text().splitlines() if "Traceback" in line
    ]
    if server_errors:
        failures.append(f"gunicorn logged {len(server_errors)} tracebacks: {log_path}")
    results = {}
    for label in urls:
        ranked = sorted(runs.get(label, []), key=lambda f: f["rps"])
        results[label] = ranked[len(ranked) // 2] if ranked else None
        if ranked:
            results[label]["range"] = f"{ranked[0]['rps']:.0f}-{ranked[-1]['rps']:.0f}"
    return results, failures


def _load_problem(runs: list[dict]) -> str:
    kinds = ("non2xx", "connect", "read", "write", "timeout")
    counts = {kind: sum(run[kind] for run in runs) for kind in kinds}
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)


# Report -------------------------------------------------------------------------


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
