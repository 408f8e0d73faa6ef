"""CSV and XLSX downloads built with django-import-export resources."""

import csv
import tempfile
from collections.abc import Iterable, Iterator

import openpyxl
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from import_export import resources
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import Resource

FORMATS = {"csv": CSV, "xlsx": XLSX}
# OWASP's list (CSV injection), plus the full-width forms some spreadsheets
# also read as the ASCII ones.
FORMULA_PREFIXES = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
)


def escape_formula(value: object) -> object:
    """Keep a spreadsheet from running a cell as a formula (CSV injection):
    text starting like one gets a leading apostrophe, shown as text in CSV and
    XLSX alike."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeExportResource(resources.Resource):
    """A resource whose cells never start a spreadsheet formula."""

    @classmethod
    def get_display_name(cls) -> str:
        # The admin's export form names resources with this (ModelResource has it).
        return cls.__name__

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return [escape_formula(h) for h in super().get_export_headers(selected_fields)]


def export_response(
    resource: Resource, queryset, *, name: str, fmt: str
) -> HttpResponse:
    file_format = FORMATS[fmt]()
    dataset = resource.export(queryset=queryset)
    content = file_format.export_data(dataset)
    if fmt == "csv":
        # A byte-order mark lets Excel open Thai text in UTF-8.
        content = "\ufeff" + content
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=file_format.get_content_type())
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{stamp}.{file_format.get_extension()}"'
    )
    return response


def stream_export(
    resource: Resource, queryset, *, name: str, fmt: str
) -> StreamingHttpResponse | FileResponse:
    """Like ``export_response`` for results of any size: rows are read in
    chunks (``iter_queryset``) and never held all at once. CSV goes out as it
    is written; XLSX is written row by row (openpyxl's write-only mode) into a
    temporary file that is then streamed."""
    file_format = FORMATS[fmt]()
    headers = resource.get_export_headers()
    rows = (resource.export_resource(row) for row in resource.iter_queryset(queryset))
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_lines(headers, rows), content_type=file_format.get_content_type()
        )
    else:
        response = FileResponse(
            _xlsx_file(headers, rows), content_type=file_format.get_content_type()
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{stamp}.{file_format.get_extension()}"'
    )
    return response


class _Line:
    """A file-like sink that hands back what the csv writer writes."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    # A byte-order mark lets Excel open Thai text in UTF-8.
    yield ("\ufeff" + writer.writerow(headers)).encode()
    for row in rows:
        yield writer.writerow(row).encode()


def _xlsx_file(headers: list[str], rows: Iterable[list]):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    book.save(file)
    file.seek(0)
    return file
