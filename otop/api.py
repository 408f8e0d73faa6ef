"""The portal's open JSON API (django-ninja): the OpenAPI document is at
/api/schema/ and browsable at /api/docs/ (Swagger UI served from the
django-ninja package's own static files, no CDN)."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from core.middleware import API_ERRORS
from registry.api import router as registry_router

api = NinjaAPI(
    title="OTOP national registry API",
    version="1",
    description=(
        "Read-only, anonymous access to Thailand's national OTOP product "
        "registry. Geography: GeoThai (DOPA codes), data CC BY 4.0."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
)
api.add_router("", registry_router)


@api.exception_handler(ValidationError)
def bad_request(request: HttpRequest, exc: ValidationError):
    """A parameter django-ninja could not read: 400 with each reason."""
    errors = [
        f"{'.'.join(str(part) for part in error.get('loc', ())[1:])}: {error['msg']}"
        for error in exc.errors
    ]
    return api.create_response(
        request,
        {"detail": _("Some filters are not valid."), "errors": errors},
        status=400,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    """An unknown registry number: the shape of every API error (see
    core.middleware.ApiAnswersMiddleware for an unknown path)."""
    return api.create_response(
        request, {"detail": API_ERRORS[404], "errors": []}, status=404
    )
