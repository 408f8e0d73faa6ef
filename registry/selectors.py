"""Reading the public registry: filters, Thai text search and facet counts,
shared by the public pages, the JSON API and the downloads."""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from communities.models import Amphoe, Province
from communities.regions import REGIONS
from core.buddhist_era import from_be
from core.numbers import is_whole_number
from products.models import Category
from registry.models import RegistryEntry, RegistryEvent

SORTS = {
    "stars": ("-stars", "name_th", "pk"),
    "name": ("name_th", "pk"),
    "newest": ("-published_at", "-pk"),
}
SEARCHED = ("name_th", "name_en", "producer_name_th", "producer_name_en", "tambon_th")


def reference_names() -> dict[str, dict[str, tuple[str, str]]]:
    """``{"province"|"amphoe"|"category": {code: (name_th, name_en)}}`` for
    every province, amphoe and category, in one query, cached for an hour
    (the geography and the category tree rarely change). Facet labels and
    the check for unknown codes read it instead of joining per row."""
    names = cache.get("registry:reference-names")
    if names is None:
        kinds = [
            model.objects.order_by()
            .annotate(kind=Value(kind))
            .values("kind", "code", "name_th", "name_en")
            for kind, model in (
                ("province", Province),
                ("amphoe", Amphoe),
                ("category", Category),
            )
        ]
        names = {"province": {}, "amphoe": {}, "category": {}}
        for row in kinds[0].union(*kinds[1:], all=True):
            names[row["kind"]][row["code"]] = (row["name_th"], row["name_en"])
        cache.set("registry:reference-names", names, FACET_CACHE_SECONDS)
    return names


def registry_stamp() -> tuple[int | None, object]:
    """``(last event id, its time)``: every publication and revocation writes
    an event, so this changes exactly when the listed registry changes. It
    keys caches and HTTP validators (ETag, Last-Modified). Events are only
    ever added, so the newest by primary key is the last change: one
    backward index step, whatever the table's size."""
    last = RegistryEvent.objects.order_by("-pk").values_list("pk", "at").first()
    return last if last is not None else (None, None)


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
            is_whole_number(query.province) and len(query.province) == 2
        ):
            query.problems.append(_("Province must be a 2-digit code, e.g. 50."))
            query.province = ""
        query.amphoe = params.get("amphoe", "").strip()
        if query.amphoe and not (
            is_whole_number(query.amphoe) and len(query.amphoe) == 4
        ):
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
            if is_whole_number(round_year) and 2540 <= int(round_year) <= 2700:
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
        known = reference_names()
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


# name, grouped column, the query field the facet ignores, where labels come from
FACETS = (
    ("province", "province_code", "province", "province"),
    ("category", "type_code", "category", "category"),
    ("stars", "stars", "stars", None),
    ("round", "round_year", "round_year_be", None),
)
AMPHOE_FACET = ("amphoe", "amphoe_code", "amphoe", "amphoe")
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
    facets_used = list(FACETS)
    if query.province:
        branches.append(_facet_branch(query, *AMPHOE_FACET))
        facets_used.append(AMPHOE_FACET)
    result = {name: [] for name, *_ in facets_used}
    for row in branches[0].union(*branches[1:], all=True):
        result[row["facet"]].append(row)
    names = reference_names()
    for name, _column, _drop, labels in facets_used:
        for row in result[name]:
            row["label_th"], row["label_en"] = (
                names[labels].get(row["key"], (row["key"], row["key"]))
                if labels
                else ("", "")
            )
        result[name].sort(key=lambda row: row["key"])
    cache.set(key, result, FACET_CACHE_SECONDS)
    return result


def _facet_branch(query: RegistryQuery, name, column, drop, _labels):
    """One facet's counts: plain ``GROUP BY`` of one column (labels are added
    from ``reference_names()``, never joined per row)."""
    others = RegistryQuery(**{**query.__dict__, drop: _empty(drop)})
    return (
        others.apply()
        .order_by()
        .annotate(facet=Value(name), key=Cast(column, CharField()))
        .values("facet", "key")
        .annotate(count=Count("*"))  # not COUNT(id): the facet index covers it
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
