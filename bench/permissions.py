"""Benchmark committee-scoped lists: a member's filtered changelist at national scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/otop_bench_perms \
        .venv/bin/python bench/permissions.py [--reset] [--explain]

Creates the database if missing (``--reset`` drops it first), migrates, loads
the geography (77 provinces, 928 amphoes, 7,436 tambons), then, unless the
database already holds them, writes deterministically 20,000 producers over
every tambon, 100,000 products, 1,000 committees (928 district, 71 provincial,
the central one) and 10,000 grants with their memberships (1,000 background
members in five committees each, as in the ``national_scale`` test fixture),
plus one member of a district, a provincial and the central committee,
appointed through ``membership_grant``.

For each member it measures ``limit_to_committee_areas`` on Product alone (the
queries it issues for the first page) and a throwaway admin changelist that
applies it (50 timed runs after 5 warm-ups), printing figures only. Targets
from the issue: page p95 <= 300 ms, the permission filter in one query.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

from common import ensure_database, figure, percentile  # bench/common.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")
# Time what production runs: no debug cursor, no debug template engine.
os.environ.setdefault("DJANGO_DEBUG", "false")

PRODUCT_PREFIX = "ผลิตภัณฑ์ "
PRODUCER_PREFIX = "PERM-P"
MEMBER_PREFIX = "perm-m"
TERM_START = dt.date(2024, 10, 1)
TARGET_P95_MS = 300.0
AMPHOE_FIELD = "producer__tambon__amphoe"
PROVINCE_FIELD = "producer__tambon__province"


# Data -------------------------------------------------------------------------------


def build_products(rows: int, producer_count: int, seed: int) -> None:
    from communities.models import Producer, Tambon
    from products.models import Category, Product

    if Product.objects.filter(name_th__startswith=PRODUCT_PREFIX).count() >= rows:
        return
    started = time.perf_counter()
    # A half-written earlier run: start the bench rows again.
    Product.objects.filter(name_th__startswith=PRODUCT_PREFIX).delete()
    Producer.objects.filter(registration_number__startswith=PRODUCER_PREFIX).delete()

    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    tambons = list(Tambon.objects.order_by("code").values_list("code", flat=True))
    # Every tambon gets one producer, the rest land anywhere.
    extra = producer_count - len(tambons)
    places = tambons + [rng.choice(tambons) for _ in range(extra)]
    producers = Producer.objects.bulk_create(
        [
            Producer(
                kind=rng.choice(Producer.Kind.values),
                name_th=f"กลุ่มวิสาหกิจชุมชน {n:05d}",
                registration_number=f"{PRODUCER_PREFIX}{n:05d}",
                tambon_id=tambon,
            )
            for n, tambon in enumerate(places)
        ],
        batch_size=5000,
    )
    leaves = list(
        Category.objects.filter(parent__isnull=False)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    batch = []
    for i in range(rows):
        batch.append(
            Product(
                producer=rng.choice(producers),
                category_id=leaves[i % len(leaves)],
                name_th=f"{PRODUCT_PREFIX}{i:05d}",
                story="ภูมิปัญญาท้องถิ่น",
                price=rng.randint(20, 2000),
                unit="ชิ้น",
            )
        )
        if len(batch) == 5000:
            Product.objects.bulk_create(batch)
            batch = []
    if batch:
        Product.objects.bulk_create(batch)
    print(
        f"wrote {len(producers):,} producers and {rows:,} products "
        f"in {time.perf_counter() - started:.1f} s"
    )


def build_committees() -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission

    from accounts.models import User
    from committees.models import (
        Committee,
        CommitteeUserObjectPermission,
        Membership,
        Role,
        Tier,
    )
    from communities.models import Amphoe, Province

    if Committee.objects.count() >= 1000:
        return
    started = time.perf_counter()
    amphoes = list(Amphoe.objects.order_by("code"))
    provinces = list(Province.objects.order_by("code")[: 1000 - len(amphoes) - 1])
    committees = Committee.objects.bulk_create(
        [Committee(tier=Tier.AMPHOE, amphoe=a, term_start=TERM_START) for a in amphoes]
        + [
            Committee(tier=Tier.PROVINCE, province=p, term_start=TERM_START)
            for p in provinces
        ]
        + [Committee(tier=Tier.CENTRAL, term_start=TERM_START)]
    )
    unusable = make_password(None)
    # Background members as in the national_scale fixture: 1,000 users in five
    # committees each, with view_committee and score_in in every one.
    users = User.objects.bulk_create(
        [
            User(username=f"{MEMBER_PREFIX}{i:04d}", password=unusable, is_staff=True)
            for i in range(1000)
        ]
    )
    perms = list(
        Permission.objects.filter(
            content_type__app_label="committees",
            codename__in=["view_committee", "score_in"],
        )
    )
    memberships, grants = [], []
    for i in range(5000):
        user_index, round_ = i % 1000, i // 1000
        user = users[user_index]
        committee = committees[(user_index * 7 + round_ * 131) % len(committees)]
        memberships.append(
            Membership(
                user=user, committee=committee, role=Role.MEMBER, term_start=TERM_START
            )
        )
        grants.extend(
            CommitteeUserObjectPermission(
                user=user, permission=perm, content_object=committee
            )
            for perm in perms
        )
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    CommitteeUserObjectPermission.objects.bulk_create(grants, ignore_conflicts=True)
    print(
        f"wrote {len(committees):,} committees, {len(memberships):,} memberships "
        f"and {len(grants):,} grants in {time.perf_counter() - started:.1f} s"
    )


def typical(counts: dict[str, int]) -> str:
    """The area whose row count is the median (ties broken by code)."""
    ranked = sorted(counts, key=lambda code: (counts[code], code))
    return ranked[len(ranked) // 2]


def appoint_members():
    """One member each of a typical district, a typical provincial committee
    and the central committee, appointed the way the portal does it."""
    from django.contrib.auth.models import Permission
    from django.db.models import Count

    from accounts.models import User
    from committees.models import Committee, Membership, Role, Tier
    from committees.services import membership_grant
    from products.models import Product

    actor, _ = User.objects.get_or_create(
        username="perm-bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    view_product = Permission.objects.get(
        content_type__app_label="products", codename="view_product"
    )
    bench = Product.objects.filter(name_th__startswith=PRODUCT_PREFIX)
    by_amphoe = dict(bench.values_list(AMPHOE_FIELD).annotate(n=Count("pk")).order_by())
    provincial = set(
        Committee.objects.filter(tier=Tier.PROVINCE, is_active=True).values_list(
            "province", flat=True
        )
    )
    by_province = {
        code: n
        for code, n in bench.values_list(PROVINCE_FIELD)
        .annotate(n=Count("pk"))
        .order_by()
        if code in provincial
    }
    wanted = [
        (
            "district member",
            "perm-district",
            Committee.objects.get(
                tier=Tier.AMPHOE, amphoe=typical(by_amphoe), is_active=True
            ),
        ),
        (
            "provincial member",
            "perm-province",
            Committee.objects.get(
                tier=Tier.PROVINCE, province=typical(by_province), is_active=True
            ),
        ),
        (
            "central member",
            "perm-central",
            Committee.objects.get(tier=Tier.CENTRAL, is_active=True),
        ),
    ]
    members = []
    for label, username, committee in wanted:
        user, _ = User.objects.get_or_create(username=username)
        if not Membership.objects.current().filter(user=user).exists():
            membership_grant(
                actor=actor, user=user, committee=committee, role=Role.MEMBER
            )
        # is_staff and the model's view permission let the admin show the list.
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.user_permissions.add(view_product)
        area = Membership.objects.current().get(user=user).committee.area_code
        members.append((label, user.pk, area or "whole country"))
    # A background member: five district committees (as the fixture's users).
    user = User.objects.get(username=f"{MEMBER_PREFIX}0000")
    user.user_permissions.add(view_product)
    count = Membership.objects.current().filter(user=user).count()
    members.append((f"member of {count} committees", user.pk, user.username))
    return members


# Measuring --------------------------------------------------------------------------


def scoped(user):
    from committees.permissions import limit_to_committee_areas
    from core.tiers import tambon_areas
    from products.models import Product

    return limit_to_committee_areas(
        Product.objects.all(),
        user,
        "view_committee",
        area_fields=tambon_areas("producer__tambon__"),
    )


def make_admin():
    from django.contrib import admin

    from products.models import Product

    class BenchProductAdmin(admin.ModelAdmin):
        list_display = ("name_th", "producer", "category")
        list_select_related = ("producer", "category")
        list_per_page = 100

        def get_queryset(self, request):
            from committees.permissions import limit_to_committee_areas
            from core.tiers import tambon_areas

            return limit_to_committee_areas(
                super().get_queryset(request),
                request.user,
                "view_committee",
                area_fields=tambon_areas("producer__tambon__"),
            )

    site = admin.AdminSite(name="bench")
    site.register(Product, BenchProductAdmin)
    return site._registry[Product]


def page(user_pk: int):
    """One changelist request, as the middleware would hand it over."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    from accounts.models import User

    request = RequestFactory().get("/bench/products/product/")
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    # A fresh user each time: no permission cache carried between requests.
    request.user = User.objects.get(pk=user_pk)
    return request


def measure(label, user_pk, area, model_admin, args, show_sql: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    user = User.objects.get(pk=user_pk)
    visible = scoped(user).count()

    # (a) The permission filter alone: the first page of the scoped queryset.
    user = User.objects.get(pk=user_pk)
    with CaptureQueriesContext(connection) as filter_queries:
        first = list(scoped(user)[:100])
    filter_ms = []
    for _ in range(args.warmups + args.runs):
        user = User.objects.get(pk=user_pk)
        started = time.perf_counter()
        list(scoped(user)[:100])
        filter_ms.append((time.perf_counter() - started) * 1000)
    filter_ms = filter_ms[args.warmups :]

    # (b) The changelist page: view plus template rendering.
    with CaptureQueriesContext(connection) as page_queries:
        response = model_admin.changelist_view(page(user_pk))
        response.render()
    if response.status_code != 200:
        sys.exit(f"{label}: changelist answered {response.status_code}")
    page_ms = []
    for _ in range(args.warmups + args.runs):
        request = page(user_pk)
        started = time.perf_counter()
        response = model_admin.changelist_view(request)
        response.render()
        page_ms.append((time.perf_counter() - started) * 1000)
    page_ms = page_ms[args.warmups :]

    result = {
        "label": label,
        "filter_queries": len(filter_queries),
        "page_queries": len(page_queries),
        "p95": percentile(page_ms, 95),
    }
    print(
        f"{label} ({area}, {visible:,} visible rows, first page {len(first)}): "
        f"filter {len(filter_queries)} "
        f"{'query' if len(filter_queries) == 1 else 'queries'} "
        f"(p50 {statistics.median(filter_ms):.1f} ms, "
        f"p95 {percentile(filter_ms, 95):.1f} ms); "
        f"page p50 {statistics.median(page_ms):.1f} ms, "
        f"p95 {result['p95']:.1f} ms, max {max(page_ms):.1f} ms, "
        f"{len(page_queries)} queries/page"
    )
    missed = result["p95"] > TARGET_P95_MS or len(filter_queries) > 1
    if show_sql or args.explain or missed:
        print("  permission filter, first page:")
        for query in filter_queries.captured_queries:
            print(f"    {query['sql']}")
    if args.verbose:
        print("  page queries:")
        for query in page_queries.captured_queries:
            print(f"    [{float(query['time']) * 1000:.1f} ms] {query['sql'][:300]}")
    if (args.explain or missed) and connection.vendor == "postgresql":
        for name, query in (
            ("first page", page_queries.captured_queries[-1]["sql"]),
            *(
                ("count", q["sql"])
                for q in page_queries.captured_queries
                if q["sql"].startswith("SELECT COUNT(*)")
            ),
        ):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
                plan = [row[0] for row in cursor.fetchall()]
            print(f"  EXPLAIN ANALYZE ({name}):")
            for line in plan:
                print(f"    {line}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="drop the database first")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--producers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2567)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmups", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE")
    parser.add_argument("--verbose", action="store_true", help="list page queries")
    args = parser.parse_args()

    ensure_database(os.environ.get("DATABASE_URL", ""), args.reset)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from committees.models import Committee, CommitteeUserObjectPermission, Membership
    from communities.models import Amphoe, Producer, Province, Tambon
    from products.models import Product

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    if not Tambon.objects.exists():
        call_command("load_geography", stdout=io.StringIO())
    build_products(args.rows, args.producers, args.seed)
    build_committees()
    members = appoint_members()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT datcollate FROM pg_database WHERE datname = current_database()"
            )
            collation = cursor.fetchone()[0]
        vendor = f"postgresql {version} (collation {collation})"
    else:
        vendor = connection.vendor
    if connection.vendor != "postgresql":
        print("warning: the issue's targets are for PostgreSQL")

    print(f"database: {vendor}, debug {settings.DEBUG}")
    print(
        f"areas: {Province.objects.count():,} provinces, "
        f"{Amphoe.objects.count():,} amphoes, {Tambon.objects.count():,} tambons; "
        f"producers {Producer.objects.count():,}, products {Product.objects.count():,}"
    )
    print(
        f"committees: {Committee.objects.count():,} "
        f"({', '.join(f'{n} {t}' for t, n in _tiers())}); "
        f"grants {CommitteeUserObjectPermission.objects.count():,}; "
        f"current memberships {Membership.objects.current().count():,}"
    )
    print(
        f"{args.runs} timed runs after {args.warmups} warm-ups; "
        f"page = changelist_view + render, list_per_page 100"
    )
    model_admin = make_admin()
    results = [
        measure(label, pk, area, model_admin, args, show_sql=(i == 0))
        for i, (label, pk, area) in enumerate(members)
    ]
    worst = max(r["p95"] for r in results)
    most = max(r["filter_queries"] for r in results)
    print(
        f"targets: page p95 <= {TARGET_P95_MS:.0f} ms (worst {worst:.1f} ms), "
        f"filter <= 1 query (most {most})"
    )
    for result in results:
        figure(
            f"admin changelist p95, {result['label']}",
            result["p95"],
            "ms",
            f"<= {TARGET_P95_MS:.0f}",
        )
    figure("permission filter queries", most, "queries", "<= 1")


def _tiers():
    from django.db.models import Count

    from committees.models import Committee

    return (
        Committee.objects.values_list("tier")
        .annotate(n=Count("pk"))
        .order_by("tier")
        .values_list("tier", "n")
    )


if __name__ == "__main__":
    main()
