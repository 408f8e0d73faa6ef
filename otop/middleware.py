import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


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
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The database is unavailable; try again shortly."},
            status=503,
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
