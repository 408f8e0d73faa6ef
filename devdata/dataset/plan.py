"""The world as planned in memory before it is written: places, committees
and the nominations' life on the ladder."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from devdata.dataset.constants import PARTS, State
from selection.models import Tier


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
    kind: str = "main"  # or a central subcommittee's kind
    type_code: str = ""  # the product type a subcommittee grades
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
    # Points per criterion of the tier, in half points (0-20), in CRITERIA's
    # order: a tier scoring parts A and B only has the first seven.
    halves: bytes
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
