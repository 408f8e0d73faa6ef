"""The national report as an XLSX workbook: one sheet per section, headers
in the reader's language (Thai first), B.E. dates in Thai, numbers as
numbers, and no cell that a spreadsheet would run as a formula."""

import io
import re
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Font

from core.buddhist_era import display_year, format_date, format_datetime
from core.exports import escape_formula
from reports.report import DEFINITIONS, STARS, NationalReport
from selection.models import Round, Tier

BOLD = Font(bold=True)
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _title(text: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub(" ", str(text))[:31]


def _cell(value):
    if value is None or isinstance(value, int | float | Decimal):
        return value
    return escape_formula(str(value))


def _row(sheet, values, *, bold: bool = False) -> None:
    sheet.append([_cell(v) for v in values])
    if bold:
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD


def tier_headers() -> list[str]:
    return [
        _("Tier"),
        _("Entered"),
        _("Forwarded (at the centre: awarded)"),
        _("Not selected"),
        _("Returned or withdrawn"),
        _("In progress"),
    ]


def province_headers() -> list[str]:
    return [
        _("Code"),
        _("Province"),
        _("Region"),
        _("Nominated"),
        _("Forwarded by the district committees"),
        _("Forwarded by the provincial committee"),
        _("Awarded"),
        *[_("%(n)s stars") % {"n": s} for s in STARS],
        pgettext("report column", "Published"),
    ]


def province_values(row) -> list:
    return [
        row.code,
        row.name,
        row.region,
        row.nominated,
        row.forwarded_by_districts,
        row.forwarded_by_province,
        row.awarded,
        *row.stars_list,
        row.published,
    ]


def _summary(book, report: NationalReport) -> None:
    sheet = book.active
    sheet.title = _title(_("Summary"))
    round_ = report.round
    _row(sheet, [_("National OTOP selection report")], bold=True)
    _row(sheet, [_("Round"), round_.title])
    _row(sheet, [_("Year"), display_year(round_.year)])
    _row(sheet, [_("Status"), round_.get_status_display()])
    for tier in Tier.values:
        label = Round._meta.get_field(f"{tier}_deadline").verbose_name
        _row(
            sheet,
            [
                str(label).capitalize(),
                format_date(round_.deadline_for(tier), joined=False),
            ],
        )
    _row(sheet, [_("Report made"), format_datetime(report.generated_at, joined=False)])
    _row(
        sheet,
        [_("Certificates valid on"), format_date(report.certificates_on, joined=False)],
    )
    _row(sheet, [])
    _row(sheet, [_("Definitions")], bold=True)
    for text in DEFINITIONS:
        _row(sheet, [str(text)])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 40


def _tiers(book, report: NationalReport) -> None:
    sheet = book.create_sheet(_title(_("By tier")))
    _row(sheet, tier_headers(), bold=True)
    for row in report.tiers:
        _row(
            sheet,
            [
                row.label,
                row.entered,
                row.forwarded,
                row.not_selected,
                row.returned_or_withdrawn,
                row.in_progress,
            ],
        )


def _provinces(book, report: NationalReport) -> None:
    sheet = book.create_sheet(_title(_("By province")))
    _row(sheet, province_headers(), bold=True)
    for row in report.provinces:
        _row(sheet, province_values(row))
    _row(sheet, province_values(report.province_total), bold=True)
    sheet.column_dimensions["B"].width = 24


def _stars(book, report: NationalReport) -> None:
    sheet = book.create_sheet(_title(_("Stars")))
    _row(
        sheet,
        [
            _("Stars"),
            _("Awarded"),
            pgettext("report column", "Published"),
            _("Revoked"),
        ],
        bold=True,
    )
    for row in report.stars:
        _row(sheet, [row.stars, row.awarded, row.published, row.revoked])


def _objectives(book, report: NationalReport) -> None:
    sheet = book.create_sheet(_title(_("Objectives")))
    for objective in report.objectives:
        _row(
            sheet,
            [f"{objective.number}. {objective.title_th}", objective.title_en],
            bold=True,
        )
        for item in objective.figures:
            _row(sheet, [item.label, item.value])
        _row(sheet, [])
    sheet.column_dimensions["A"].width = 60


def _budget(book, report: NationalReport) -> None:
    sheet = book.create_sheet(_title(_("Budget")))
    headers = [
        "",
        pgettext("support actions", "Actions"),
        _("Budget (baht)"),
        _("Cancelled actions"),
        _("Cancelled budget (baht)"),
    ]
    for section in report.budget:
        _row(sheet, [section.title], bold=True)
        _row(sheet, headers, bold=True)
        for line in section.lines:
            _row(
                sheet,
                [
                    line.label,
                    line.actions,
                    line.total,
                    line.cancelled_actions,
                    line.cancelled_total,
                ],
            )
        _row(sheet, [])
    total = report.budget_total
    _row(
        sheet,
        [
            _("Total"),
            total.actions,
            total.total,
            total.cancelled_actions,
            total.cancelled_total,
        ],
        bold=True,
    )
    sheet.column_dimensions["A"].width = 40


def national_xlsx(report: NationalReport) -> bytes:
    book = openpyxl.Workbook()
    _summary(book, report)
    _tiers(book, report)
    _provinces(book, report)
    _stars(book, report)
    _objectives(book, report)
    _budget(book, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
