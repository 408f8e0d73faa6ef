"""The registry's open JSON API: read-only, anonymous, cacheable.

Field names here are a public contract (README, OpenAPI at /api/schema/):
add fields if needed, never rename or remove one.
"""

import datetime as dt
import hashlib

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.renderers import JSONRenderer

from core.buddhist_era import to_be
from core.numbers import is_whole_number
from registry.models import RegistryEntry
from registry.selectors import SORTS, RegistryQuery, registry_stamp

router = Router(tags=["registry"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_AGE = 60  # seconds a client or proxy may reuse an answer unasked
PAGE_CACHE_SECONDS = 3600  # keyed by the registry's stamp: never stale


class Filters(Schema):
    """The registry page's filters; a bad value is a 400 with the reason."""

    province: str | None = Field(
        None, description="Province code (2 digits, DOPA), e.g. 50."
    )
    amphoe: str | None = Field(None, description="Amphoe code (4 digits), e.g. 5001.")
    category: str | None = Field(
        None, description="Product type or category code, e.g. FOOD or FOOD-SNACK."
    )
    stars: str | None = Field(None, description="Stars, 1 to 5.")
    round: str | None = Field(
        None, description="The round's Buddhist-Era year, e.g. 2569."
    )
    q: str | None = Field(
        None,
        description="Text found anywhere in the Thai or English names of the "
        "product or producer, or the tambon's name (Thai words inside words too).",
    )
    sort: str | None = Field(
        None, description=f"One of: {', '.join(SORTS)} (default stars)."
    )
    page: str | None = Field(
        None,
        description="Page number from 1 to the last page, pages (default 1); "
        "any other value is a 400.",
    )
    page_size: str | None = Field(
        None, description=f"Entries per page, 1 to {MAX_PAGE_SIZE} (default 50)."
    )


class Place(Schema):
    code: str
    name_th: str
    name_en: str


class Location(Schema):
    tambon: Place
    amphoe: Place
    province: Place
    region: str = Field(description="Region code, e.g. north, northeast.")


class Category(Schema):
    type: str = Field(description="Product type code (the category's parent).")
    code: str
    name_th: str
    name_en: str


class Producer(Schema):
    name_th: str
    name_en: str
    phone: str
    email: str


class Certificate(Schema):
    standard: str = Field(description="Standard code, e.g. MCS (มผช.).")
    standard_th: str
    standard_en: str
    number: str
    issued_on: dt.date | None
    expires_on: dt.date | None


class Entry(Schema):
    number: str = Field(description="Registry number OTOP-<B.E. year>-<province>-<n>.")
    url: str = Field(description="The entry's public page.")
    name_th: str
    name_en: str
    description: str
    story: str = Field(description="The product's local-wisdom story.")
    category: Category
    stars: int = Field(ge=1, le=5)
    score: float = Field(description="Final score at the central tier (0–100).")
    round: int = Field(description="The round's Buddhist-Era year.")
    producer: Producer
    location: Location
    photo_url: str | None
    thumbnail_url: str | None
    certificates: list[Certificate] = Field(
        description="Certificates held when the entry was published."
    )
    published_at: dt.datetime
    revoked: bool
    revoked_at: dt.datetime | None
    revoke_reason: str


class EntryPage(Schema):
    count: int = Field(description="Entries matching the filters, on all pages.")
    page: int
    pages: int
    next: str | None = Field(description="The next page's URL, or null.")
    previous: str | None = Field(description="The previous page's URL, or null.")
    results: list[Entry]


class Problem(Schema):
    detail: str
    errors: list[str] = []


def get_and_head(path: str, **options):
    """A GET route that answers HEAD too, as HTTP asks (the body is dropped by
    core.middleware.ApiAnswersMiddleware); the OpenAPI document lists the GET."""

    def register(view):
        router.add_api_operation(
            path,
            ["HEAD"],
            view,
            response=options["response"],
            include_in_schema=False,
        )
        return router.get(path, **options)(view)

    return register


@get_and_head(
    "/registry/",
    response={200: EntryPage, 304: None, 400: Problem},
    summary="List published registry entries",
    description="Listed (not revoked) entries with the same filters as /registry/, "
    "paginated. Answers carry ETag and Last-Modified; send If-None-Match or "
    "If-Modified-Since to get 304 when nothing changed.",
)
def registry_list(request: HttpRequest, filters: Query[Filters]):
    query = RegistryQuery.from_params(request.GET)
    page_number = _positive(request.GET.get("page"), 1, None)
    page_size = _positive(request.GET.get("page_size"), PAGE_SIZE, MAX_PAGE_SIZE)
    problems = query.problems + query.unknown
    if page_number is None:
        problems.append(_("Page must be a whole number from 1."))
    if page_size is None:
        problems.append(
            _("Page size must be a whole number from 1 to %(max)d.")
            % {"max": MAX_PAGE_SIZE}
        )
    if problems:
        return Status(
            400, {"detail": _("Some filters are not valid."), "errors": problems}
        )
    stamp = registry_stamp()
    not_modified = _not_modified(request, stamp, request.GET.urlencode())
    if not_modified:
        return not_modified
    key = "registry:api:" + _etag(stamp, request.build_absolute_uri()).strip('"')
    page = cache.get(key)
    if page is None:
        try:
            body = _list_body(request, query, page_number, page_size)
        except PastTheLastPage as past:
            return Status(400, past.problem)
        page = JSONRenderer().render(
            request, EntryPage.model_validate(body).model_dump(), response_status=200
        )
        cache.set(key, page, PAGE_CACHE_SECONDS)
    answer = HttpResponse(page, content_type="application/json; charset=utf-8")
    _cache_headers(answer, stamp, request.GET.urlencode())
    return answer


class PastTheLastPage(Exception):
    """A page after the last one: a 400 naming the last page, as a page that
    is not a whole number from 1 is (page 1 always exists, empty or not)."""

    def __init__(self, page: int, pages: int):
        self.problem = {
            "detail": _("Some filters are not valid."),
            "errors": [
                _("Page %(page)s is past the last page, %(pages)s.")
                % {"page": page, "pages": pages}
            ],
        }


def _list_body(request, query: RegistryQuery, page_number: int, page_size: int):
    entries = query.apply()
    count = entries.count()
    pages = max(1, -(-count // page_size))
    if page_number > pages:
        raise PastTheLastPage(page_number, pages)
    start = (page_number - 1) * page_size
    rows = list(entries[start : start + page_size])
    body = {
        "count": count,
        "page": page_number,
        "pages": pages,
        "next": _page_url(request, page_number + 1) if page_number < pages else None,
        "previous": _page_url(request, page_number - 1) if page_number > 1 else None,
        "results": [entry_data(request, entry) for entry in rows],
    }
    return body


@get_and_head(
    "/registry/{number}/",
    response={200: Entry, 304: None, 400: Problem, 404: Problem},
    summary="One registry entry",
    description="Revoked entries are answered too, with revoked true. A number "
    "holding a control character is a 400.",
)
def registry_detail(request: HttpRequest, number: str, response: HttpResponse):
    entry = get_object_or_404(RegistryEntry, number=number)
    changed = entry.revoked_at or entry.published_at
    stamp = (entry.pk, changed)
    not_modified = _not_modified(request, stamp, "")
    if not_modified:
        return not_modified
    _cache_headers(response, stamp, "")
    return Status(200, entry_data(request, entry))


def entry_data(request: HttpRequest, entry: RegistryEntry) -> dict:
    return {
        "number": entry.number,
        "url": request.build_absolute_uri(
            reverse("registry:detail", args=[entry.number])
        ),
        "name_th": entry.name_th,
        "name_en": entry.name_en,
        "description": entry.description,
        "story": entry.story,
        "category": {
            "type": entry.type_code,
            "code": entry.category_code,
            "name_th": entry.category_th,
            "name_en": entry.category_en,
        },
        "stars": entry.stars,
        "score": float(entry.final_score),
        "round": to_be(entry.round_year),
        "producer": {
            "name_th": entry.producer_name_th,
            "name_en": entry.producer_name_en,
            "phone": entry.producer_phone,
            "email": entry.producer_email,
        },
        "location": {
            "tambon": _place(entry, "tambon"),
            "amphoe": _place(entry, "amphoe"),
            "province": _place(entry, "province"),
            "region": entry.region_code,
        },
        "photo_url": _media(request, entry.photo),
        "thumbnail_url": _media(request, entry.thumbnail),
        "certificates": [
            {
                "standard": cert.get("standard", ""),
                "standard_th": cert.get("standard_th", ""),
                "standard_en": cert.get("standard_en", ""),
                "number": cert.get("number", ""),
                "issued_on": cert.get("issued_on") or None,
                "expires_on": cert.get("expires_on") or None,
            }
            for cert in entry.certificates
        ],
        "published_at": entry.published_at,
        "revoked": entry.revoked_at is not None,
        "revoked_at": entry.revoked_at,
        "revoke_reason": entry.revoke_reason,
    }


def _place(entry: RegistryEntry, level: str) -> dict:
    return {
        "code": getattr(entry, f"{level}_code"),
        "name_th": getattr(entry, f"{level}_th"),
        "name_en": getattr(entry, f"{level}_en"),
    }


def _media(request: HttpRequest, path: str) -> str | None:
    return request.build_absolute_uri(default_storage.url(path)) if path else None


def _positive(text: str | None, default: int, most: int | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return default
    if not is_whole_number(text) or int(text) < 1 or (most and int(text) > most):
        return None
    return int(text)


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _etag(stamp: tuple, variant: str) -> str:
    digest = hashlib.sha256(f"{stamp[0]}|{stamp[1]}|{variant}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def _last_modified(stamp: tuple) -> int | None:
    return int(stamp[1].timestamp()) if stamp[1] else None  # HTTP has seconds


def _not_modified(request: HttpRequest, stamp: tuple, variant: str):
    """A 304 when the client's copy is current (If-None-Match wins over
    If-Modified-Since, as HTTP says)."""
    response = get_conditional_response(
        request, etag=_etag(stamp, variant), last_modified=_last_modified(stamp)
    )
    if response is not None:
        _cache_headers(response, stamp, variant)
    return response


def _cache_headers(response: HttpResponse, stamp: tuple, variant: str) -> None:
    response["ETag"] = _etag(stamp, variant)
    if stamp[1]:
        response["Last-Modified"] = http_date(_last_modified(stamp))
    patch_cache_control(response, public=True, max_age=MAX_AGE)
