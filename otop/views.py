from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from accounts.services import user_set_language
from otop import health
from otop.navigation import work_page
from registry.selectors import registry_summary


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    summary = registry_summary()
    english = get_language() == "en"
    for row in summary["by_stars"]:
        row["unstarred"] = 5 - row["stars"]  # faint stars keep the rows aligned
    for region in summary["by_region"]:
        region["name"] = region["name_en"] if english else region["name_th"]
    for entry in summary["newest_five_star"]:
        entry.thumbnail_url = (
            default_storage.url(entry.thumbnail) if entry.thumbnail else ""
        )
    return render(request, "home.html", {"now": timezone.now(), "registry": summary})


@login_required
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Where login leads (LOGIN_REDIRECT_URL): the user's own work page."""
    return redirect(work_page(request.user))


@never_cache
@require_safe
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
