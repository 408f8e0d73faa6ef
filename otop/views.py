from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from accounts.services import user_set_language
from otop import health


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"now": timezone.now()})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: 200 while the database answers."""
    database = health.database_status()
    broker = health.broker_status()
    status = 200 if database == health.OK else 503
    return JsonResponse({"database": database, "broker": broker}, status=status)


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembering the choice on the user's profile."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response
