import logging
import re
import sys
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_problem(detail: str, *, status: int, errors=()) -> JsonResponse:
    """The API's error shape (``registry.api.Problem``): what went wrong and,
    for a 400, each reason."""
    return JsonResponse(
        {"detail": detail, "errors": list(errors)},
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


# Hostile input ----------------------------------------------------------------------

# Unicode's control characters (Cc: C0, DEL and C1). A query value may hold
# TAB, LF and CR (text pasted into a search box); no path of the portal does.
CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_QUERY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
BAD_CHARACTERS = (
    "คำขอมีอักขระที่ใช้ไม่ได้",
    "The request contains characters that cannot be used.",
)
TOO_LONG = ("คำขอยาวเกินกว่าที่ระบบรับได้", "The request is longer than the portal accepts.")


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: for people, Thai first; for programs, the
    reason naming where (English, the API's ``errors``)."""

    title: tuple[str, str]  # Thai, English
    reason: str

    @property
    def detail(self) -> str:
        return " · ".join(self.title)


class RefuseHostileInputMiddleware:
    """The one gate for what no page or filter of the portal can use: a
    control character (NUL above all, which PostgreSQL refuses in text), bytes
    that are not UTF-8 once percent-decoded, or an absurd length, in the path
    or in a query-string key or value. Such a request is a 400 (the bilingual
    page, or the API's JSON) before any view, session or database sees it.

    Form bodies are left to the forms: Django's CharField refuses NUL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = request_refusal(request)
        if refusal is not None:
            return refuse(request, refusal)
        return self.get_response(request)


def request_refusal(request: HttpRequest) -> Refusal | None:
    # Django has decoded the path already, percent-encoding again the bytes
    # that are not UTF-8; no path of the portal holds a percent sign.
    path = request.path_info
    if PERCENT_ESCAPE.search(path):
        return Refusal(BAD_CHARACTERS, "the path is not valid UTF-8")
    if len(path) > settings.REQUEST_MAX_PATH_CHARS:
        limit = settings.REQUEST_MAX_PATH_CHARS
        return Refusal(TOO_LONG, f"the path is longer than {limit} characters")
    if found := CONTROL_IN_PATH.search(path):
        return Refusal(BAD_CHARACTERS, f"the path holds {_named(found[0])}")
    return _query_refusal(_query_text(request))


def _query_refusal(query: str | None) -> Refusal | None:
    if query is None:
        return Refusal(BAD_CHARACTERS, "the query string is not valid UTF-8")
    try:
        pairs = parse_qsl(
            query,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except UnicodeDecodeError:
        return Refusal(BAD_CHARACTERS, "the query string is not valid UTF-8")
    except ValueError:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        return Refusal(TOO_LONG, "the query string has too many parameters")
    limit = settings.REQUEST_MAX_PARAM_CHARS
    for key, value in pairs:
        name = CONTROL_IN_QUERY.sub("?", key[:40])
        if len(key) > limit or len(value) > limit:
            return Refusal(TOO_LONG, f"{name}: longer than {limit} characters")
        if found := CONTROL_IN_QUERY.search(key + value):
            return Refusal(BAD_CHARACTERS, f"{name}: holds {_named(found[0])}")
    return None


def _query_text(request: HttpRequest) -> str | None:
    """The WSGI query string (the raw bytes as ISO-8859-1) as the text it
    encodes, percent escapes left in; None when the bytes are not UTF-8."""
    value = request.META.get("QUERY_STRING", "")
    if not isinstance(request, WSGIRequest):
        return value  # ASGI hands over text already
    try:
        return value.encode("iso-8859-1").decode("utf-8")
    except UnicodeError:
        return None


def _named(character: str) -> str:
    return f"a control character (U+{ord(character):04X})"


def refuse(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if is_api(request):
        return api_problem(refusal.detail, status=400, errors=[refusal.reason])
    title_th, title_en = refusal.title
    content = render_to_string("400.html", {"title_th": title_th, "title_en": title_en})
    return HttpResponseBadRequest(content)


class BadRequestPageMiddleware:
    """A view that refuses a query value (``raise BadRequest(message)``, e.g.
    ``/plans/?round=abc``) answers with the portal's 400 page naming what was
    wrong, Thai first, with DEBUG on as well as off (Django's own handling
    shows its debug page, or a page without the reason). Only BadRequest: a
    SuspiciousOperation's message is not for visitors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, BadRequest) or is_api(request):
            return None
        return refuse(request, Refusal(_both_languages(exception), str(exception)))


def _both_languages(exception: BadRequest) -> tuple[str, str]:
    """The refusal's message in Thai and in English: both when the view gave
    a lazy translation, else the message as given and the general words."""
    message = exception.args[0] if exception.args else None
    if isinstance(message, Promise):
        with translation.override("th"):
            thai = str(message)
        with translation.override("en"):
            english = str(message)
        return thai, english
    if message and translation.get_language() == "en":
        return "คำขอไม่ถูกต้อง", str(message)
    return (str(message) if message else "คำขอไม่ถูกต้อง"), "The request is not valid."


# The API's answers --------------------------------------------------------------------

API_ERRORS = {
    400: "The request is not valid.",
    403: "Forbidden.",
    404: "Not Found",  # as django-ninja says it
    500: "Server error; the problem has been logged.",
}


class ApiAnswersMiddleware:
    """Every answer under /api/ speaks the API, whoever made it: an error
    (Django's 404 for an unknown path, django-ninja's 405, a 500 page) is JSON
    in the API's shape, and a HEAD answer has the GET answer's headers and no
    body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api(request):
            return response
        if response.status_code >= 400 and not _is_json(response):
            response = _as_problem(response)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
        return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _as_problem(response: HttpResponse) -> JsonResponse:
    status = response.status_code
    if status == 405 and response.has_header("Allow"):
        detail = f"Method not allowed; this address answers {response['Allow']}."
    else:
        detail = API_ERRORS.get(status, response.reason_phrase)
    problem = api_problem(detail, status=status)
    for header in ("Allow", "Retry-After"):
        if header in response:
            problem[header] = response[header]
    return problem


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached answers 503 with a friendly page and
    ``Retry-After``, never a 500.

    It sits above the session and authentication middleware. A database error
    raised by a view or its template reaches ``process_exception``; one raised
    inside another middleware (loading a signed-in visitor's session, saving
    it) has already become Django's 500 by the time it comes back here, so a
    ``got_request_exception`` receiver marks the request and the 500 is
    replaced. The page is rendered without a request: no context processor,
    session or user, nothing that would ask the database again.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(
            _mark_database_down, dispatch_uid="otop.database_unavailable"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_database_down", False):
            return database_unavailable(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.error("database unavailable", exc_info=exception)
            return database_unavailable(request)
        return None


def _mark_database_down(sender, request=None, **kwargs) -> None:
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_DOWN):
        request._database_down = True


def database_unavailable(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        response = api_problem(
            "The database is unavailable; try again shortly.", status=503
        )
    else:
        content = render_to_string(
            "503.html", {"retry_minutes": RETRY_AFTER_SECONDS // 60}
        )
        response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class UserLanguageMiddleware(LocaleMiddleware):
    """Thai first: the page language is the visitor's explicit choice, else
    the signed-in user's saved preference, else Thai.

    The browser's Accept-Language is deliberately not consulted: many Thai
    officers' browsers are set to English, and the portal must open in Thai
    unless someone asks otherwise.
    """

    def process_request(self, request):
        translation.activate(self._language_for(request))
        request.LANGUAGE_CODE = translation.get_language()

    @staticmethod
    def _language_for(request) -> str:
        available = dict(settings.LANGUAGES)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in available:
            return chosen
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.preferred_language in available
        ):
            return user.preferred_language
        return settings.LANGUAGE_CODE
