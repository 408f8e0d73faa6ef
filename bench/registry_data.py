"""The registry benchmark's data: bench producers, products, awarded
nominations and registry entries written deterministically and in bulk
(see bench/registry.py, which puts the project on ``sys.path`` first)."""

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

from devdata.words import BASES, ORIGINS, OTHER_GROUP, QUALIFIERS
from devdata.words import GROUPS as WORD_GROUPS

PRODUCER_PREFIX = "REGB-P"  # registration numbers of the bench producers
STAFF_USERNAME = "reg-bench-staff"
PRODUCTS_PER_PRODUCER = 4
REVOKED_EVERY = 200  # one more entry in 200 is written revoked
ROUND_WEIGHTS = {2023: 28, 2024: 33, 2025: 39}  # C.E. year → share of entries
STAR_WEIGHTS = {1: 5, 2: 12, 3: 33, 4: 32, 5: 18}
ORIGIN_SHARE = 0.75  # names with a place in them
BATCH_SIZE = 2000

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
