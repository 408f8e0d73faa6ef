"""Reading the public registry: filters, Thai text search and facet counts,
shared by the public pages, the JSON API and the downloads."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from otop.buddhist_era import from_be
from registry.models import RegistryEntry

SORTS = {
    "stars": ("-stars", "name_th", "pk"),
    "name": ("name_th", "pk"),
    "newest": ("-published_at", "-pk"),
}
SEARCHED = ("name_th", "name_en", "producer_name_th", "producer_name_en", "tambon_th")


class BadFilter(ValueError):
    """A filter value the registry cannot understand (a 400 in the API)."""


@dataclass
class RegistryQuery:
    province: str = ""
    amphoe: str = ""
    category: str = ""
    stars: int | None = None
    round_year_be: int | None = None
    q: str = ""
    sort: str = "stars"
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params) -> "RegistryQuery":
        """Read ``province``, ``amphoe``, ``category``, ``stars``, ``round``
        (B.E. year), ``q`` and ``sort``; every bad value is noted in
        ``problems`` (the page shows them, the API answers 400)."""
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
        return query

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


def facets(query: RegistryQuery) -> dict[str, list[dict]]:
    """Counts for each facet, each computed with the other filters applied
    (so choosing a province still shows every province's count)."""
    result = {}
    for name, column, drop in (
        ("province", "province_code", "province"),
        ("category", "type_code", "category"),
        ("stars", "stars", "stars"),
        ("round", "round_year", "round_year_be"),
    ):
        others = RegistryQuery(**{**query.__dict__, drop: _empty(drop), "problems": []})
        labels = ("province_th", "province_en") if name == "province" else ()
        rows = (
            others.apply()
            .order_by()
            .values(column, *labels)
            .annotate(count=Count("pk"))
            .order_by(column)
        )
        result[name] = list(rows)
    if query.province:
        amphoe_query = RegistryQuery(**{**query.__dict__, "amphoe": "", "problems": []})
        result["amphoe"] = list(
            amphoe_query.apply()
            .order_by()
            .values("amphoe_code", "amphoe_th", "amphoe_en")
            .annotate(count=Count("pk"))
            .order_by("amphoe_code")
        )
    return result


def _empty(name: str):
    return None if name in {"stars", "round_year_be"} else ""
