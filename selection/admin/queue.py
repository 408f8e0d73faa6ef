"""The committee queue in the admin: the nominations a member scores."""

import re

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from committees.selectors import active_subcommittees
from communities.models import Amphoe, Province
from core.admin import NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin
from core.thai_text import thai_wrap
from core.tiers import NATIONAL_TIERS
from products.models import Category
from selection import admin_views
from selection.admin.access import sees_committee_work
from selection.models import (
    QueueNomination,
)
from selection.selectors import annotate_queue, queue_scope

# The committee queue ---------------------------------------------------------------


class KeysFirstPaginator(Paginator):
    """Pages a queue by its keys first: the page's rows are those whose ids
    a subquery picks in the list's order (computing only the columns it is
    sorted or filtered by, over an index where it can), so the rows skipped
    to reach page N are never given their other columns. Still one query."""

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            object_list = self.object_list.filter(pk__in=object_list.values("pk"))
        return super()._get_page(object_list, number, paginator)


class CodeFilter(admin.SimpleListFilter):
    """A filter on a code column: a value that is not a code of the right
    shape shows nothing (never an error, whatever the query string holds)."""

    field = ""
    pattern = r"\d+"

    def value(self):
        value = super().value()
        if value is None:
            return None
        return value if re.fullmatch(self.pattern, value) else ""

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == "":
            return queryset.none()
        return queryset.filter(**{self.field: value})


class SubcommitteeFilter(CodeFilter):
    """At the centre: the product types one subcommittee scores."""

    title = _("subcommittee")
    parameter_name = "subcommittee"

    def lookups(self, request, model_admin):
        central = (
            model_admin.queue_scope(request)
            .filter(tier__in=NATIONAL_TIERS)
            .values("category")
        )
        return [
            (c.pk, str(c))
            for c in active_subcommittees()
            .filter(
                pk__in=Committee.product_types.through.objects.filter(
                    category__in=central
                ).values("committee")
            )
            .order_by("kind", "pk")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        types = Committee.product_types.through.objects.filter(
            committee__in=active_subcommittees().filter(pk=value or None)
        ).values("category_id")
        return queryset.filter(tier__in=NATIONAL_TIERS, category__in=types)


class CategoryFilter(CodeFilter):
    title = _("product type")
    parameter_name = "category"
    field = "category_id"

    def lookups(self, request, model_admin):
        queue = model_admin.queue_scope(request)
        return [
            (c.pk, str(c))
            for c in Category.objects.filter(pk__in=queue.values("category")).order_by(
                "order", "code"
            )
        ]


class ProvinceFilter(CodeFilter):
    title = _("province")
    parameter_name = "province"
    field = "province_code"
    pattern = r"\d{2}"

    def lookups(self, request, model_admin):
        queue = model_admin.queue_scope(request)
        return [
            (p.code, p.name)
            for p in Province.objects.filter(
                code__in=queue.values("province_code")
            ).order_by("code")
        ]


# More amphoes than this and the list asks for a province first.
AMPHOE_CHOICES = 40


class AmphoeFilter(CodeFilter):
    title = _("amphoe")
    parameter_name = "amphoe"
    field = "amphoe_code"
    pattern = r"\d{4}"

    def lookups(self, request, model_admin):
        queue = model_admin.queue_scope(request)
        province = request.GET.get(ProvinceFilter.parameter_name, "")
        if re.fullmatch(ProvinceFilter.pattern, province):
            queue = queue.filter(province_code=province)
        amphoes = list(
            Amphoe.objects.filter(code__in=queue.values("amphoe_code")).order_by(
                "code"
            )[: AMPHOE_CHOICES + 1]
        )
        if len(amphoes) > AMPHOE_CHOICES:
            return []  # choose a province first
        return [(a.code, a.name) for a in amphoes]


class ScoredByMeFilter(admin.SimpleListFilter):
    title = _("my score sheet")
    parameter_name = "scored"

    def lookups(self, request, model_admin):
        return (
            ("yes", _("Yes (submitted)")),
            ("draft", _("Draft")),
            ("no", _("No")),
        )

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(my_status="submitted")
        if self.value() == "draft":
            return queryset.filter(my_status="draft")
        if self.value() == "no":
            return queryset.filter(my_status__isnull=True)
        return queryset


@admin.register(QueueNomination)
class QueueNominationAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    list_display = (
        "product_link",
        "producer",
        "area",
        "province",
        "category",
        "tier",
        "my_total",
        "mean",
        "sheets",
    )
    list_display_links = None
    list_filter = (
        "tier",
        SubcommitteeFilter,
        CategoryFilter,
        ProvinceFilter,
        AmphoeFilter,
        ScoredByMeFilter,
    )
    ordering = ("tier", "province_code", "amphoe_code", "tambon_code", "pk")
    show_full_result_count = False
    actions = None
    list_per_page = 50

    def queue_scope(self, request):
        """The queue's rows without its columns, for the filters' choices:
        built once a request (the user's committees read once)."""
        if not hasattr(request, "_queue_scope"):
            request._queue_scope = queue_scope(
                user=request.user, model=QueueNomination
            ).order_by()
        return request._queue_scope

    def get_queryset(self, request):
        return annotate_queue(self.queue_scope(request), user=request.user)

    def get_paginator(self, request, queryset, per_page, **kwargs):
        return KeysFirstPaginator(queryset, per_page, **kwargs)

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

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "grid_query": admin_views.grid_query(request.GET),
        }
        return super().changelist_view(request, extra_context)

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
                thai_wrap(obj.product),
                gettext("conflict of interest"),
            )
        url = reverse("admin:selection_queuenomination_score", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, thai_wrap(obj.product))

    @admin.display(description=_("producer"))
    def producer(self, obj):
        return thai_wrap(obj.product.producer)

    @admin.display(description=_("area"))
    def area(self, obj):
        return format_html(
            "{} · {}", thai_wrap(obj.tambon_name), thai_wrap(obj.amphoe_name)
        )

    @admin.display(description=_("province"), ordering="province_code")
    def province(self, obj):
        return thai_wrap(obj.province_name)

    @admin.display(description=_("product type"), ordering="category__order")
    def category(self, obj):
        return obj.category

    @admin.display(description=_("my total"), ordering="my_total")
    def my_total(self, obj):
        if obj.my_total is None:
            return "—"
        total = f"{obj.my_total:.2f}"
        if obj.my_status == "submitted":
            return total
        return format_html("{} ({})", total, gettext("draft"))

    @admin.display(description=_("mean total"), ordering="mean_total")
    def mean(self, obj):
        if obj.conflicted or obj.mean_total is None:
            return "—"
        return f"{obj.mean_total:.2f}"

    @admin.display(
        description=_("sheets submitted / expected"), ordering="sheets_submitted"
    )
    def sheets(self, obj):
        return f"{obj.sheets_submitted or 0} / {obj.sheets_expected or 0}"
