"""Reading the public registry: filters, Thai text search and facet counts,
shared by the public pages, the JSON API and the downloads."""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from communities.models import Amphoe, Province
from communities.regions import REGIONS
from otop.buddhist_era import from_be
from products.models import Category
from registry.models import RegistryEntry, RegistryEvent

SORTS = {
    "stars": ("-stars", "name_th", "pk"),
    "name": ("name_th", "pk"),
    "newest": ("-published_at", "-pk"),
}
SEARCHED = ("name_th", "name_en", "producer_name_th", "producer_name_en", "tambon_th")


def known_codes() -> dict[str, frozenset[str]]:
    """Every province, amphoe and category code, in one query, cached for
    an hour (the geography and the category tree rarely change)."""
    codes = cache.get("registry:known-codes")
    if codes is None:
        kinds = [
            Province.objects.order_by()
            .annotate(kind=Value("province"))
            .values("kind", "code"),
            Amphoe.objects.order_by()
            .annotate(kind=Value("amphoe"))
            .values("kind", "code"),
            Category.objects.order_by()
            .annotate(kind=Value("category"))
            .values("kind", "code"),
        ]
        found = {"province": set(), "amphoe": set(), "category": set()}
        for row in kinds[0].union(*kinds[1:], all=True):
            found[row["kind"]].add(row["code"])
        codes = {kind: frozenset(values) for kind, values in found.items()}
        cache.set("registry:known-codes", codes, FACET_CACHE_SECONDS)
    return codes


def registry_stamp() -> tuple[int | None, object]:
    """``(last event id, its time)``: every publication and revocation writes
    an event, so this changes exactly when the listed registry changes. It
    keys caches and HTTP validators (ETag, Last-Modified) in one indexed query."""
    stamp = RegistryEvent.objects.aggregate(pk=Max("pk"), at=Max("at"))
    return stamp["pk"], stamp["at"]


@dataclass
class RegistryQuery:
    province: str = ""
    amphoe: str = ""
    category: str = ""
    stars: int | None = None
    round_year_be: int | None = None
    q: str = ""
    sort: str = "stars"
    problems: list[str] = field(default_factory=list)  # malformed, ignored
    unknown: list[str] = field(default_factory=list)  # well-formed, matches nothing

    @classmethod
    def from_params(cls, params) -> "RegistryQuery":
        """Read ``province``, ``amphoe``, ``category``, ``stars``, ``round``
        (B.E. year), ``q`` and ``sort``. A malformed value is left out and
        noted in ``problems``; a code no province, amphoe or category has is
        kept (it matches nothing) and noted in ``unknown``. The page shows
        both; the API answers 400 to either."""
        query = cls()
        query.province = params.get("province", "").strip()
        if query.province and not (
            query.province.isdigit() and len(query.province) == 2
        ):
            query.problems.append(_("Province must be a 2-digit code, e.g. 50."))
            query.province = ""
        query.amphoe = params.get("amphoe", "").strip()
        if query.amphoe and not (query.amphoe.isdigit() and len(query.amphoe) == 4):
            query.problems.append(_("Amphoe must be a 4-digit code, e.g. 5001."))
            query.amphoe = ""
        query.category = params.get("category", "").strip().upper()
        stars = params.get("stars", "").strip()
        if stars:
            if stars in {"1", "2", "3", "4", "5"}:
                query.stars = int(stars)
            else:
                query.problems.append(_("Stars must be a number from 1 to 5."))
        round_year = params.get("round", "").strip()
        if round_year:
            if round_year.isdigit() and 2540 <= int(round_year) <= 2700:
                query.round_year_be = int(round_year)
            else:
                query.problems.append(_("Round must be a B.E. year, e.g. 2569."))
        query.q = " ".join(params.get("q", "").split())[:100]
        sort = params.get("sort", "stars").strip() or "stars"
        if sort in SORTS:
            query.sort = sort
        else:
            query.problems.append(_("Sort by stars, name or newest."))
        query._check_known()
        return query

    def _check_known(self) -> None:
        checks = (
            ("province", self.province, _("No province has the code %(code)s.")),
            ("amphoe", self.amphoe, _("No amphoe has the code %(code)s.")),
            ("category", self.category, _("No category has the code %(code)s.")),
        )
        if not any(value for _kind, value, _message in checks):
            return
        known = known_codes()
        for kind, value, message in checks:
            if value and value not in known[kind]:
                self.unknown.append(message % {"code": value})

    def apply(self, queryset: QuerySet[RegistryEntry] | None = None):
        queryset = RegistryEntry.objects.listed() if queryset is None else queryset
        if self.province:
            queryset = queryset.filter(province_code=self.province)
        if self.amphoe:
            queryset = queryset.filter(amphoe_code=self.amphoe)
        if self.category:
            queryset = queryset.filter(
                Q(type_code=self.category) | Q(category_code=self.category)
            )
        if self.stars is not None:
            queryset = queryset.filter(stars=self.stars)
        if self.round_year_be is not None:
            queryset = queryset.filter(round_year=from_be(self.round_year_be))
        if self.q:
            queryset = search(queryset, self.q)
        return queryset.order_by(*SORTS[self.sort])


def search(queryset: QuerySet[RegistryEntry], text: str) -> QuerySet[RegistryEntry]:
    """Find ``text`` anywhere inside the names (Thai has no spaces between
    words, so "ดอยช้าง" must match "กาแฟดอยช้างคั่วกลาง"). ``icontains`` is
    ``ILIKE '%…%'``, which the pg_trgm GIN indexes serve on PostgreSQL."""
    condition = Q()
    for column in SEARCHED:
        condition |= Q(**{f"{column}__icontains": text})
    return queryset.filter(condition)


# name, grouped column, the query field the facet ignores, label expressions
FACETS = (
    ("province", "province_code", "province", (F("province_th"), F("province_en"))),
    ("category", "type_code", "category", None),
    ("stars", "stars", "stars", (Value(""), Value(""))),
    ("round", "round_year", "round_year_be", (Value(""), Value(""))),
)
AMPHOE_FACET = ("amphoe", "amphoe_code", "amphoe", (F("amphoe_th"), F("amphoe_en")))
FACET_CACHE_SECONDS = 3600


def facets(query: RegistryQuery) -> dict[str, list[dict]]:
    """Counts for each facet, each computed with the other filters applied
    (so choosing a province still shows every province's count), as
    ``{facet: [{"key", "label_th", "label_en", "count"}, …]}`` sorted by key.

    All facets come from one ``UNION ALL`` query, cached until the registry
    next changes (the cache key holds ``registry_stamp()``)."""
    stamp = registry_stamp()
    key = "registry:facets:" + _digest(stamp, query)
    cached = cache.get(key)
    if cached is not None:
        return cached
    branches = [_facet_branch(query, *facet) for facet in FACETS]
    if query.province:
        branches.append(_facet_branch(query, *AMPHOE_FACET))
    result = {name: [] for name, *_ in FACETS}
    if query.province:
        result["amphoe"] = []
    for row in branches[0].union(*branches[1:], all=True):
        result[row["facet"]].append(row)
    for rows in result.values():
        rows.sort(key=lambda row: row["key"])
    cache.set(key, result, FACET_CACHE_SECONDS)
    return result


def _facet_branch(query: RegistryQuery, name, column, drop, labels):
    others = RegistryQuery(**{**query.__dict__, drop: _empty(drop), "problems": []})
    if labels is None:  # product types: their names live in the category tree
        names = Category.objects.filter(code=OuterRef("type_code"))
        labels = (
            Subquery(names.values("name_th")[:1]),
            Subquery(names.values("name_en")[:1]),
        )
    return (
        others.apply()
        .order_by()
        .annotate(
            facet=Value(name),
            key=Cast(column, CharField()),
            label_th=Coalesce(labels[0], Value(""), output_field=CharField()),
            label_en=Coalesce(labels[1], Value(""), output_field=CharField()),
        )
        .values("facet", "key", "label_th", "label_en")
        .annotate(count=Count("pk"))
    )


def _digest(stamp: tuple, query: RegistryQuery) -> str:
    filters = {
        k: v for k, v in query.__dict__.items() if k not in {"problems", "unknown"}
    }
    text = repr((stamp, sorted(filters.items())))
    return hashlib.sha256(text.encode()).hexdigest()


def _empty(name: str):
    return None if name in {"stars", "round_year_be"} else ""


NEWEST_FIVE_STAR = 6
SUMMARY_FIELDS = (
    "number",
    "name_th",
    "name_en",
    "stars",
    "thumbnail",
    "province_th",
    "province_en",
    "published_at",
    "revoked_at",
)


def registry_summary(*, newest: int = NEWEST_FIVE_STAR) -> dict:
    """The home page's view of the registry: listed entries counted by stars
    and by region (one grouped query for both), and the newest five-star
    entries. Every region and every star level is present, zeros included."""
    rows = (
        RegistryEntry.objects.listed()
        .order_by()
        .values("stars", "region_code")
        .annotate(count=Count("pk"))
    )
    stars_count = dict.fromkeys(range(5, 0, -1), 0)
    region_count: dict[str, int] = {}
    for row in rows:
        stars_count[row["stars"]] += row["count"]
        region_count[row["region_code"]] = (
            region_count.get(row["region_code"], 0) + row["count"]
        )
    by_region = [
        {
            "code": region.code,
            "name_th": region.name_th,
            "name_en": region.name_en,
            "count": region_count.pop(region.code, 0),
        }
        for region in REGIONS
    ]
    by_region += [  # a code outside the six-region scheme
        {"code": code, "name_th": code, "name_en": code, "count": count}
        for code, count in sorted(region_count.items())
    ]
    newest_five_star = []
    if stars_count[5]:
        newest_five_star = list(
            RegistryEntry.objects.listed()
            .filter(stars=5)
            .only(*SUMMARY_FIELDS)
            .order_by("-published_at", "-pk")[:newest]
        )
    return {
        "total": sum(stars_count.values()),
        "by_stars": [
            {"stars": stars, "count": count} for stars, count in stars_count.items()
        ],
        "by_region": by_region,
        "newest_five_star": newest_five_star,
    }
