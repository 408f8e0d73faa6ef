from django.contrib import admin
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from core.admin import NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin
from products.models import (
    Category,
    Certification,
    ImportJob,
    Product,
    ProductEvent,
    ProductImage,
    RawMaterial,
    Standard,
)
from products.resources import ProductResource
from products.selectors import products_visible_to


@admin.register(Category)
class CategoryAdmin(NotFoundOutsideQuerysetMixin, admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "parent", "order", "is_active")
    list_filter = ("parent", "is_active")
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("parent",)


@admin.register(Standard)
class StandardAdmin(NotFoundOutsideQuerysetMixin, admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "order", "is_active")
    search_fields = ("code", "name_th", "name_en")


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class RawMaterialInline(ReadOnlyInline):
    model = RawMaterial


class ProductImageInline(ReadOnlyInline):
    model = ProductImage
    fields = ("image", "caption", "order", "is_primary")


class CertificationInline(ReadOnlyInline):
    model = Certification


@admin.register(Product)
class ProductAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, ExportMixin, admin.ModelAdmin
):
    # Products are written by officers through the services (photo checks,
    # tambon scoping); the admin shows and exports them.
    resource_classes = [ProductResource]
    export_formats = [CSV, XLSX]  # the two the officer pages offer
    import_export_change_list_template = "admin/change_list_officer_import_export.html"
    list_display = ("name_th", "producer", "category", "updated_at")
    list_filter = ("category__parent", "producer__tambon__province")
    search_fields = ("name_th", "name_en", "producer__name_th")
    list_select_related = ("producer", "category")
    inlines = (RawMaterialInline, CertificationInline, ProductImageInline)

    def get_queryset(self, request):
        # Staff who are not superusers see the products of their own tambons.
        if request.user.is_superuser:
            return super().get_queryset(request)
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=products_visible_to(request.user).values("pk"))
        )


@admin.register(ProductEvent)
class ProductEventAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """The products' audit trail: written by the product services, never here."""

    list_display = ("at", "action", "product", "actor", "changed", "note")
    list_filter = ("action",)
    list_select_related = ("actor", "product")
    search_fields = ("product__name_th", "note")
    show_full_result_count = False
    actions = None

    def get_queryset(self, request):
        # Staff who are not superusers see the trail of their own tambons' products.
        events = super().get_queryset(request)
        if request.user.is_superuser:
            return events
        return events.filter(product__in=products_visible_to(request.user).values("pk"))


@admin.register(ImportJob)
class ImportJobAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Read-only: imports run through the officer pages and their tasks."""

    list_display = ("filename", "kind", "user", "total_rows", "status", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("filename", "user__username")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in ImportJob._meta.fields]
