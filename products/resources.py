"""Exports of products in the import's columns (django-import-export), so
an export re-imports as it is.

The import itself is ``products.imports``: import-export's per-row machinery
cannot validate a whole file before writing nor write it in bulk fast enough.
"""

from types import SimpleNamespace

from django.db.models import Prefetch, QuerySet
from import_export.fields import Field

from core.exports import SafeExportResource
from products.imports import PRODUCT_COLUMNS
from products.models import Certification, Product

_ATTRIBUTES = {
    "tambon_code": "product__producer__tambon_id",
    "producer_registration_number": "product__producer__registration_number",
    "producer_name_th": "product__producer__name_th",
    "category_code": "product__category__code",
    "name_th": "product__name_th",
    "name_en": "product__name_en",
    "description": "product__description",
    "story": "product__story",
    "price": "product__price",
    "unit": "product__unit",
    "monthly_capacity": "product__monthly_capacity",
    "certificate_standard": "certificate__standard__code",
    "certificate_number": "certificate__number",
    "certificate_issued_on": "certificate__issued_on",
    "certificate_expires_on": "certificate__expires_on",
}


class ProductResource(SafeExportResource):
    """One row per product and certificate (a product without one gets one
    row), so an export re-imports as it is."""

    for _column in PRODUCT_COLUMNS:
        locals()[_column] = Field(attribute=_ATTRIBUTES[_column], column_name=_column)
    del _column

    class Meta:
        export_order = PRODUCT_COLUMNS

    def get_queryset(self) -> QuerySet[Product]:
        return Product.objects.all()

    def iter_queryset(self, queryset):
        queryset = (
            queryset.select_related("producer", "category")
            .prefetch_related(
                Prefetch(
                    "certifications",
                    queryset=Certification.objects.select_related("standard").order_by(
                        "standard__order", "number"
                    ),
                )
            )
            .order_by("producer__tambon_id", "producer_id", "name_th", "pk")
        )
        for product in super().iter_queryset(queryset):
            certificates = list(product.certifications.all()) or [None]
            for certificate in certificates:
                yield SimpleNamespace(product=product, certificate=certificate)
