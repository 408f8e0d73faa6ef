"""The registry's downloads: one row per listed entry, in fixed columns."""

from django.db.models import QuerySet
from django.utils import timezone
from import_export.fields import Field

from core.buddhist_era import to_be
from core.exports import SafeExportResource
from registry.models import RegistryEntry

REGISTRY_COLUMNS = (
    "number",
    "name_th",
    "name_en",
    "type_code",
    "category_code",
    "stars",
    "final_score",
    "producer_name_th",
    "producer_phone",
    "producer_email",
    "tambon_th",
    "amphoe_th",
    "province_th",
    "province_code",
    "round_year_be",
    "published_on",
)


class RegistryEntryResource(SafeExportResource):
    number = Field(attribute="number", column_name="number")
    name_th = Field(attribute="name_th", column_name="name_th")
    name_en = Field(attribute="name_en", column_name="name_en")
    type_code = Field(attribute="type_code", column_name="type_code")
    category_code = Field(attribute="category_code", column_name="category_code")
    stars = Field(attribute="stars", column_name="stars")
    final_score = Field(attribute="final_score", column_name="final_score")
    producer_name_th = Field(
        attribute="producer_name_th", column_name="producer_name_th"
    )
    producer_phone = Field(attribute="producer_phone", column_name="producer_phone")
    producer_email = Field(attribute="producer_email", column_name="producer_email")
    tambon_th = Field(attribute="tambon_th", column_name="tambon_th")
    amphoe_th = Field(attribute="amphoe_th", column_name="amphoe_th")
    province_th = Field(attribute="province_th", column_name="province_th")
    province_code = Field(attribute="province_code", column_name="province_code")
    round_year_be = Field(column_name="round_year_be")
    published_on = Field(column_name="published_on")

    class Meta:
        export_order = REGISTRY_COLUMNS

    def get_queryset(self) -> QuerySet[RegistryEntry]:
        return RegistryEntry.objects.listed()

    def dehydrate_round_year_be(self, entry: RegistryEntry) -> int:
        return to_be(entry.round_year)

    def dehydrate_published_on(self, entry: RegistryEntry) -> str:
        return timezone.localtime(entry.published_at).date().isoformat()
