"""The public registry: the list with facets, an entry's page, its printable
certificate and the downloads. Anyone may read them."""

import json

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.buddhist_era import display_year, to_be
from core.exports import stream_export
from core.page_cache import cached_for_visitors
from registry.models import RegistryEntry
from registry.resources import RegistryEntryResource
from registry.selectors import RegistryQuery, facets, registry_stamp

PAGE_SIZE = 24
CARD_FIELDS = (
    "number",
    "name_th",
    "name_en",
    "stars",
    "thumbnail",
    "producer_name_th",
    "tambon_th",
    "amphoe_th",
    "province_th",
    "published_at",
)
FILTERS = ("q", "province", "amphoe", "category", "stars", "round", "sort")
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@cached_for_visitors(version=registry_stamp)
def entry_list(request: HttpRequest) -> HttpResponse:
    query = RegistryQuery.from_params(request.GET)
    counts = facets(query)
    cards = query.apply().only(*CARD_FIELDS)
    page = CountedPaginator(cards, PAGE_SIZE, _total(query, counts)).get_page(
        request.GET.get("page")
    )
    for entry in page:
        entry.thumbnail_url = _media_url(entry.thumbnail)
    params = _kept_params(request.GET)
    groups = _facet_groups(counts, params)
    return render(
        request,
        "registry/entry_list.html",
        {
            "page": page,
            "registry_query": query,
            "facet_groups": groups,
            "active_filters": _active_filters(params, groups),
            "sorts": _sort_links(params, query.sort),
            "query": params.urlencode(),
            "export_query": _without(params, "sort").urlencode(),
            "search_hidden": [(k, v) for k, v in params.items() if k != "q"],
        },
    )


def entry_detail(request: HttpRequest, number: str) -> HttpResponse:
    entry = get_object_or_404(RegistryEntry, number=number)
    photo_url = _media_url(entry.photo)
    page_url = request.build_absolute_uri()
    image_url = request.build_absolute_uri(photo_url) if photo_url else ""
    return render(
        request,
        "registry/entry_detail.html",
        {
            "entry": entry,
            "photo_url": photo_url,
            "page_url": page_url,
            "image_url": image_url,
            "summary": _summary(entry),
            "json_ld": _json_ld(entry, page_url, image_url),
            "other_rounds": _other_rounds(entry),
        },
    )


def entry_certificate(request: HttpRequest, number: str) -> HttpResponse:
    entry = get_object_or_404(RegistryEntry, number=number)
    return render(request, "registry/entry_certificate.html", {"entry": entry})


def entry_export(request: HttpRequest, fmt: str) -> HttpResponse:
    entries = RegistryQuery.from_params(request.GET).apply()
    return stream_export(
        RegistryEntryResource(), entries, name="otop-registry", fmt=fmt
    )


class CountedPaginator(Paginator):
    """A paginator told the total, so it does not count the rows again."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


def _total(query: RegistryQuery, counts: dict[str, list[dict]]) -> int:
    """The stars facet drops only the stars filter: its rows add up to the
    result's size, or its chosen row is the result's size."""
    rows = counts["stars"]
    if query.stars is not None:
        rows = [row for row in rows if row["key"] == str(query.stars)]
    return sum(row["count"] for row in rows)


def _media_url(path: str) -> str:
    return default_storage.url(path) if path else ""


def _local(row: dict) -> str:
    english = row["label_en"]
    return english if get_language() == "en" and english else row["label_th"]


def _kept_params(params: QueryDict) -> QueryDict:
    kept = QueryDict(mutable=True)
    for name in FILTERS:
        value = params.get(name, "").strip()
        if value:
            kept[name] = value
    return kept


def _without(params: QueryDict, *names: str, **changes: str) -> QueryDict:
    changed = params.copy()
    for name in names:
        changed.pop(name, None)
    for name, value in changes.items():
        changed[name] = value
    return changed


def _option(params: QueryDict, name: str, value, label: str, count: int) -> dict:
    value = str(value)
    chosen = params.get(name) == value
    url = _without(params, name) if chosen else _without(params, **{name: value})
    if name == "province":
        url.pop("amphoe", None)  # an amphoe belongs to one province
    return {"label": label, "count": count, "url": url.urlencode(), "chosen": chosen}


def _facet_groups(counts: dict[str, list[dict]], params: QueryDict) -> list[dict]:
    def options(name: str, rows, label) -> list[dict]:
        return [
            _option(params, name, value, label(row), row["count"])
            for value, row in rows
        ]

    def keyed(name: str, convert=str, newest_first: bool = False):
        rows = [(convert(row["key"]), row) for row in counts[name]]
        return sorted(rows, key=lambda pair: pair[0], reverse=newest_first)

    groups = [
        {
            "param": "province",
            "title": _("Province"),
            "options": options("province", keyed("province"), _local),
        }
    ]
    if "amphoe" in counts:
        groups.append(
            {
                "param": "amphoe",
                "title": _("Amphoe"),
                "options": options("amphoe", keyed("amphoe"), _local),
            }
        )
    groups += [
        {
            "param": "category",
            "title": _("Product type"),
            "options": options(
                "category",
                keyed("category"),
                lambda row: _local(row) or row["key"],
            ),
        },
        {
            "param": "stars",
            "title": _("Stars"),
            "options": options(
                "stars",
                keyed("stars", int, newest_first=True),
                lambda row: "★" * int(row["key"]),
            ),
        },
        {
            "param": "round",
            "title": _("Round"),
            "options": options(
                "round",
                [
                    (to_be(year), row)
                    for year, row in keyed("round", int, newest_first=True)
                ],
                lambda row: str(display_year(int(row["key"]))),
            ),
        },
    ]
    return groups


def _active_filters(params: QueryDict, groups: list[dict]) -> list[dict]:
    """The chosen filters, each with a link that removes it."""
    labels = {
        group["param"]: {
            option["label"] for option in group["options"] if option["chosen"]
        }
        for group in groups
    }
    titles = {group["param"]: group["title"] for group in groups}
    titles.update({"q": _("Search"), "amphoe": _("Amphoe")})
    active = []
    for name in ("q", "province", "amphoe", "category", "stars", "round"):
        if name not in params:
            continue
        chosen = labels.get(name)
        label = next(iter(chosen)) if chosen else params[name]
        removed = _without(params, name, *(["amphoe"] if name == "province" else []))
        active.append(
            {"title": titles[name], "label": label, "url": removed.urlencode()}
        )
    return active


def _sort_links(params: QueryDict, current: str) -> list[dict]:
    names = {"stars": _("Stars"), "name": _("Name"), "newest": _("Newest")}
    return [
        {
            "label": label,
            "url": _without(params, sort=value).urlencode(),
            "chosen": value == current,
        }
        for value, label in names.items()
    ]


def _other_rounds(entry: RegistryEntry) -> list[RegistryEntry]:
    """The same product's entries from other rounds (republished), newest first."""
    others = list(
        RegistryEntry.objects.filter(product_id=entry.product_id)
        .exclude(pk=entry.pk)
        .only("number", "round_year", "stars", "revoked_at")
        .order_by("-round_year", "-pk")
    )
    for other in others:
        other.star_range = range(other.stars)
    return others


def _summary(entry: RegistryEntry) -> str:
    text = " ".join((entry.description or entry.story).split())
    return text[:197] + "…" if len(text) > 200 else text


def _json_ld(entry: RegistryEntry, page_url: str, image_url: str) -> str:
    """Schema.org Product data, escaped like ``json_script`` so no text in
    it can close the ``<script>`` element."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": entry.name_th,
        "alternateName": entry.name_en or None,
        "description": _summary(entry) or None,
        "productID": entry.number,
        "url": page_url,
        "image": image_url or None,
        "category": entry.category_en or entry.category_th,
        "manufacturer": {
            "@type": "Organization",
            "name": entry.producer_name_th,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": entry.amphoe_th,
                "addressRegion": entry.province_th,
                "addressCountry": "TH",
            },
        },
    }
    data = {key: value for key, value in data.items() if value is not None}
    text = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308 - escaped above
