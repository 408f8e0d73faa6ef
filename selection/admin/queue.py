"""The committee queue in the admin: the nominations a member scores."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Amphoe
from core.admin import NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin
from products.models import Category
from selection import admin_views
from selection.admin.access import sees_committee_work
from selection.models import (
    QueueNomination,
)
from selection.selectors import (
    nomination_queue_for,
)

# The committee queue ---------------------------------------------------------------


class CategoryFilter(admin.SimpleListFilter):
    title = _("product type")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        queue = model_admin.get_queryset(request)
        return [
            (c.pk, str(c))
            for c in Category.objects.filter(
                pk__in=queue.order_by().values("category")
            ).order_by("order", "code")
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(category_id=self.value())
        return queryset


class AmphoeFilter(admin.SimpleListFilter):
    title = _("amphoe")
    parameter_name = "amphoe"

    def lookups(self, request, model_admin):
        queue = model_admin.get_queryset(request)
        return [
            (a.code, a.name)
            for a in Amphoe.objects.filter(
                code__in=queue.order_by().values("amphoe_code")
            )
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(amphoe_code=self.value())
        return queryset


class ScoredByMeFilter(admin.SimpleListFilter):
    title = _("scored by me")
    parameter_name = "scored"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes (submitted)")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(my_status="submitted")
        if self.value() == "no":
            return queryset.exclude(my_status="submitted")
        return queryset


@admin.register(QueueNomination)
class QueueNominationAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    list_display = (
        "product_link",
        "producer",
        "area",
        "category",
        "tier",
        "my_total",
        "mean",
        "sheets",
    )
    list_display_links = None
    list_filter = (CategoryFilter, AmphoeFilter, ScoredByMeFilter)
    ordering = ("tier", "province_code", "amphoe_code", "tambon_code", "pk")
    show_full_result_count = False
    actions = None
    list_per_page = 50

    def get_queryset(self, request):
        return nomination_queue_for(user=request.user, model=QueueNomination)

    def has_module_permission(self, request):
        return sees_committee_work(request)

    def has_view_permission(self, request, obj=None):
        return sees_committee_work(request)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "score-all/",
                view(self.score_all_view),
                name="selection_queuenomination_score_all",
            ),
            path(
                "<path:object_id>/score/",
                view(self.score_view),
                name="selection_queuenomination_score",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # get_object answers None to junk ids and to nominations outside the
        # user's queue; the NotFoundOutsideQuerysetMixin makes None a 404.
        nomination = self.get_object(request, object_id)
        return redirect("admin:selection_queuenomination_score", nomination.pk)

    def score_view(self, request, object_id):
        return admin_views.score_view(self, request, object_id)

    def score_all_view(self, request):
        return admin_views.score_all_view(self, request)

    @admin.display(description=_("product"), ordering="product__name_th")
    def product_link(self, obj):
        if obj.conflicted:
            return format_html(
                '{} <strong class="errornote-inline">({})</strong>',
                obj.product,
                gettext("conflict of interest"),
            )
        url = reverse("admin:selection_queuenomination_score", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.product)

    @admin.display(description=_("producer"))
    def producer(self, obj):
        return obj.product.producer

    @admin.display(description=_("area"))
    def area(self, obj):
        return f"{obj.tambon_name} · {obj.amphoe_name}"

    @admin.display(description=_("my total"))
    def my_total(self, obj):
        if obj.my_total is None:
            return "—"
        total = f"{obj.my_total:.2f}"
        if obj.my_status == "submitted":
            return total
        return format_html("{} ({})", total, gettext("draft"))

    @admin.display(description=_("mean total"))
    def mean(self, obj):
        if obj.conflicted or obj.mean_total is None:
            return "—"
        return f"{obj.mean_total:.2f}"

    @admin.display(description=_("sheets submitted / expected"))
    def sheets(self, obj):
        return f"{obj.sheets_submitted or 0} / {obj.sheets_expected or 0}"
