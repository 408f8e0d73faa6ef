"""Login throttling with django-axes: whose address a login comes from, and
unlocking a username + address pair before its cool-off ends."""

import ipaddress

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import User


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address axes counts failures against (AXES_CLIENT_IP_CALLABLE).

    With no proxy in front (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR and
    X-Forwarded-For is ignored: anyone can send that header. Behind N proxies
    the client's address is the N-th entry from the right of X-Forwarded-For,
    the one the outermost proxy appended; entries further left came from the
    client and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
    ]
    if len(forwarded) < proxies:
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page a locked-out login gets (AXES_LOCKOUT_CALLABLE): 429, in the
    visitor's language, saying for how long and whom to ask."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(cool_off.total_seconds() // 60),
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@transaction.atomic
def login_attempts_unlock(*, attempts: QuerySet[AccessAttempt], actor: User) -> int:
    """Lift the lockout of every username + address pair in ``attempts``.

    Deletes all the pair's recorded failures through axes' own reset; a pair
    missing its username or address (axes.utils.reset would then widen to
    every attempt) is deleted by exact match. Returns how many pairs.
    """
    if not actor.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied(_("You may not unlock logins."))
    pairs = set(attempts.values_list("username", "ip_address"))
    for username, ip_address in pairs:
        if username and ip_address:
            reset(username=username, ip=ip_address)
        else:
            AccessAttempt.objects.filter(
                username=username, ip_address=ip_address
            ).delete()
    return len(pairs)
