"""CSV and XLSX downloads built with django-import-export resources."""

from django.http import HttpResponse
from django.utils import timezone
from import_export import resources
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import Resource

FORMATS = {"csv": CSV, "xlsx": XLSX}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
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
