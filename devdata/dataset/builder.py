"""What every step of the builder shares: the seeded random source, the
places and categories read once, the round's time line, progress bars."""

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from tqdm import tqdm

from communities.models import Tambon
from devdata.dataset.constants import BANGKOK, OPC_PROVINCE_THRESHOLD, TYPE_WEIGHTS
from devdata.dataset.owned import DatasetConflict
from devdata.dataset.plan import Board, Event, Place
from devdata.words import FIRST_NAMES, SURNAMES
from products.models import Category, Standard
from selection.models import Preset


def _at(day: dt.date, seconds: int = 0) -> dt.datetime:
    """A Bangkok time ``seconds`` after 08:00 on ``day``."""
    start = dt.datetime.combine(day, dt.time(8), tzinfo=BANGKOK)
    return start + dt.timedelta(seconds=seconds)


class BuilderBase:
    """The state every step of the builder reads and fills (the steps are
    mixins over it, joined in ``generate._Builder``)."""

    def __init__(
        self,
        *,
        products: int,
        seed: int,
        year: int,
        amphoe_advance: int,
        province_advance: int,
        progress: bool,
        preset: str = Preset.LADDER,
        province_threshold: int = OPC_PROVINCE_THRESHOLD,
    ):
        self.n_products = products
        self.rng = random.Random(seed)  # noqa: S311 - repeatable test data
        self.year = year  # C.E., the round's fiscal year (October to September)
        self.amphoe_advance = amphoe_advance
        self.province_advance = province_advance
        self.preset = preset
        self.province_threshold = province_threshold
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
