"""A synthetic national world (``manage.py generate_dataset``): producers over
every tambon, products of every category, one finished selection round scored
at every tier, and the registry it published — written in bulk, for load
tests and rehearsals at the scale of DESIGN.md §1.

Deterministic: everything comes from one ``random.Random(seed)`` consumed in a
fixed order, never from database ids, and times come from the round's year,
not the clock (only the committees' terms reach into the current fiscal year,
so that they are still sitting). The same seed, size and year give the same
rows on SQLite and PostgreSQL, ids and password salts aside;
``dataset_fingerprint`` hashes them.

The finished round is what the services leave behind — ``nomination_submit``,
``sheets_fill``, ``ranking_finalize``, ``ranking_approve``,
``nomination_award``, ``registry_publish`` — with the same rows, audit events
and numbers: the rankings are computed here with the means and tie-breaks of
``selection.services.ranking_rows`` (the tests check them against it). Left
out: notifications and email deliveries, photos, raw materials, per-type
quotas, returned or draft nominations and revoked registry entries.

The dataset owns its rows: users named ``ds-…``, the producers they
registered (with their products), and the round tagged ``[dataset]``;
``dataset_remove`` deletes exactly those.
"""

import datetime as dt
import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from accounts.models import User
from committees.models import (
    ROLE_PERMISSIONS,
    Committee,
    CommitteeUserObjectPermission,
    ConflictDeclaration,
    Membership,
    MembershipEvent,
)
from committees.models import Tier as CommitteeTier
from communities.models import (
    OfficerAssignment,
    OfficerAssignmentEvent,
    Producer,
    Tambon,
    TambonUserObjectPermission,
)
from core.buddhist_era import fiscal_year, to_be
from core.tiers import NEXT_TIER
from devdata.demo.data import CENTRAL_STAFF_APPS, CENTRAL_STAFF_RIGHTS
from devdata.words import (
    BASES,
    BRANDS,
    FIRST_NAMES,
    GROUPS,
    ORIGINS,
    OTHER_GROUP,
    PRICES,
    QUALIFIERS,
    STANDARDS,
    STORIES,
    SURNAMES,
    UNITS,
    VILLAGES,
)
from products.models import (
    Category,
    Certification,
    Product,
    ProductEvent,
    ProductImage,
    RawMaterial,
    Standard,
)
from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
from registry.services import entry_snapshot
from selection.models import (
    Criterion,
    Nomination,
    NominationEvent,
    Ranking,
    RankingEntry,
    Round,
    Score,
    ScoreSheet,
    StarBand,
    TambonForum,
    Tier,
    TypeQuota,
)
from selection.rounds import round_close, round_create, round_open

TAG = "[dataset]"  # ends the round's English title
USER_PREFIX = "ds-"
STAFF_USERNAME = "ds-central-staff"
BATCH_SIZE = 5000
PRODUCERS_PER_PRODUCT = 0.93  # ~93,000 producers for ~100,000 products
NOMINATED_SHARE = 0.16  # ~16,000 of ~100,000 products enter the round
CERTIFIED_SHARE = 0.85
WITHDRAWN_SHARE = 0.01
CONFLICT_SHARE = 0.01  # nominations where one member declares a conflict
BANGKOK = ZoneInfo("Asia/Bangkok")
State = Nomination.State
# The services' audit notes (msgids in their catalogue), written the same way.
AWARD_NOTE = "%(stars)s stars, score %(score)s (provincial %(provincial)s)"

# Ten criteria per tier, 100 points (as tests/selection/ladder.py CRITERIA).
CRITERIA = (
    ("A", "A1", "ความเข้มแข็งของกลุ่มผู้ผลิต", "Strength of the producer group"),
    ("A", "A2", "การใช้วัตถุดิบในท้องถิ่น", "Use of local raw materials"),
    ("A", "A3", "ภูมิปัญญาท้องถิ่นในการผลิต", "Local wisdom in production"),
    ("A", "A4", "กระบวนการผลิตและกำลังการผลิต", "Production process and capacity"),
    ("B", "B1", "เรื่องราวของผลิตภัณฑ์", "The product's story"),
    ("B", "B2", "ช่องทางการตลาดและยอดจำหน่าย", "Sales channels and sales"),
    ("B", "B3", "บรรจุภัณฑ์และตราสินค้า", "Packaging and brand"),
    ("C", "C1", "คุณภาพและความสม่ำเสมอของผลิตภัณฑ์", "Quality and consistency"),
    ("C", "C2", "มาตรฐานและความปลอดภัย", "Standards and safety"),
    ("C", "C3", "ความคิดสร้างสรรค์และเอกลักษณ์", "Creativity and identity"),
)
CRITERION_MAX = Decimal(10)
PARTS = {"A": slice(0, 4), "B": slice(4, 7), "C": slice(7, 10)}

# Shares of the generated data --------------------------------------------------

# Product type → share of products (a type central staff added gets 5).
TYPE_WEIGHTS = {"FOOD": 35, "DRINK": 10, "TEXTILE": 22, "HOUSEHOLD": 23, "HERBAL": 10}
ORIGIN_SHARE = 0.35  # names with a well-known place
HOME_SHARE = 0.30  # names with the producer's own tambon


# Reading what is there ---------------------------------------------------------------


class DatasetConflict(Exception):
    """The database holds something the dataset would collide with."""


def dataset_users() -> models.QuerySet[User]:
    return User.objects.filter(username__startswith=USER_PREFIX)


def dataset_rounds() -> models.QuerySet[Round]:
    return Round.objects.filter(title_en__endswith=TAG)


def dataset_producers() -> models.QuerySet[Producer]:
    return Producer.objects.filter(created_by__username__startswith=USER_PREFIX)


def dataset_present() -> bool:
    return dataset_users().exists() or dataset_rounds().exists()


def _check_room() -> None:
    """The dataset takes every area's committee and a whole round: it needs a
    ladder without anyone else's producers, committees or rounds."""
    own_committees = Membership.objects.filter(user__in=dataset_users())
    others = {
        "producers": Producer.objects.exclude(pk__in=dataset_producers()),
        "committees": Committee.objects.exclude(
            pk__in=own_committees.values("committee")
        ),
        "rounds": Round.objects.exclude(pk__in=dataset_rounds()),
        "registry entries": RegistryEntry.objects.exclude(
            nomination__round__in=dataset_rounds()
        ),
    }
    found = [name for name, queryset in others.items() if queryset.exists()]
    if found:
        raise DatasetConflict(
            "The database already holds "
            + ", ".join(found)
            + " not made by generate_dataset (the demo world, say). The dataset "
            "fills a whole country's ladder: run it on a database of its own "
            "(createdb …; manage.py migrate)."
        )


# Generating, removing, describing ---------------------------------------------------


@transaction.atomic
def dataset_generate(
    *,
    products: int,
    seed: int,
    year: int | None = None,
    amphoe_advance: int = 5,
    province_advance: int = 10,
    reset: bool = False,
    progress: bool = False,
) -> None:
    """Write the whole world in one transaction (nothing if it fails).
    ``year`` is the C.E. fiscal year of the finished round (default: the last
    one); ``reset`` replaces an earlier dataset, which is refused otherwise."""
    current = fiscal_year(timezone.localdate())
    year = year or current - 1
    if products < 1:
        raise DatasetConflict("Ask for at least one product.")
    if year >= current:
        raise DatasetConflict(
            f"The round must be finished: choose a fiscal year before B.E. "
            f"{to_be(current)}."
        )
    if dataset_present():
        if not reset:
            raise DatasetConflict(
                "A dataset is already here. Replace it with --reset (only the "
                "dataset's own rows are removed)."
            )
        dataset_remove()
    _check_room()
    _Builder(
        products=products,
        seed=seed,
        year=year,
        amphoe_advance=amphoe_advance,
        province_advance=province_advance,
        progress=progress,
    ).run()


def _purge(queryset: models.QuerySet) -> int:
    """One DELETE without Django's collector: the dataset goes wholesale,
    leaves first. (Its audit events go through ``purge()``, the one way past
    the trails' append-only guards and PostgreSQL triggers.)"""
    return queryset._raw_delete(queryset.db)


@transaction.atomic
def dataset_remove() -> None:
    """Delete the dataset's own rows, nothing else."""
    rounds = dataset_rounds()
    users = dataset_users()
    producers = dataset_producers()
    committees = list(
        Membership.objects.filter(user__in=users)
        .values_list("committee_id", flat=True)
        .distinct()
    )
    years = [to_be(y) for y in rounds.values_list("year", flat=True)]
    in_round = {"nomination__round__in": rounds}
    RegistryEvent.objects.filter(entry__nomination__round__in=rounds).purge()
    _purge(RegistryEntry.objects.filter(**in_round))
    for year_be in years:
        if not RegistryEntry.objects.filter(
            number__startswith=f"OTOP-{year_be}-"
        ).exists():
            _purge(RegistryCounter.objects.filter(year_be=year_be))
    NominationEvent.objects.filter(
        Q(nomination__round__in=rounds) | Q(ranking__round__in=rounds)
    ).purge()  # past the append-only trigger, for this statement only
    _purge(Score.objects.filter(sheet__nomination__round__in=rounds))
    _purge(ScoreSheet.objects.filter(**in_round))
    _purge(RankingEntry.objects.filter(ranking__round__in=rounds))
    for model in (Ranking, Nomination, TambonForum, Criterion, StarBand, TypeQuota):
        _purge(model.objects.filter(round__in=rounds))
    _purge(rounds)
    _purge(ConflictDeclaration.objects.filter(user__in=users))
    ProductEvent.objects.filter(product__producer__in=producers).purge()
    for model in (Certification, RawMaterial, ProductImage):
        _purge(model.objects.filter(product__producer__in=producers))
    _purge(Product.objects.filter(producer__in=producers))
    _purge(producers)
    _purge(CommitteeUserObjectPermission.objects.filter(content_object__in=committees))
    MembershipEvent.objects.filter(committee__in=committees).purge()
    _purge(Membership.objects.filter(committee__in=committees))
    _purge(Committee.objects.filter(pk__in=committees))
    OfficerAssignmentEvent.objects.filter(assignment__user__in=users).purge()
    _purge(OfficerAssignment.objects.filter(user__in=users))
    _purge(TambonUserObjectPermission.objects.filter(user__in=users))
    users.delete()  # the collector: permissions, notifications, sessions…


def dataset_counts() -> dict[str, int]:
    """The dataset's rows, table by table."""
    rounds = dataset_rounds()
    users = dataset_users()
    producers = dataset_producers()
    committees = Committee.objects.filter(memberships__user__in=users).distinct()
    return {
        "users": users.count(),
        "committees": committees.count(),
        "memberships": Membership.objects.filter(user__in=users).count(),
        "committee grants": CommitteeUserObjectPermission.objects.filter(
            user__in=users
        ).count(),
        "officer assignments": OfficerAssignment.objects.filter(user__in=users).count(),
        "tambon grants": TambonUserObjectPermission.objects.filter(
            user__in=users
        ).count(),
        "producers": producers.count(),
        "products": Product.objects.filter(producer__in=producers).count(),
        "certifications": Certification.objects.filter(
            product__producer__in=producers
        ).count(),
        "rounds": rounds.count(),
        "criteria": Criterion.objects.filter(round__in=rounds).count(),
        "tambon forums": TambonForum.objects.filter(round__in=rounds).count(),
        "nominations": Nomination.objects.filter(round__in=rounds).count(),
        "conflict declarations": ConflictDeclaration.objects.filter(
            user__in=users
        ).count(),
        "score sheets": ScoreSheet.objects.filter(nomination__round__in=rounds).count(),
        "scores": Score.objects.filter(sheet__nomination__round__in=rounds).count(),
        "rankings": Ranking.objects.filter(round__in=rounds).count(),
        "ranking entries": RankingEntry.objects.filter(
            ranking__round__in=rounds
        ).count(),
        "ladder events": NominationEvent.objects.filter(
            Q(nomination__round__in=rounds) | Q(ranking__round__in=rounds)
        ).count(),
        "registry entries": RegistryEntry.objects.filter(
            nomination__round__in=rounds
        ).count(),
        "registry events": RegistryEvent.objects.filter(
            entry__nomination__round__in=rounds
        ).count(),
    }


def _text(value) -> str:
    """One spelling per value on every backend."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return str(value)


def dataset_fingerprint() -> str:
    """A SHA-256 of the dataset's content without ids: equal for two runs
    exactly when they wrote the same world."""
    digest = hashlib.sha256()

    def feed(label: str, rows: Iterable[tuple]) -> None:
        digest.update(label.encode())
        for row in sorted(tuple(_text(v) for v in row) for row in rows):
            digest.update("\x1f".join(row).encode())
            digest.update(b"\x1e")

    rounds = dataset_rounds()
    producers = dataset_producers()
    product = ("producer__tambon_id", "producer__name_th", "name_th")
    nominated = [f"product__{k}" for k in product]
    feed("users", dataset_users().values_list("username", "display_name"))
    feed(
        "producers",
        producers.values_list(
            "tambon_id",
            "name_th",
            "name_en",
            "kind",
            "registration_number",
            "phone",
            "email",
            "created_at",
        ),
    )
    feed(
        "products",
        Product.objects.filter(producer__in=producers).values_list(
            *product, "name_en", "category__code", "price", "story", "created_at"
        ),
    )
    feed(
        "certifications",
        Certification.objects.filter(product__producer__in=producers).values_list(
            *nominated, "standard__code", "number", "issued_on", "expires_on"
        ),
    )
    feed(
        "nominations",
        Nomination.objects.filter(round__in=rounds).values_list(
            *nominated,
            "round__year",
            "tier",
            "state",
            "tambon_code",
            "submitted_at",
            "provincial_score",
            "final_score",
            "stars",
            "awarded_at",
        ),
    )
    feed(
        "sheets",
        ScoreSheet.objects.filter(nomination__round__in=rounds).values_list(
            *(f"nomination__{k}" for k in nominated),
            "tier",
            "member__username",
            "total",
            "part_a",
            "part_c",
            "submitted_at",
        ),
    )
    feed(
        "scores",
        Score.objects.filter(sheet__nomination__round__in=rounds)
        .values("criterion__tier", "criterion__code")
        .annotate(count=models.Count("pk"), sum=models.Sum("points"))
        .values_list("criterion__tier", "criterion__code", "count", "sum"),
    )
    feed(
        "rankings",
        RankingEntry.objects.filter(ranking__round__in=rounds).values_list(
            "ranking__tier",
            "ranking__committee__amphoe_id",
            "ranking__committee__province_id",
            "position",
            *(f"nomination__{k}" for k in nominated),
            "mean_total",
            "sheet_count",
            "expected_sheets",
            "decision",
        ),
    )
    feed(
        "events",
        NominationEvent.objects.filter(
            Q(nomination__round__in=rounds) | Q(ranking__round__in=rounds)
        ).values_list("action", "actor__username", "at", "to_tier", "to_state", "note"),
    )
    feed(
        "registry",
        RegistryEntry.objects.filter(nomination__round__in=rounds).values_list(
            "number",
            "name_th",
            "producer_name_th",
            "tambon_code",
            "stars",
            "final_score",
            "published_at",
        ),
    )
    return digest.hexdigest()


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# The world -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name_th: str
    name_en: str
    amphoe: str
    amphoe_th: str
    amphoe_en: str
    province: str
    province_th: str
    province_en: str
    region: str
    postal: str

    def address(self) -> str:
        if self.province == "10":  # Bangkok: khwaeng and khet
            return f"แขวง{self.name_th} {self.amphoe_th} {self.province_th}"
        return f"ต.{self.name_th} อ.{self.amphoe_th} จ.{self.province_th}"


@dataclass(slots=True)
class Board:
    """A committee and its scoring members (chair, secretary, members)."""

    tier: str
    area: str
    seats: list[str]  # roles: chair, secretary, member…
    pk: int = 0
    chair: int = 0
    secretary: int = 0
    members: list[int] = field(default_factory=list)  # scoring, in seat order
    ordinary: list[int] = field(default_factory=list)  # role "member" only
    bias: dict[int, float] = field(default_factory=dict)  # each member's leniency


@dataclass(slots=True)
class Entry:
    """One nomination's life on the ladder (plan first, then pk)."""

    product: int  # index into the products
    place: Place
    created_at: dt.datetime
    submitted_at: dt.datetime
    quality: float
    withdrawn_at: dt.datetime | None = None
    tier: str = Tier.AMPHOE
    state: str = State.PENDING
    provincial_score: Decimal | None = None
    final_score: Decimal | None = None
    stars: int | None = None
    awarded_at: dt.datetime | None = None
    pk: int = 0


@dataclass(slots=True)
class Sheet:
    entry: Entry
    tier: str
    board: Board
    member: int
    halves: bytes  # points per criterion, in half points (0-20)
    submitted_at: dt.datetime

    @property
    def total(self) -> Decimal:
        return Decimal(sum(self.halves)) / 2

    def part(self, name: str) -> Decimal:
        return Decimal(sum(self.halves[PARTS[name]])) / 2


@dataclass(slots=True)
class Row:
    entry: Entry
    mean_total: Decimal
    mean_a: Decimal
    mean_b: Decimal
    mean_c: Decimal
    sheet_count: int
    expected: int
    decision: str = ""


@dataclass(slots=True)
class PlannedRanking:
    board: Board
    tier: str
    rows: list[Row]
    finalized_at: dt.datetime
    approved_at: dt.datetime
    pk: int = 0


@dataclass(slots=True)
class Event:
    at: dt.datetime
    actor: int
    action: str
    entry: Entry | None = None
    ranking: PlannedRanking | None = None
    before: tuple[str, str] = ("", "")
    after: tuple[str, str] = ("", "")
    note: str = ""


def _q(value: Decimal) -> Decimal:
    # As selection.services._q: the ranking's means, to the hundredth.
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _at(day: dt.date, seconds: int = 0) -> dt.datetime:
    """A Bangkok time ``seconds`` after 08:00 on ``day``."""
    start = dt.datetime.combine(day, dt.time(8), tzinfo=BANGKOK)
    return start + dt.timedelta(seconds=seconds)


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def _historical_times(*model_classes):
    """Let bulk_create keep the times given: ``auto_now``/``auto_now_add``
    fields would otherwise stamp today on rows of a past round."""
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain INSERTs, no model instances, for the narrow tables written by
    the hundred thousand (scores, permission grants); the values are ints and
    decimals, stored as given."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(model._meta.get_field(c).column) for c in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    insert = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(insert + row, rows)
            return
        for batch in _chunks(rows, 1000):
            cursor.execute(
                insert + ", ".join([row] * len(batch)),
                [value for values in batch for value in values],
            )


def _bulk(model, objects: list, bar=None) -> list:
    """bulk_create in batches, advancing the progress bar."""
    with _historical_times(model):
        for batch in _chunks(objects):
            model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            if bar is not None:
                bar.update(len(batch))
    return objects


class _Builder:
    def __init__(
        self,
        *,
        products: int,
        seed: int,
        year: int,
        amphoe_advance: int,
        province_advance: int,
        progress: bool,
    ):
        self.n_products = products
        self.rng = random.Random(seed)  # noqa: S311 - repeatable test data
        self.year = year  # C.E., the round's fiscal year (October to September)
        self.amphoe_advance = amphoe_advance
        self.province_advance = province_advance
        self.progress = progress
        self.unusable = make_password(None)
        self.places = [
            Place(
                code=t.code,
                name_th=t.name_th,
                name_en=t.name_en,
                amphoe=t.amphoe_id,
                amphoe_th=t.amphoe.name_th,
                amphoe_en=t.amphoe.name_en,
                province=t.province_id,
                province_th=t.province.name_th,
                province_en=t.province.name_en,
                region=t.province.region_id,
                postal=t.postal_code_list[0] if t.postal_codes else "",
            )
            for t in Tambon.objects.select_related("amphoe", "province").order_by(
                "code"
            )
        ]
        if not self.places:
            raise DatasetConflict(
                "The geography is missing: run manage.py load_geography."
            )
        self.leaves = list(
            Category.objects.filter(parent__isnull=False, is_active=True)
            .select_related("parent")
            .order_by("code")
        )
        self.leaf_weights = self._leaf_weights()
        self.standards = {s.code: s for s in Standard.objects.filter(is_active=True)}
        # Filled as the world is written.
        self.boards: dict[str, Board] = {}
        self.officers: dict[str, int] = {}  # amphoe code → officer pk
        self.producer_pks: list[int] = []
        self.producer_place: list[Place] = []
        self.product_pks: list[int] = []
        self.producer_registered: list[dt.datetime] = []
        self.product_producer: list[int] = []
        self.product_leaf: list[Category] = []
        self.product_name: list[str] = []
        self.product_certified: list[bool] = []  # valid through the tambon deadline
        self.themes: list[int] = []  # each producer's usual leaf category
        self.kinds: list[str] = []
        self.events: list[Event] = []

    # Time line of fiscal year Y: the round opens 1 October Y-1.

    @property
    def round_dates(self) -> dict[str, dt.date]:
        y = self.year
        return {
            "opens": dt.date(y - 1, 10, 1),
            "tambon_deadline": dt.date(y, 1, 31),
            "amphoe_deadline": dt.date(y, 3, 31),
            "province_deadline": dt.date(y, 5, 31),
            "central_deadline": dt.date(y, 7, 31),
            "published": dt.date(y, 8, 15),
        }

    def _bar(self, desc: str, total: int, unit: str = "rows"):
        return tqdm(
            total=total,
            desc=desc,
            unit=f" {unit}",
            unit_scale=True,
            disable=not self.progress,
            dynamic_ncols=True,
            leave=True,
        )

    def _leaf_weights(self) -> list[float]:
        per_type: dict[str, int] = defaultdict(int)
        for leaf in self.leaves:
            per_type[leaf.parent.code] += 1
        return [
            TYPE_WEIGHTS.get(leaf.parent.code, 5) / per_type[leaf.parent.code]
            for leaf in self.leaves
        ]

    def _person(self) -> str:
        sex = self.rng.choice(("female", "male"))
        title = "นาย" if sex == "male" else self.rng.choice(("นาง", "นางสาว"))
        first = self.rng.choice(FIRST_NAMES[sex])
        return f"{title}{first} {self.rng.choice(SURNAMES)}"

    def _moment(self, first: dt.date, last: dt.date) -> dt.datetime:
        """A working-hours time between two days (whole seconds)."""
        days = (last - first).days
        return _at(
            first + dt.timedelta(days=self.rng.randint(0, days)),
            self.rng.randint(0, 9 * 3600),
        )

    # Run ---------------------------------------------------------------------------

    def run(self) -> None:
        self.people()
        self.producers()
        self.products()
        round_ = self.open_round()
        entries = self.nominees()
        rankings = self.climb(entries)
        self.write_ladder(round_, entries, rankings)
        self.publish(round_, rankings[Tier.CENTRAL])
        staff = User.objects.get(username=STAFF_USERNAME)
        round_close(actor=staff, round_=round_)

    # People: central staff, an officer per amphoe, every committee ---------------

    def people(self) -> None:
        amphoes = sorted({p.amphoe for p in self.places})
        provinces = sorted({p.province for p in self.places})
        for tier, code in (
            [(CommitteeTier.AMPHOE, code) for code in amphoes]
            + [(CommitteeTier.PROVINCE, code) for code in provinces]
            + [(CommitteeTier.CENTRAL, "")]
        ):
            seats = ["chair", "secretary"] + ["member"] * self.rng.choice((2, 3))
            self.boards[f"{tier}:{code}"] = Board(tier=tier, area=code, seats=seats)
        total = 1 + len(amphoes) + sum(len(b.seats) for b in self.boards.values())
        bar = self._bar("people and committees", total, "users")
        staff = self.central_staff(bar)
        self.officers_for(amphoes, staff, bar)
        self.committees(staff, bar)
        bar.close()

    @property
    def appointed(self) -> dt.datetime:
        return _at(self.round_dates["opens"], 3600)

    def central_staff(self, bar) -> User:
        staff = User(
            username=STAFF_USERNAME,
            display_name="กองส่งเสริมภูมิปัญญาท้องถิ่นฯ กรมการพัฒนาชุมชน",
            password=self.unusable,
            is_staff=True,
            date_joined=self.appointed,
        )
        _bulk(User, [staff], bar)
        rights = Q(
            codename__startswith="view_", content_type__app_label__in=CENTRAL_STAFF_APPS
        )
        for right in CENTRAL_STAFF_RIGHTS:
            app, codename = right.split(".")
            rights |= Q(content_type__app_label=app, codename=codename)
        staff.user_permissions.set(Permission.objects.filter(rights))
        return staff

    def officers_for(self, amphoes: list[str], staff: User, bar) -> None:
        """A community development officer per amphoe, assigned the whole
        amphoe, with the grants assignment_grant writes on its tambons."""
        officers = [
            User(
                username=f"{USER_PREFIX}officer-{code}",
                display_name=self._person(),
                password=self.unusable,
                date_joined=self.appointed,
            )
            for code in amphoes
        ]
        _bulk(User, officers, bar)
        self.officers = {code: u.pk for code, u in zip(amphoes, officers, strict=True)}
        assignments = _bulk(
            OfficerAssignment,
            [
                OfficerAssignment(
                    user_id=self.officers[code],
                    amphoe_id=code,
                    assigned_at=self.appointed,
                    assigned_by=staff,
                )
                for code in amphoes
            ],
        )
        _bulk(
            OfficerAssignmentEvent,
            [
                OfficerAssignmentEvent(
                    assignment=assignment,
                    action=OfficerAssignmentEvent.Action.GRANTED,
                    actor=staff,
                    at=self.appointed,
                )
                for assignment in assignments
            ],
        )
        manage_tambon = Permission.objects.get(
            content_type__app_label="communities", codename="manage_tambon"
        )
        _insert_rows(
            TambonUserObjectPermission,
            ("user", "permission", "content_object"),
            [(self.officers[p.amphoe], manage_tambon.pk, p.code) for p in self.places],
        )

    def committees(self, staff: User, bar) -> None:
        """Every committee with its members, written as membership_grant
        writes them: membership, "granted" event, guardian grants, is_staff.
        Terms run from the round's fiscal year through the current one."""
        term_start = self.round_dates["opens"]
        term_end = dt.date(max(self.year + 1, fiscal_year(timezone.localdate())), 9, 30)
        boards = list(self.boards.values())
        committees = [
            Committee(
                tier=b.tier,
                amphoe_id=b.area if b.tier == CommitteeTier.AMPHOE else None,
                province_id=b.area if b.tier == CommitteeTier.PROVINCE else None,
                term_start=term_start,
                term_end=term_end,
                created_at=self.appointed,
            )
            for b in boards
        ]
        _bulk(Committee, committees)
        seated = []  # (board, role, user)
        for board, committee in zip(boards, committees, strict=True):
            board.pk = committee.pk
            area = {"amphoe": "a", "province": "p"}.get(board.tier, "") + board.area
            for index, role in enumerate(board.seats):
                # Seats 2, 3, 4 are member1, member2, member3.
                seat = f"member{index - 1}" if role == "member" else role
                user = User(
                    username=f"{USER_PREFIX}{area or 'central'}-{seat}",
                    display_name=self._person(),
                    password=self.unusable,
                    is_staff=True,  # members score and rank in the admin
                    date_joined=self.appointed,
                )
                seated.append((board, role, user))
        _bulk(User, [user for _board, _role, user in seated], bar)
        for board, role, user in seated:
            board.members.append(user.pk)
            board.bias[user.pk] = self.rng.gauss(0, 2.5)
            if role == "chair":
                board.chair = user.pk
            elif role == "secretary":
                board.secretary = user.pk
            else:
                board.ordinary.append(user.pk)
        memberships = _bulk(
            Membership,
            [
                Membership(
                    user=user,
                    committee_id=board.pk,
                    role=role,
                    term_start=term_start,
                    term_end=term_end,
                    granted_at=self.appointed,
                    granted_by=staff,
                )
                for board, role, user in seated
            ],
        )
        _bulk(
            MembershipEvent,
            [
                MembershipEvent(
                    committee_id=m.committee_id,
                    membership=m,
                    action=MembershipEvent.Action.GRANTED,
                    to_role=m.role,
                    actor=staff,
                    at=self.appointed,
                )
                for m in memberships
            ],
        )
        perms = dict(
            Permission.objects.filter(content_type__app_label="committees").values_list(
                "codename", "pk"
            )
        )
        _insert_rows(
            CommitteeUserObjectPermission,
            ("user", "permission", "content_object"),
            [
                (m.user_id, perms[codename], m.committee_id)
                for m in memberships
                for codename in ROLE_PERMISSIONS[m.role]
            ],
        )

    # Producers and products --------------------------------------------------------

    def homes(self, count: int) -> list[int]:
        """Place indices for ``count`` producers: first one per tambon, taken
        amphoe by amphoe in turn (so a small dataset still reaches every
        district and province), the rest wherever OTOP is strong."""
        by_amphoe: dict[str, list[int]] = defaultdict(list)
        for i, place in enumerate(self.places):
            by_amphoe[place.amphoe].append(i)
        groups = list(by_amphoe.values())
        self.rng.shuffle(groups)
        for group in groups:
            self.rng.shuffle(group)
        spread = [
            group[level]
            for level in range(max(len(g) for g in groups))
            for group in groups
            if level < len(group)
        ]
        homes = spread[:count]
        if count > len(spread):
            strength = [self.rng.lognormvariate(0, 0.7) for _ in self.places]
            homes += self.rng.choices(
                range(len(self.places)), weights=strength, k=count - len(spread)
            )
        return sorted(homes)

    def producers(self) -> None:
        count = max(
            1, min(self.n_products, round(self.n_products * PRODUCERS_PER_PRODUCT))
        )
        bar = self._bar("producers", count, "producers")
        self.themes = self.rng.choices(
            range(len(self.leaves)), weights=self.leaf_weights, k=count
        )
        seq_in_tambon: dict[str, int] = defaultdict(int)
        names_in_tambon: dict[str, set[str]] = defaultdict(set)
        batch = []
        for n, home in enumerate(self.homes(count)):
            place = self.places[home]
            seq_in_tambon[place.code] += 1
            seq = seq_in_tambon[place.code]
            type_code = self.leaves[self.themes[n]].parent.code
            kind = self.rng.choices(Producer.Kind.values, weights=(70, 15, 15))[0]
            name_th, name_en, registration = self._producer_name(
                kind, type_code, place, seq
            )
            if name_th in names_in_tambon[place.code]:
                name_th = f"{name_th} หมู่ที่ {seq}"
            names_in_tambon[place.code].add(name_th)
            registered = self._moment(
                dt.date(self.year - 4, 1, 1), dt.date(self.year - 1, 6, 30)
            )
            batch.append(
                Producer(
                    kind=kind,
                    name_th=name_th,
                    name_en=name_en,
                    registration_number=registration,
                    tambon_id=place.code,
                    address=f"{self.rng.randint(1, 250)} หมู่ {self.rng.randint(1, 15)} "
                    f"{place.address()} {place.postal}".strip(),
                    contact_person=self._person(),
                    phone=f"08{self.rng.randint(0, 9)}-{self.rng.randint(100, 999)}-"
                    f"{self.rng.randint(1000, 9999)}",
                    email=f"otop.{place.code}.{seq}@example.com"
                    if self.rng.random() < 0.3
                    else "",
                    member_count=self.rng.randint(7, 120)
                    if kind == Producer.Kind.COMMUNITY
                    else None,
                    founded_year=self.rng.randint(1990, self.year - 2),
                    created_at=registered,
                    updated_at=registered,
                    created_by_id=self.officers[place.amphoe],
                )
            )
            self.kinds.append(kind)
            self.producer_place.append(place)
            if len(batch) == BATCH_SIZE:
                self._write_producers(batch, bar)
                batch = []
        self._write_producers(batch, bar)
        bar.close()

    def _write_producers(self, batch: list[Producer], bar) -> None:
        _bulk(Producer, batch, bar)
        self.producer_pks += [p.pk for p in batch]
        self.producer_registered += [p.created_at for p in batch]

    def _producer_name(self, kind: str, type_code: str, place: Place, seq: int):
        village_th, village_en = self.rng.choice(VILLAGES)
        if kind == Producer.Kind.COMMUNITY:
            group_th, group_en = self.rng.choice(GROUPS.get(type_code, [OTHER_GROUP]))
            name_en = f"Ban {village_en} {group_en}" if self.rng.random() < 0.4 else ""
            code = place.code
            number = f"{code[0]}-{code[:2]}-{code[2:4]}-{code[4:]}/1-{seq:04d}"
            return f"วิสาหกิจชุมชน{group_th}บ้าน{village_th}", name_en, number
        if kind == Producer.Kind.SME:
            brand_th, brand_en = BRANDS.get(type_code, ("โอทอป", "OTOP"))
            return (
                f"บริษัท {village_th}{brand_th} จำกัด",
                f"{village_en} {brand_en} Co., Ltd.",
                f"0{place.code}{seq:06d}",
            )
        return self._person(), "", ""

    def products(self) -> None:
        producers = len(self.producer_pks)
        per_producer = [1] * producers
        weight = {Producer.Kind.COMMUNITY: 2, Producer.Kind.SME: 3}
        for n in self.rng.choices(
            range(producers),
            weights=[weight.get(k, 1) for k in self.kinds],
            k=self.n_products - producers,
        ):
            per_producer[n] += 1
        bar = self._bar("products and certificates", self.n_products, "products")
        batch: list[tuple[Product, list[Certification]]] = []
        for n in range(producers):
            names: set[str] = set()
            for j in range(per_producer[n]):
                batch.append(self._product(n, j, names))
                if len(batch) == BATCH_SIZE:
                    self._write_products(batch, bar)
                    batch = []
        self._write_products(batch, bar)
        bar.close()

    def _product(self, n: int, j: int, names: set[str]):
        rng, place = self.rng, self.producer_place[n]
        leaf_index = self.themes[n]
        if j > 0 and rng.random() < 0.25:
            leaf_index = rng.choices(range(len(self.leaves)), self.leaf_weights)[0]
        leaf = self.leaves[leaf_index]
        type_code = leaf.parent.code
        for _attempt in range(8):
            name_th, name_en = self._product_name(leaf, type_code, place)
            if name_th not in names:
                break
        else:
            name_th, name_en = f"{name_th} ({j + 1})", f"{name_en} ({j + 1})"
        names.add(name_th)
        low, high = PRICES.get(type_code, (50, 1000))
        created = self.producer_registered[n] + dt.timedelta(
            days=rng.randint(0, 60), seconds=rng.randint(0, 3600)
        )
        product = Product(
            producer_id=self.producer_pks[n],
            category=leaf,
            name_th=name_th,
            name_en=name_en if rng.random() < 0.7 else "",
            description=self._description(type_code),
            story=" ".join(
                s.format(
                    years=rng.randint(10, 120),
                    amphoe=place.amphoe_th,
                    tambon=place.name_th,
                )
                for s in rng.sample(STORIES, k=3)
            ),
            price=Decimal(rng.randint(low // 5, high // 5) * 5),
            unit=UNITS.get(leaf.code, "ชิ้น"),
            monthly_capacity=rng.randint(5, 400) * 10,
            created_at=created,
            updated_at=created,
        )
        certificates = self._certificates(product, type_code, place)
        self.product_producer.append(n)
        self.product_leaf.append(leaf)
        self.product_name.append(name_th)
        return product, certificates

    def _product_name(self, leaf: Category, type_code: str, place: Place):
        """Thai words run together as on real labels, "กาแฟดอยช้างคั่วกลาง";
        the English name spaced, "Doi Chang Coffee, Medium Roast"."""
        rng = self.rng
        bases = BASES.get(leaf.code) or [(leaf.name_th, leaf.name_en)]
        base_th, base_en = rng.choice(bases)
        where = rng.random()
        if where < ORIGIN_SHARE:
            origin_th, origin_en = rng.choice(ORIGINS)
        elif where < ORIGIN_SHARE + HOME_SHARE:
            origin_th, origin_en = place.name_th, place.name_en
        else:
            origin_th = origin_en = ""
        qualifiers = QUALIFIERS.get(type_code, [("", "")])
        qualifier_th, qualifier_en = (
            rng.choice(qualifiers) if rng.random() < 0.6 else ("", "")
        )
        name_en = f"{origin_en} {base_en}".strip()
        if qualifier_en:
            name_en += f", {qualifier_en}"
        return base_th + origin_th + qualifier_th, name_en

    def _description(self, type_code: str) -> str:
        rng = self.rng
        if type_code in ("FOOD", "DRINK", "HERBAL"):
            return (
                f"ขนาดบรรจุ {rng.choice([100, 200, 250, 500])} "
                f"{'มล.' if type_code == 'DRINK' else 'กรัม'} "
                f"เก็บได้ {rng.choice([6, 12, 18, 24])} เดือน"
            )
        if type_code == "TEXTILE":
            return (
                f"ขนาด {rng.choice([80, 100, 120])} x {rng.choice([180, 200, 400])} ซม."
            )
        return f"ทำมือทุกชิ้น ขนาด {rng.randint(10, 60)} ซม."

    def _certificates(self, product: Product, type_code: str, place: Place):
        """None for some products; otherwise the type's usual standard, and
        sometimes an extra one, each issued before the round (some expired)."""
        rng = self.rng
        if rng.random() >= CERTIFIED_SHARE:
            self.product_certified.append(False)
            return []
        usual, extras = STANDARDS.get(type_code, (("TCPS",), ()))
        codes = [rng.choice(usual)]
        if extras and rng.random() < 0.3:
            codes.append(rng.choice(extras))
        deadline = self.round_dates["tambon_deadline"]
        certificates, valid = [], False
        for code in codes:
            standard = self.standards.get(code)
            if standard is None:
                continue
            issued = dt.date(self.year - rng.randint(1, 4), rng.randint(1, 12), 1)
            issued += dt.timedelta(days=rng.randint(0, 27))
            issued = min(issued, self.round_dates["opens"] - dt.timedelta(days=1))
            expires = None if code == "FDA" else issued.replace(year=issued.year + 3)
            valid = valid or expires is None or expires >= deadline
            certificates.append(
                Certification(
                    product=product,
                    standard=standard,
                    number=self._certificate_number(code, place, issued),
                    issued_on=issued,
                    expires_on=expires,
                )
            )
        self.product_certified.append(valid)
        return certificates

    def _certificate_number(self, code: str, place: Place, issued: dt.date) -> str:
        rng = self.rng
        if code == "FDA":  # เลขสารบบอาหาร, 13 digits
            return (
                f"{place.province}-{rng.randint(1, 2)}-{rng.randint(10000, 99999)}-"
                f"{rng.randint(1, 6)}-{rng.randint(1, 9999):04d}"
            )
        if code == "TCPS":
            return f"มผช. {rng.randint(1, 1600)}/{to_be(issued.year)}"
        return f"{code}-{place.province}-{rng.randint(100000, 999999)}"

    def _write_products(self, batch, bar) -> None:
        products = [product for product, _certificates in batch]
        _bulk(Product, products)
        self.product_pks += [p.pk for p in products]
        certificates = [c for _product, certs in batch for c in certs]
        for certificate in certificates:
            certificate.product_id = certificate.product.pk
        _bulk(Certification, certificates)
        bar.update(len(batch))

    # The round ---------------------------------------------------------------------

    def open_round(self) -> Round:
        staff = User.objects.get(username=STAFF_USERNAME)
        dates = self.round_dates
        round_ = round_create(
            actor=staff,
            year=self.year,
            title_th=f"การคัดสรรสุดยอดหนึ่งตำบล หนึ่งผลิตภัณฑ์ไทย ปี {to_be(self.year)}",
            title_en=f"OTOP Product Champion selection {self.year} {TAG}",
            tambon_deadline=dates["tambon_deadline"],
            amphoe_deadline=dates["amphoe_deadline"],
            province_deadline=dates["province_deadline"],
            central_deadline=dates["central_deadline"],
            amphoe_advance=self.amphoe_advance,
            province_advance=self.province_advance,
        )
        Round.objects.filter(pk=round_.pk).update(created_at=_at(dates["opens"]))
        Criterion.objects.bulk_create(
            Criterion(
                round=round_,
                tier=tier,
                part=part,
                code=code,
                title_th=title_th,
                title_en=title_en,
                max_points=CRITERION_MAX,
                order=order,
            )
            for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL)
            for order, (part, code, title_th, title_en) in enumerate(CRITERIA)
        )
        self.criteria = {
            tier: list(
                Criterion.objects.filter(round=round_, tier=tier)
                .order_by("order")
                .values_list("pk", flat=True)
            )
            for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL)
        }
        self.bands = sorted(
            round_.star_bands.values_list("min_score", "stars"), reverse=True
        )
        return round_open(actor=staff, round_=round_)

    def nominees(self) -> list[Entry]:
        """About NOMINATED_SHARE of the products, certified ones only, at
        most the tambon quota per tambon, submitted between the tambon forums
        (November) and the tambon deadline."""
        rng = self.rng
        quota = Round._meta.get_field("tambon_quota").default
        eligible = [i for i, ok in enumerate(self.product_certified) if ok]
        rng.shuffle(eligible)
        wanted = round(self.n_products * NOMINATED_SHARE)
        chosen, per_tambon = [], defaultdict(int)
        for i in eligible:
            place = self.producer_place[self.product_producer[i]]
            if per_tambon[place.code] < quota:
                per_tambon[place.code] += 1
                chosen.append(i)
                if len(chosen) == wanted:
                    break
        chosen.sort()
        dates = self.round_dates
        first = _at(dt.date(self.year - 1, 12, 1))
        window = int((_at(dates["tambon_deadline"], 9 * 3600) - first).total_seconds())
        # Distinct submission times: the ranking's last tie-break never needs ids.
        offsets = rng.sample(range(window), len(chosen))
        entries = []
        for i, offset in zip(chosen, offsets, strict=True):
            submitted = first + dt.timedelta(seconds=offset)
            entry = Entry(
                product=i,
                place=self.producer_place[self.product_producer[i]],
                created_at=submitted
                - dt.timedelta(seconds=rng.randint(600, 7 * 86400)),
                submitted_at=submitted,
                quality=min(98.0, max(30.0, rng.gauss(68, 9))),
            )
            if rng.random() < WITHDRAWN_SHARE:
                entry.state = State.WITHDRAWN
                entry.withdrawn_at = submitted + dt.timedelta(
                    seconds=rng.randint(3600, 14 * 86400)
                )
            entries.append(entry)
        return entries

    # Scoring and ranking, tier by tier (in memory) ---------------------------------

    TIER_WINDOWS = {  # (first sheet, last sheet, finalized from) as (month, day)
        Tier.AMPHOE: ((2, 1), (3, 15), (3, 18)),
        Tier.PROVINCE: ((4, 1), (5, 15), (5, 18)),
        Tier.CENTRAL: ((6, 1), (7, 5), (7, 8)),
    }
    TIER_BIAS = {Tier.AMPHOE: 0.0, Tier.PROVINCE: -1.5, Tier.CENTRAL: -3.0}  # stricter

    def climb(self, entries: list[Entry]) -> dict[str, list[PlannedRanking]]:
        """Every committee scores its queue, finalizes and approves the
        ranking; the top of each goes up; the centre awards all its queue."""
        self.sheets: list[Sheet] = []
        # (member, producer index) → when the member declared the conflict.
        self.conflicts: dict[tuple[int, int], dt.datetime] = {}
        rankings = {}
        queue = [e for e in entries if e.state == State.PENDING]
        for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL):
            by_area: dict[str, list[Entry]] = defaultdict(list)
            for entry in queue:
                area = {
                    Tier.AMPHOE: entry.place.amphoe,
                    Tier.PROVINCE: entry.place.province,
                }.get(tier, "")
                by_area[area].append(entry)
            bar = self._bar(f"scoring at {tier} tier", len(queue), "nominations")
            rankings[tier] = []
            for area in sorted(by_area):
                board = self.boards[f"{tier}:{area}"]
                rankings[tier].append(self.rank(board, tier, by_area[area]))
                bar.update(len(by_area[area]))
            bar.close()
            queue = [
                row.entry
                for ranking in rankings[tier]
                for row in ranking.rows
                if row.decision == RankingEntry.Decision.FORWARD
            ]
        return rankings

    def rank(self, board: Board, tier: str, queue: list[Entry]) -> PlannedRanking:
        rng = self.rng
        first, last, finalized_from = (
            dt.date(self.year, month, day) for month, day in self.TIER_WINDOWS[tier]
        )
        for entry in queue:
            if board.ordinary and rng.random() < CONFLICT_SHARE:
                member = rng.choice(board.ordinary)
                producer = self.product_producer[entry.product]
                self.conflicts.setdefault((member, producer), _at(first))
        rows = []
        for entry in queue:
            producer = self.product_producer[entry.product]
            scorers = [m for m in board.members if (m, producer) not in self.conflicts]
            sheets = []
            for member in scorers:
                level = entry.quality + board.bias[member] + self.TIER_BIAS[tier]
                halves = bytes(
                    min(20, max(0, round(2 * (level / 10 + rng.gauss(0, 0.8)))))
                    for _criterion in CRITERIA
                )
                sheets.append(
                    Sheet(entry, tier, board, member, halves, self._moment(first, last))
                )
            self.sheets += sheets
            n = len(sheets) or 1
            rows.append(
                Row(
                    entry=entry,
                    mean_total=_q(sum((s.total for s in sheets), Decimal(0)) / n),
                    mean_a=_q(sum((s.part("A") for s in sheets), Decimal(0)) / n),
                    mean_b=_q(sum((s.part("B") for s in sheets), Decimal(0)) / n),
                    mean_c=_q(sum((s.part("C") for s in sheets), Decimal(0)) / n),
                    sheet_count=len(sheets),
                    expected=len(scorers),
                )
            )
        # As selection.services.ranking_rows.
        rows.sort(
            key=lambda r: (-r.mean_total, -r.mean_c, -r.mean_b, r.entry.submitted_at)
        )
        finalized = self._moment(finalized_from, finalized_from + dt.timedelta(days=3))
        approved = finalized + dt.timedelta(seconds=rng.randint(3600, 3 * 86400))
        advance = {
            Tier.AMPHOE: self.amphoe_advance,
            Tier.PROVINCE: self.province_advance,
        }.get(tier)
        for position, row in enumerate(rows, start=1):
            entry = row.entry
            goes = advance is None or position <= advance
            row.decision = (
                RankingEntry.Decision.FORWARD
                if goes
                else RankingEntry.Decision.NOT_SELECTED
            )
            if tier == Tier.CENTRAL:
                entry.state = State.AWARDED
                entry.final_score = row.mean_total
                entry.stars = self.stars_for(row.mean_total)
                entry.awarded_at = approved + dt.timedelta(
                    days=2, seconds=60 * position
                )
            elif goes:
                entry.tier = NEXT_TIER[tier]
                if tier == Tier.PROVINCE:
                    entry.provincial_score = row.mean_total
            else:
                entry.state = State.NOT_SELECTED
        return PlannedRanking(board, tier, rows, finalized, approved)

    def stars_for(self, score: Decimal) -> int:
        # As Round.stars_for: the highest band the score reaches.
        return next((stars for low, stars in self.bands if low <= score), 1)

    # Writing the ladder --------------------------------------------------------------

    def write_ladder(self, round_, entries, rankings) -> None:
        self.forums_and_nominations(round_, entries)
        _bulk(
            ConflictDeclaration,
            [
                ConflictDeclaration(
                    user_id=member,
                    producer_id=self.producer_pks[producer],
                    reason="เป็นญาติกับประธานกลุ่มผู้ผลิต",
                    declared_at=declared,
                )
                for (member, producer), declared in self.conflicts.items()
            ],
        )
        self.write_sheets()
        self.write_rankings(round_, rankings)

    def forums_and_nominations(self, round_, entries: list[Entry]) -> None:
        rng = self.rng
        by_tambon: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            by_tambon[entry.place.code].append(entry)
        forums = {}
        for code, chosen in by_tambon.items():
            place = chosen[0].place
            held = dt.date(self.year - 1, 11, rng.randint(1, 30))
            names = " ".join(self.product_name[e.product] for e in chosen)
            forums[code] = TambonForum(
                round=round_,
                tambon_id=code,
                held_on=held,
                attendee_count=rng.randint(25, 180),
                resolution=f"ที่ประชุมประชาคมตำบล{place.name_th}มีมติคัดเลือก {names} "
                "เป็นผลิตภัณฑ์ OTOP ของตำบล",
                recorded_by_id=self.officers[place.amphoe],
                recorded_at=_at(held + dt.timedelta(days=1), rng.randint(0, 8 * 3600)),
            )
        _bulk(TambonForum, list(forums.values()))
        bar = self._bar("nominations", len(entries), "nominations")
        nominations = []
        for entry in entries:
            leaf = self.product_leaf[entry.product]
            nominations.append(
                Nomination(
                    round=round_,
                    product_id=self.product_pks[entry.product],
                    tier=entry.tier,
                    state=entry.state,
                    tambon_code=entry.place.code,
                    amphoe_code=entry.place.amphoe,
                    province_code=entry.place.province,
                    category_id=leaf.parent_id,
                    forum=forums[entry.place.code],
                    created_by_id=self.officers[entry.place.amphoe],
                    created_at=entry.created_at,
                    submitted_at=entry.submitted_at,
                    provincial_score=entry.provincial_score,
                    final_score=entry.final_score,
                    stars=entry.stars,
                    awarded_at=entry.awarded_at,
                )
            )
        _bulk(Nomination, nominations, bar)
        bar.close()
        for entry, nomination in zip(entries, nominations, strict=True):
            entry.pk = nomination.pk
            officer = self.officers[entry.place.amphoe]
            self.events.append(
                Event(
                    entry.created_at,
                    officer,
                    "created",
                    entry,
                    after=(Tier.TAMBON, State.DRAFT),
                )
            )
            self.events.append(
                Event(
                    entry.submitted_at,
                    officer,
                    "submitted",
                    entry,
                    before=(Tier.TAMBON, State.DRAFT),
                    after=(Tier.AMPHOE, State.PENDING),
                )
            )
            if entry.withdrawn_at is not None:
                self.events.append(
                    Event(
                        entry.withdrawn_at,
                        officer,
                        "withdrawn",
                        entry,
                        before=(Tier.AMPHOE, State.PENDING),
                        after=(Tier.AMPHOE, State.WITHDRAWN),
                    )
                )

    def write_sheets(self) -> None:
        field = Score._meta.get_field("points")
        points = [field.get_db_prep_save(Decimal(h) / 2, connection) for h in range(21)]
        bar = self._bar("score sheets", len(self.sheets), "sheets")
        for batch in _chunks(self.sheets):
            rows = [
                ScoreSheet(
                    nomination_id=s.entry.pk,
                    tier=s.tier,
                    committee_id=s.board.pk,
                    member_id=s.member,
                    status=ScoreSheet.Status.SUBMITTED,
                    total=s.total,
                    part_a=s.part("A"),
                    part_b=s.part("B"),
                    part_c=s.part("C"),
                    submitted_at=s.submitted_at,
                    updated_at=s.submitted_at,
                )
                for s in batch
            ]
            _bulk(ScoreSheet, rows)
            _insert_rows(
                Score,
                ("sheet", "criterion", "points"),
                [
                    (row.pk, criterion, points[half])
                    for s, row in zip(batch, rows, strict=True)
                    for criterion, half in zip(
                        self.criteria[s.tier], s.halves, strict=True
                    )
                ],
            )
            for s, row in zip(batch, rows, strict=True):
                self.events.append(
                    Event(
                        s.submitted_at,
                        s.member,
                        "sheet_submitted",
                        s.entry,
                        before=(s.tier, State.PENDING),
                        after=(s.tier, State.PENDING),
                        note=_("Total %(total)s") % {"total": row.total},
                    )
                )
            bar.update(len(batch))
        bar.close()
        del self.sheets

    def write_rankings(self, round_, rankings) -> None:
        planned = [r for tier in rankings.values() for r in tier]
        _bulk(
            Ranking,
            rows := [
                Ranking(
                    round=round_,
                    committee_id=r.board.pk,
                    tier=r.tier,
                    status=Ranking.Status.APPROVED,
                    finalized_by_id=r.board.secretary,
                    finalized_at=r.finalized_at,
                    approved_by_id=r.board.chair,
                    approved_at=r.approved_at,
                )
                for r in planned
            ],
        )
        for ranking, row in zip(planned, rows, strict=True):
            ranking.pk = row.pk
        _bulk(
            RankingEntry,
            [
                RankingEntry(
                    ranking_id=r.pk,
                    nomination_id=row.entry.pk,
                    position=position,
                    mean_total=row.mean_total,
                    mean_a=row.mean_a,
                    mean_b=row.mean_b,
                    mean_c=row.mean_c,
                    sheet_count=row.sheet_count,
                    expected_sheets=row.expected,
                    decision=row.decision,
                )
                for r in planned
                for position, row in enumerate(r.rows, start=1)
            ],
        )
        for r in planned:
            self._ranking_events(r)
        self.write_events()

    def _ranking_events(self, r: PlannedRanking) -> None:
        self.events.append(
            Event(
                r.finalized_at,
                r.board.secretary,
                "ranking_finalized",
                ranking=r,
                before=("", Ranking.Status.OPEN),
                after=("", Ranking.Status.FINALIZED),
                note=_("%(n)s nominations ranked") % {"n": len(r.rows)},
            )
        )
        next_tier = NEXT_TIER
        for position, row in enumerate(r.rows, start=1):
            if r.tier == Tier.CENTRAL:
                continue
            forwarded = row.decision == RankingEntry.Decision.FORWARD
            self.events.append(
                Event(
                    r.approved_at,
                    r.board.chair,
                    "forwarded" if forwarded else "not_selected",
                    row.entry,
                    ranking=r,
                    before=(r.tier, State.PENDING),
                    after=(next_tier[r.tier], State.PENDING)
                    if forwarded
                    else (r.tier, State.NOT_SELECTED),
                    note=_("Position %(position)s, mean %(mean)s")
                    % {"position": position, "mean": row.mean_total},
                )
            )
        self.events.append(
            Event(
                r.approved_at,
                r.board.chair,
                "ranking_approved",
                ranking=r,
                before=("", Ranking.Status.FINALIZED),
                after=("", Ranking.Status.APPROVED),
            )
        )
        if r.tier == Tier.CENTRAL:
            for row in r.rows:
                entry = row.entry
                self.events.append(
                    Event(
                        entry.awarded_at,
                        r.board.chair,
                        "awarded",
                        entry,
                        before=(Tier.CENTRAL, State.PENDING),
                        after=(Tier.CENTRAL, State.AWARDED),
                        note=_(AWARD_NOTE)
                        % {
                            "stars": entry.stars,
                            "score": entry.final_score,
                            "provincial": entry.provincial_score,
                        },
                    )
                )

    def write_events(self) -> None:
        """The audit trail in time order, as the services would have appended it."""
        self.events.sort(key=lambda e: e.at)
        bar = self._bar("ladder events", len(self.events), "events")
        for batch in _chunks(self.events):
            _bulk(
                NominationEvent,
                [
                    NominationEvent(
                        nomination_id=e.entry.pk if e.entry else None,
                        ranking_id=e.ranking.pk if e.ranking else None,
                        actor_id=e.actor,
                        action=e.action,
                        from_tier=e.before[0],
                        from_state=e.before[1],
                        to_tier=e.after[0],
                        to_state=e.after[1],
                        note=e.note,
                        at=e.at,
                    )
                    for e in batch
                ],
            )
            bar.update(len(batch))
        bar.close()
        self.events = []

    # The registry ------------------------------------------------------------------

    def publish(self, round_: Round, central: list[PlannedRanking]) -> None:
        """Every award published in central ranking order, as
        registry_publish_all does: numbered per province, snapshot of the
        product, producer and place at publication."""
        staff = User.objects.get(username=STAFF_USERNAME)
        order = [row.entry.pk for ranking in central for row in ranking.rows]
        nominations = Nomination.objects.select_related(
            "round",
            "product__producer__tambon__amphoe",
            "product__producer__tambon__province",
            "product__category__parent",
        ).prefetch_related("product__certifications__standard")
        found = {n.pk: n for n in nominations.filter(pk__in=order)}
        year_be = to_be(round_.year)
        counters: dict[str, int] = defaultdict(int)
        published = _at(self.round_dates["published"], 2 * 3600)
        bar = self._bar("registry", len(order), "entries")
        entries = []
        for i, pk in enumerate(order):
            nomination = found[pk]
            product = nomination.product
            tambon = product.producer.tambon
            counters[tambon.province_id] += 1
            certificates = sorted(
                product.certifications.all(), key=lambda c: c.standard.order
            )
            entries.append(
                RegistryEntry(
                    **entry_snapshot(nomination, certificates),
                    number=f"OTOP-{year_be}-{tambon.province_id}-"
                    f"{counters[tambon.province_id]:06d}",
                    published_at=published + dt.timedelta(seconds=20 * i),
                    published_by=staff,
                )
            )
        _bulk(RegistryEntry, entries, bar)
        bar.close()
        _bulk(
            RegistryEvent,
            [
                RegistryEvent(
                    entry=e, action="published", actor=staff, at=e.published_at
                )
                for e in entries
            ],
        )
        RegistryCounter.objects.bulk_create(
            RegistryCounter(year_be=year_be, province_code=code, last=last)
            for code, last in sorted(counters.items())
        )
