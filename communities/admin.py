from django.contrib import admin

from communities.models import Amphoe, Province, Region, Tambon


class ReadOnlyGeographyAdmin(admin.ModelAdmin):
    """Geography comes from ``load_geography`` only; the admin just shows it."""

    search_fields = ("^code", "name_th", "name_en")
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyGeographyAdmin):
    list_display = ("code", "name_th", "name_en", "order")


@admin.register(Province)
class ProvinceAdmin(ReadOnlyGeographyAdmin):
    list_display = ("code", "name_th", "name_en", "region")
    list_filter = ("region",)
    list_select_related = ("region",)


@admin.register(Amphoe)
class AmphoeAdmin(ReadOnlyGeographyAdmin):
    list_display = ("code", "name_th", "name_en", "province")
    list_filter = ("province__region", "province")
    list_select_related = ("province",)
    search_fields = (*ReadOnlyGeographyAdmin.search_fields, "province__name_th")


@admin.register(Tambon)
class TambonAdmin(ReadOnlyGeographyAdmin):
    list_display = ("code", "name_th", "name_en", "amphoe", "province", "postal_codes")
    list_filter = ("province__region", "province")
    list_select_related = ("amphoe", "province")
    search_fields = (
        *ReadOnlyGeographyAdmin.search_fields,
        "postal_codes",
        "amphoe__name_th",
        "amphoe__name_en",
    )
