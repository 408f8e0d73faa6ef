from django.contrib import admin

from products.models import (
    Category,
    Certification,
    Product,
    ProductImage,
    RawMaterial,
    Standard,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "parent", "order", "is_active")
    list_filter = ("parent", "is_active")
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("parent",)


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "order", "is_active")
    search_fields = ("code", "name_th", "name_en")


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RawMaterialInline(ReadOnlyInline):
    model = RawMaterial


class ProductImageInline(ReadOnlyInline):
    model = ProductImage
    fields = ("image", "caption", "order", "is_primary")


class CertificationInline(ReadOnlyInline):
    model = Certification


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name_th", "producer", "category", "updated_at")
    list_filter = ("category__parent", "producer__tambon__province")
    search_fields = ("name_th", "name_en", "producer__name_th")
    list_select_related = ("producer", "category")
    inlines = (RawMaterialInline, CertificationInline, ProductImageInline)

    # Products are written by officers through the services (photo checks,
    # tambon scoping); the admin shows them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
