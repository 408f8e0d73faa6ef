"""Exports of producers in the import's columns (django-import-export)."""

from django.db.models import QuerySet
from import_export.fields import Field

from communities.models import Producer
from communities.services import PRODUCER_FIELDS
from core.exports import SafeExportResource

# The spreadsheet columns of a producer, for export and for the import
# (products.imports), so an export re-imports as it is.
PRODUCER_COLUMNS = ("tambon_code", *PRODUCER_FIELDS)

_PRODUCER_ATTRIBUTES = {"tambon_code": "tambon_id"}


class ProducerResource(SafeExportResource):
    for _column in PRODUCER_COLUMNS:
        locals()[_column] = Field(
            attribute=_PRODUCER_ATTRIBUTES.get(_column, _column), column_name=_column
        )
    del _column

    class Meta:
        export_order = PRODUCER_COLUMNS

    def get_queryset(self) -> QuerySet[Producer]:
        return Producer.objects.all()

    def iter_queryset(self, queryset):
        return super().iter_queryset(queryset.order_by("tambon_id", "name_th", "pk"))
