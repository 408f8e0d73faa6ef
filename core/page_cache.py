"""Whole-page caching for anonymous visitors of public pages.

A page is cached per (version, language, path and query) and served to every
visitor without a session; the one per-visitor part of such a page, the CSRF
token of its small forms (language switcher), is cut out when the page is
stored and filled in for each visitor when it is served.
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
PLACEHOLDER = "@@csrf-token@@"


def cached_for_visitors(version: Callable[[], object], timeout: int = 3600):
    """Serve anonymous GETs from the cache while ``version()`` is unchanged
    (e.g. the registry's stamp). Signed-in users, pages with messages and
    anything but a 200 are rendered as usual."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if (
                request.method not in {"GET", "HEAD"}
                or request.user.is_authenticated
                or len(get_messages(request))
            ):
                return view(request, *args, **kwargs)
            text = repr(
                (version(), get_language(), request.path, sorted(request.GET.lists()))
            )
            key = "page:" + hashlib.sha256(text.encode()).hexdigest()
            page = cache.get(key)
            if page is not None:
                return HttpResponse(page.replace(PLACEHOLDER, get_token(request)))
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                page = CSRF_INPUT.sub(
                    rf"\g<1>{PLACEHOLDER}\g<2>", response.content.decode()
                )
                cache.set(key, page, timeout)
            return response

        return wrapped

    return decorator
