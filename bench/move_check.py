"""Check that a release's migrations move models between apps without losing
a row (issue #18): snapshot a database filled at the previous release,
migrate it with the new code, snapshot again, compare.

    bench/move_check.sh OLD_REF NEW_REF [PRODUCTS]   # the whole check, below

or step by step, from the root of the checkout whose code is to run (the
portal is imported from the current directory, so one copy of this script
serves both releases):

    python bench/move_check.py plant               # support plans on a dataset
    python bench/move_check.py snapshot FILE.json  # counts and checksums
    python bench/move_check.py compare BEFORE.json AFTER.json

``plant`` gives every district and provincial committee that ranked in the
dataset's round a support plan with three actions and their trail
(``generate_dataset`` writes none), half of them approved, so the moved
tables are not empty. ``snapshot`` records, for every table of the
``selection`` and ``support`` apps, the row count and an MD5 of all its rows
in key order (PostgreSQL), the content types and permissions of the support
models, and the append-only triggers. ``compare`` prints the two side by
side and exits 1 on any difference other than the content types' app label.
"""

import argparse
import json
import os
import random
import sys
from decimal import Decimal

from common import ensure_database  # bench/common.py

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

APPS = ("selection", "support")
MOVED = ("supportplan", "supportaction", "supportplanevent")
SHOWN = ("selection_supportplan", "selection_supportaction")


def setup() -> None:
    import django

    django.setup()


def support_model(name: str):
    """A support model wherever this release keeps it."""
    from django.apps import apps

    label = "support" if apps.is_installed("support") else "selection"
    return apps.get_model(label, name)


def plant() -> None:
    from django.db import transaction
    from django.utils import timezone

    from selection.models import RankingEntry, Round

    plan_model = support_model("SupportPlan")
    action_model = support_model("SupportAction")
    event_model = support_model("SupportPlanEvent")
    if plan_model.objects.exists():
        print("plans already planted")
        return
    round_ = Round.objects.order_by("-year").first()
    ranked: dict[int, list[int]] = {}
    for committee_id, nomination_id in (
        RankingEntry.objects.filter(
            ranking__round=round_, ranking__tier__in=("amphoe", "province")
        )
        .order_by("ranking__committee_id", "position")
        .values_list("ranking__committee_id", "nomination_id")
    ):
        ranked.setdefault(committee_id, []).append(nomination_id)
    rng = random.Random(1)  # noqa: S311 (made-up budgets)
    kinds = [value for value, _label in action_model._meta.get_field("kind").choices]
    sources = [
        value for value, _label in action_model._meta.get_field("source").choices
    ]
    now = timezone.now()
    with transaction.atomic():
        plans = plan_model.objects.bulk_create(
            plan_model(
                round=round_,
                committee_id=committee_id,
                status="approved" if i % 2 else "draft",
                approved_at=now if i % 2 else None,
            )
            for i, committee_id in enumerate(sorted(ranked))
        )
        actions = action_model.objects.bulk_create(
            action_model(
                plan=plan,
                nomination_id=rng.choice(ranked[plan.committee_id]),
                kind=rng.choice(kinds),
                description=f"แผนสนับสนุนที่ {i + 1} (ข้อมูลทดสอบ)",
                agency="สำนักงานพัฒนาชุมชน",
                budget=Decimal(rng.randrange(5_000_00, 200_000_00)) / 100,
                source=rng.choice(sources),
                fiscal_year=round_.year + 544,
                quarter=1 + i,
                status=("planned", "in_progress", "cancelled")[i],
            )
            for plan in plans
            for i in range(3)
        )
        event_model.objects.bulk_create(
            [
                event_model(plan=action.plan, item=action.pk, action="added", note="")
                for action in actions
            ]
            + [
                event_model(plan=plan, action="approved", note="3 actions")
                for plan in plans
                if plan.status == "approved"
            ]
        )
    print(f"planted {len(plans)} plans, {len(actions)} actions")


def snapshot(path: str) -> None:
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    tables = {}
    for label in APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables[model._meta.db_table] = model._meta.pk.column
    quote = connection.ops.quote_name
    counts, checksums, samples = {}, {}, {}
    with connection.cursor() as cursor:
        for table, key in sorted(tables.items()):
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 (our tables)
            counts[table] = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.{quote(key)}),"  # noqa: S608 (our tables)
                f" '')) FROM {quote(table)} t"
            )
            checksums[table] = cursor.fetchone()[0]
        for table in SHOWN:
            cursor.execute(
                f"SELECT t::text FROM {quote(table)} t ORDER BY t.id LIMIT 2"  # noqa: S608 (our tables)
            )
            samples[table] = [row for (row,) in cursor.fetchall()]
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal ORDER BY 1, 2"
        )
        triggers = [f"{table}: {name}" for table, name in cursor.fetchall()]
    types = {
        ct.model: {"id": ct.pk, "app_label": ct.app_label}
        for ct in ContentType.objects.filter(model__in=MOVED, app_label__in=APPS)
    }
    permissions = sorted(
        Permission.objects.filter(content_type__model__in=MOVED).values_list(
            "pk", "codename", "content_type_id"
        )
    )
    with open(path, "w", encoding="utf-8") as out:
        json.dump(
            {
                "counts": counts,
                "checksums": checksums,
                "samples": samples,
                "triggers": triggers,
                "content_types": types,
                "permissions": permissions,
            },
            out,
            ensure_ascii=False,
            indent=1,
        )
    print(f"{path}: {len(counts)} tables, {sum(counts.values()):,} rows")


def compare(before_path: str, after_path: str) -> int:
    with open(before_path, encoding="utf-8") as f:
        before = json.load(f)
    with open(after_path, encoding="utf-8") as f:
        after = json.load(f)
    differences = 0
    print(f"{'table':<36} {'before':>9} {'after':>9}  rows")
    for table in sorted(set(before["counts"]) | set(after["counts"])):
        old, new = before["counts"].get(table), after["counts"].get(table)
        same = before["checksums"].get(table) == after["checksums"].get(table)
        differences += old != new or not same
        verdict = "identical" if same and old == new else "DIFFERENT"
        print(f"{table:<36} {old!s:>9} {new!s:>9}  {verdict}")
    print("\ncontent types of the moved models (id, app label):")
    for model in MOVED:
        old = before["content_types"].get(model)
        new = after["content_types"].get(model)
        moved = old and new and old["id"] == new["id"]
        differences += not moved
        print(f"  {model:<18} {old} → {new}{'' if moved else '  DIFFERENT'}")
    same = before["permissions"] == after["permissions"]
    differences += not same
    print(
        f"permissions of the moved models: {len(before['permissions'])} → "
        f"{len(after['permissions'])}, {'the same rows' if same else 'DIFFERENT'}"
    )
    triggers = [t for t in after["triggers"] if "support" in t]
    same = before["triggers"] == after["triggers"]
    differences += not same
    print(f"triggers: {'unchanged' if same else 'DIFFERENT'} ({'; '.join(triggers)})")
    print("\na few rows, after:")
    for table, rows in after["samples"].items():
        for row in rows:
            print(f"  {table}: {row}")
        differences += rows != before["samples"][table]
    print(f"\n{'no difference' if not differences else f'{differences} differences'}")
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("reset", help="drop and create DATABASE_URL's database")
    sub.add_parser("plant")
    sub.add_parser("snapshot").add_argument("path")
    step = sub.add_parser("compare")
    step.add_argument("before")
    step.add_argument("after")
    args = parser.parse_args()
    if args.step == "reset":
        ensure_database(os.environ["DATABASE_URL"], reset=True)
    elif args.step == "compare":
        sys.exit(compare(args.before, args.after))
    else:
        setup()
        plant() if args.step == "plant" else snapshot(args.path)


if __name__ == "__main__":
    main()
