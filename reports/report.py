"""The national report of a round (issue #10, point 5), built as plain data
that the print page and the XLSX download both render, so they always agree.

Every section is an aggregate query (or a few): the report costs the same
number of queries for ten nominations or for a whole country's round.

Definitions (also printed with the report):

* A nomination has *reached* a tier if it is there now or went further; a
  nomination the committee returned to the tambon counts as having reached
  the tier that returned it (as on the round dashboard).
* **Nominated**: nominations the tambon submitted to its district committee
  (reached the district tier), whatever happened to them afterwards,
  including those later returned, withdrawn or not selected. Drafts and
  drafts withdrawn before submission are not nominated.
* **Forwarded** by the district committees: nominations that reached the
  provincial tier; by the provincial committees: those that reached the
  central tier.
* **Awarded**: stars awarded by the central committee (by 1–5 stars).
* **Published**: registry entries of the round that are not revoked;
  revoked entries are counted apart.
* At each tier: *entered* (reached it), *forwarded* (went on; at the centre:
  awarded), *not selected*, *returned or withdrawn*, and *in progress* (the
  rest: waiting or being scored; at the tambon: drafts).
* Certificates count when valid on the report date, or for a round whose
  central deadline has passed, on that deadline.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from communities.models import Producer, Province
from core.tiers import ORDER as TIER_RANK
from products.models import Certification, RawMaterial
from registry.models import RegistryEntry
from selection.models import (
    Nomination,
    NominationEvent,
    Round,
    ScoreSheet,
    TambonForum,
    Tier,
)
from support.budget import BudgetLine, budget_rollup, budget_total
from support.models import SupportKind

State = Nomination.State
STARS = (1, 2, 3, 4, 5)
TIERS = tuple(Tier)  # in the ladder's order (core.tiers)
# Submitted into the ladder: anywhere but the tambon, or back there from a
# committee (returned, or returned and then withdrawn).
NOMINATED = ~Q(tier=Tier.TAMBON, returned_from="")
BUDGET_BY = ("tier", "region", "province", "kind", "source")


@dataclass
class TierRow:
    tier: str
    label: str
    entered: int = 0
    forwarded: int = 0  # at the centre: awarded
    not_selected: int = 0
    returned_or_withdrawn: int = 0

    @property
    def in_progress(self) -> int:
        return (
            self.entered
            - self.forwarded
            - self.not_selected
            - self.returned_or_withdrawn
        )


@dataclass
class ProvinceRow:
    code: str
    name: str
    region: str
    nominated: int = 0
    forwarded_by_districts: int = 0  # reached the provincial tier
    forwarded_by_province: int = 0  # reached the central tier
    stars: dict[int, int] = field(default_factory=lambda: dict.fromkeys(STARS, 0))
    published: int = 0

    @property
    def awarded(self) -> int:
        return sum(self.stars.values())

    @property
    def stars_list(self) -> list[int]:
        return [self.stars[s] for s in STARS]

    def add(self, other: "ProvinceRow") -> None:
        self.nominated += other.nominated
        self.forwarded_by_districts += other.forwarded_by_districts
        self.forwarded_by_province += other.forwarded_by_province
        self.published += other.published
        for s in STARS:
            self.stars[s] += other.stars[s]


@dataclass
class StarRow:
    stars: int
    awarded: int = 0
    published: int = 0
    revoked: int = 0


@dataclass
class Figure:
    key: str
    label: str
    value: int | Decimal


@dataclass
class Objective:
    number: int
    title_th: str  # the programme's official Thai title
    title_en: str
    figures: list[Figure]


@dataclass
class BudgetSection:
    by: str
    title: str
    lines: list[BudgetLine]


@dataclass
class NationalReport:
    round: Round
    generated_at: dt.datetime
    certificates_on: dt.date
    tiers: list[TierRow]
    provinces: list[ProvinceRow]
    province_total: ProvinceRow
    stars: list[StarRow]
    objectives: list[Objective]
    budget: list[BudgetSection]
    budget_total: BudgetLine
    revoked: int = 0

    def figure(self, key: str) -> int | Decimal:
        for objective in self.objectives:
            for item in objective.figures:
                if item.key == key:
                    return item.value
        raise KeyError(key)


# The five objectives of the OTOP programme. Their Thai titles are the
# official ones and stay Thai literals; the English beside them is ours.
OBJECTIVES = (
    (1, "สร้างงาน สร้างรายได้ให้แก่ชุมชน", "Create jobs and income for communities"),
    (2, "สร้างความเข้มแข็งให้ชุมชน", "Strengthen communities"),
    (3, "ส่งเสริมภูมิปัญญาท้องถิ่น", "Promote local wisdom"),
    (4, "ส่งเสริมการพัฒนาทรัพยากรมนุษย์", "Promote human resource development"),
    (
        5,
        "ส่งเสริมความคิดสร้างสรรค์ในการพัฒนาผลิตภัณฑ์",
        "Promote creativity in product development",
    ),
)

DEFINITIONS = (
    gettext_lazy(
        "Nominated: nominations the tambon submitted to its district committee, "
        "whatever happened to them afterwards (returned, withdrawn or not "
        "selected included). Drafts are not nominated."
    ),
    gettext_lazy(
        "Forwarded by the district committees: nominations that reached the "
        "provincial tier; by the provincial committees: nominations that "
        "reached the central tier. A nomination returned to the tambon counts "
        "at the tier that returned it."
    ),
    gettext_lazy("Awarded: stars awarded by the central committee."),
    gettext_lazy(
        "Published: registry entries of the round that are not revoked; "
        "revoked entries are counted apart."
    ),
    gettext_lazy(
        "At each tier, in progress means waiting or being scored (at the "
        "tambon: drafts not yet submitted)."
    ),
    gettext_lazy(
        "Certificates count when valid on the report date, or on the central "
        "deadline once it has passed. Budgets count the support plans their "
        "committee's chair approved, without cancelled actions."
    ),
)


def _reached(tier: str, returned_from: str) -> str:
    return returned_from if tier == Tier.TAMBON and returned_from else tier


def _ladder(round_: Round, provinces: dict[str, ProvinceRow]):
    """Tier rows and per-province counts from one grouped query."""
    tier_labels = dict(Tier.choices)
    in_plan = set(round_.plan.tiers)  # a tier the plan skips has no row
    tiers = {t: TierRow(tier=t, label=str(tier_labels[t])) for t in TIERS}
    groups = (
        Nomination.objects.filter(round=round_)
        .values("province_code", "tier", "state", "returned_from", "stars")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in groups:
        n = group["n"]
        reached = _reached(group["tier"], group["returned_from"])
        rank = TIER_RANK[reached]
        state = group["state"]
        row = provinces.get(group["province_code"])
        if row is None:  # a code no province has: still counted, by its code
            row = provinces[group["province_code"]] = ProvinceRow(
                code=group["province_code"], name=group["province_code"], region=""
            )
        for tier in TIERS[: rank + 1]:
            if tier not in in_plan:
                continue
            tiers[tier].entered += n
            if TIER_RANK[tier] < rank:
                tiers[tier].forwarded += n
        if state == State.AWARDED:
            tiers[TIERS[-1]].forwarded += n  # the top tier's forward is its award
            row.stars[group["stars"]] += n
        elif state == State.NOT_SELECTED:
            tiers[reached].not_selected += n
        elif state in (State.RETURNED, State.WITHDRAWN):
            tiers[reached].returned_or_withdrawn += n
        row.nominated += n if rank >= 1 else 0
        row.forwarded_by_districts += n if rank >= 2 else 0
        row.forwarded_by_province += n if rank >= 3 else 0
    return [tiers[t] for t in TIERS if t in in_plan]


def _registry(round_: Round, provinces: dict[str, ProvinceRow], stars):
    """Published and revoked entries by province and stars (one query)."""
    revoked_total = 0
    groups = (
        RegistryEntry.objects.filter(nomination__round=round_)
        .values("province_code", "stars")
        .annotate(
            listed=Count("pk", filter=Q(revoked_at__isnull=True)),
            revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
        )
        .order_by()
    )
    for group in groups:
        row = provinces.get(group["province_code"])
        if row is None:
            row = provinces[group["province_code"]] = ProvinceRow(
                code=group["province_code"], name=group["province_code"], region=""
            )
        row.published += group["listed"]
        stars[group["stars"]].published += group["listed"]
        stars[group["stars"]].revoked += group["revoked"]
        revoked_total += group["revoked"]
    return revoked_total


def _objectives(round_: Round, on: dt.date, kinds: dict[str, BudgetLine]):
    nominated = Nomination.objects.filter(round=round_).filter(NOMINATED)
    awarded_here = Nomination.objects.filter(
        round=round_, state=State.AWARDED, product__producer=OuterRef("pk")
    )
    community = Q(kind=Producer.Kind.COMMUNITY)
    won = Q(has_award=True)
    producers = (
        Producer.objects.filter(pk__in=nominated.values("product__producer"))
        .annotate(has_award=Exists(awarded_here))
        .aggregate(
            all=Count("pk"),
            members=Sum("member_count"),
            awarded=Count("pk", filter=won),
            awarded_members=Sum("member_count", filter=won),
            community=Count("pk", filter=community),
            community_members=Sum("member_count", filter=community),
            community_awarded=Count("pk", filter=community & won),
        )
    )
    story, awarded = ~Q(product__story=""), Q(state=State.AWARDED)
    local = Q(has_local=True)
    certified = Q(has_certificate=True)
    products = (
        nominated.annotate(
            has_local=Exists(
                RawMaterial.objects.filter(product=OuterRef("product"), is_local=True)
            ),
            has_certificate=Exists(
                Certification.objects.filter(product=OuterRef("product")).valid_on(on)
            ),
        )
        .order_by()
        .aggregate(
            all=Count("pk"),
            story=Count("pk", filter=story),
            story_awarded=Count("pk", filter=story & awarded),
            local=Count("pk", filter=local),
            local_awarded=Count("pk", filter=local & awarded),
            certified=Count("pk", filter=certified),
            certified_awarded=Count("pk", filter=certified & awarded),
        )
    )
    forums = TambonForum.objects.filter(round=round_).aggregate(
        forums=Count("pk"), attendees=Sum("attendee_count")
    )
    officers = NominationEvent.objects.filter(
        nomination__round=round_, action__in=("submitted", "resubmitted")
    ).aggregate(n=Count("actor", distinct=True))
    sheets = ScoreSheet.objects.filter(
        nomination__round=round_, status=ScoreSheet.Status.SUBMITTED
    ).aggregate(
        members=Count("member", distinct=True),
        committees=Count("committee", distinct=True),
        sheets=Count("pk"),
    )
    name_suffix = "en" if get_language() == "en" else "th"
    standards = list(
        Certification.objects.filter(product__in=nominated.values("product"))
        .valid_on(on)
        .values("standard__code", "standard__name_th", "standard__name_en")
        .annotate(products=Count("product", distinct=True))
        .order_by("standard__order", "standard__code")
    )

    def line(kind: str, attr: str) -> int | Decimal:
        found = kinds.get(kind)
        if found is None:
            return 0 if attr == "actions" else Decimal("0.00")
        return getattr(found, attr)

    figures = {
        1: [
            Figure(
                "producers", _("Producers with a nominated product"), producers["all"]
            ),
            Figure(
                "producer_members",
                _("Members of these producers"),
                producers["members"] or 0,
            ),
            Figure(
                "producers_awarded",
                _("Producers with an awarded product"),
                producers["awarded"],
            ),
            Figure(
                "producer_members_awarded",
                _("Members of producers with an awarded product"),
                producers["awarded_members"] or 0,
            ),
        ],
        2: [
            Figure(
                "community_producers",
                _("Community groups and enterprises with a nominated product"),
                producers["community"],
            ),
            Figure(
                "community_members",
                _("Members of these community groups and enterprises"),
                producers["community_members"] or 0,
            ),
            Figure(
                "community_producers_awarded",
                _("Community groups and enterprises with an awarded product"),
                producers["community_awarded"],
            ),
        ],
        3: [
            Figure("products", _("Nominated products"), products["all"]),
            Figure(
                "products_story",
                _("Nominated products with a local-wisdom story"),
                products["story"],
            ),
            Figure(
                "products_story_awarded",
                _("Awarded products with a local-wisdom story"),
                products["story_awarded"],
            ),
            Figure(
                "products_local",
                _("Nominated products using local raw materials"),
                products["local"],
            ),
            Figure(
                "products_local_awarded",
                _("Awarded products using local raw materials"),
                products["local_awarded"],
            ),
        ],
        4: [
            Figure("forums", _("Tambon forums held"), forums["forums"]),
            Figure(
                "forum_attendees",
                _("People who took part in the forums"),
                forums["attendees"] or 0,
            ),
            Figure(
                "officers",
                _("Community development officers who submitted nominations"),
                officers["n"],
            ),
            Figure(
                "committee_members",
                _("Committee members who submitted score sheets"),
                sheets["members"],
            ),
            Figure("committees", _("Committees that scored"), sheets["committees"]),
            Figure("score_sheets", _("Score sheets submitted"), sheets["sheets"]),
            Figure(
                "training_actions",
                _("Support actions: training"),
                line(SupportKind.TRAINING, "actions"),
            ),
        ],
        5: [
            Figure(
                "products_certified",
                _("Nominated products holding a valid standard certificate"),
                products["certified"],
            ),
            Figure(
                "products_certified_awarded",
                _("Awarded products holding a valid standard certificate"),
                products["certified_awarded"],
            ),
            *[
                Figure(
                    f"standard_{row['standard__code']}",
                    _("Nominated products certified: %(standard)s")
                    % {"standard": row[f"standard__name_{name_suffix}"]},
                    row["products"],
                )
                for row in standards
            ],
            Figure(
                "packaging_actions",
                _("Support actions: packaging and design"),
                line(SupportKind.PACKAGING, "actions"),
            ),
            Figure(
                "packaging_budget",
                _("Budget for packaging and design (baht)"),
                line(SupportKind.PACKAGING, "total"),
            ),
            Figure(
                "production_actions",
                _("Support actions: production technology"),
                line(SupportKind.PRODUCTION, "actions"),
            ),
        ],
    }
    return [
        Objective(number, title_th, title_en, figures[number])
        for number, title_th, title_en in OBJECTIVES
    ]


def _budget(round_: Round) -> tuple[list[BudgetSection], BudgetLine]:
    titles = {
        "tier": _("Budget by tier"),
        "region": _("Budget by region"),
        "province": _("Budget by province"),
        "kind": _("Budget by kind of support"),
        "source": _("Budget by funding source"),
    }
    sections = [
        BudgetSection(
            by=by, title=titles[by], lines=budget_rollup(round_, by, approved_only=True)
        )
        for by in BUDGET_BY
    ]
    return sections, budget_total(round_, approved_only=True)


def national_report(round_: Round, *, now: dt.datetime | None = None) -> NationalReport:
    """The whole report of ``round_`` (a constant number of queries)."""
    now = now or timezone.now()
    on = min(timezone.localdate(now), round_.central_deadline)
    provinces = {
        p.code: ProvinceRow(code=p.code, name=p.name, region=p.region.name)
        for p in Province.objects.select_related("region").order_by("code")
    }
    tiers = _ladder(round_, provinces)
    stars = {s: StarRow(stars=s) for s in STARS}
    revoked = _registry(round_, provinces, stars)
    province_rows = sorted(provinces.values(), key=lambda r: r.code)
    total = ProvinceRow(code="", name=_("Whole country"), region="")
    for row in province_rows:
        total.add(row)
    for s in STARS:
        stars[s].awarded = total.stars[s]
    budget, grand_total = _budget(round_)
    kinds = {
        line.key: line
        for section in budget
        if section.by == "kind"
        for line in section.lines
    }
    return NationalReport(
        round=round_,
        generated_at=now,
        certificates_on=on,
        tiers=tiers,
        provinces=province_rows,
        province_total=total,
        stars=[stars[s] for s in reversed(STARS)],
        objectives=_objectives(round_, on, kinds),
        budget=budget,
        budget_total=grand_total,
        revoked=revoked,
    )
