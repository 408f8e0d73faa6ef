"""The national report for central staff: a list of rounds, a print-ready
page and an XLSX download of the same data. Everyone else gets a 403."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.buddhist_era import from_be, to_be
from reports.report import DEFINITIONS, national_report
from reports.xlsx import national_xlsx, province_headers, tier_headers
from selection.models import Round
from selection.selectors import is_central_staff

PAGE_SIZE = 20
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _central_only(request: HttpRequest) -> None:
    if not is_central_staff(request.user):
        raise PermissionDenied(_("The national report is for central staff."))


def _round(year_be: int) -> Round:
    return get_object_or_404(Round, year=from_be(year_be))


@login_required
@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    _central_only(request)
    page = Paginator(Round.objects.order_by("-year"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for round_ in page:
        round_.year_be = to_be(round_.year)
    return render(request, "reports/report_list.html", {"page": page})


@login_required
@require_safe
def national(request: HttpRequest, year: int) -> HttpResponse:
    _central_only(request)
    report = national_report(_round(year))
    return render(
        request,
        "reports/national.html",
        {
            "report": report,
            "round": report.round,
            "year_be": year,
            "definitions": DEFINITIONS,
            "tier_headers": tier_headers(),
            "province_headers": province_headers(),
        },
    )


@login_required
@require_safe
def national_download(request: HttpRequest, year: int) -> HttpResponse:
    _central_only(request)
    report = national_report(_round(year))
    response = HttpResponse(national_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="otop-national-report-{year}.xlsx"'
    )
    return response
