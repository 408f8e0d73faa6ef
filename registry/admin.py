"""The registry in the admin: central staff browse and revoke entries, and
publish awarded nominations from the registry's own list, in central ranking
order. Thin: every write goes through registry.services."""

from itertools import groupby

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import AuditTrailInline, NotFoundOutsideQuerysetMixin
from core.buddhist_era import display_year, format_date, format_datetime
from core.numbers import is_whole_number
from core.workflow import REFUSALS, InvalidTransition, refusal_text
from registry.models import RegistryEntry, RegistryEvent
from registry.services import (
    PUBLISH,
    publishable,
    registry_publish_many,
    registry_revoke,
)
from selection.models import Nomination

VIEW = "registry.view_registryentry"
# The success message links this many new entries; a longer list is counted.
LINKED_ENTRIES = 20
EVENT_ACTIONS = {"published": _("published"), "revoked": _("revoked")}


def _may_publish(request) -> bool:
    return request.user.has_perm(PUBLISH)


def _may_view(request) -> bool:
    return _may_publish(request) or request.user.has_perm(VIEW)


def _public_url(entry: RegistryEntry) -> str:
    return reverse("registry:detail", args=[entry.number])


class RegistryEventInline(AuditTrailInline):
    """The entry's history: who published or revoked it, and why."""

    model = RegistryEvent
    fields = ("at_display", "action_display", "actor", "note")
    verbose_name_plural = _("history")

    def has_view_permission(self, request, obj=None):
        return _may_view(request)

    @admin.display(description=_("action"))
    def action_display(self, obj):
        return EVENT_ACTIONS.get(obj.action, obj.action)


class ProvinceFilter(admin.SimpleListFilter):
    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        rows = (
            RegistryEntry.objects.order_by("province_code")
            .values_list("province_code", "province_th", "province_en")
            .distinct()
        )
        english = request.LANGUAGE_CODE == "en"
        return [(code, (en if english and en else th)) for code, th, en in rows]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(province_code=self.value())
        return queryset


class RevokedFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return (("no", _("Listed")), ("yes", _("Revoked")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(RegistryEntry)
class RegistryEntryAdmin(NotFoundOutsideQuerysetMixin, admin.ModelAdmin):
    """A snapshot taken at publication: read-only, never added or deleted
    here; revoking is its only change, through its own page."""

    list_display = (
        "number",
        "name_th",
        "stars",
        "province_name",
        "round_display",
        "published",
        "status",
    )
    list_filter = ("stars", ProvinceFilter, RevokedFilter)
    search_fields = ("number", "name_th", "name_en")
    show_full_result_count = False
    actions = None
    inlines = (RegistryEventInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "name_th",
                    "name_en",
                    "stars",
                    "final_score",
                    "round_display",
                    "category_display",
                    "story",
                    "description",
                    "certificates_display",
                )
            },
        ),
        (
            _("Producer"),
            {
                "fields": (
                    "producer_name_th",
                    "producer_phone",
                    "producer_email",
                    "area_display",
                )
            },
        ),
        (
            _("Publication"),
            {
                "fields": (
                    "published",
                    "published_by",
                    "revoked",
                    "revoked_by",
                    "revoke_reason",
                )
            },
        ),
    )
    readonly_fields = (
        "round_display",
        "category_display",
        "certificates_display",
        "area_display",
        "published",
        "revoked",
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("published_by", "revoked_by")
        )

    def has_module_permission(self, request):
        return _may_view(request)

    def has_view_permission(self, request, obj=None):
        return _may_view(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def view_on_site(self, obj):
        return _public_url(obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "publish/",
                view(self.publish_view),
                name="registry_registryentry_publish",
            ),
            path(
                "<path:object_id>/revoke/",
                view(self.revoke_view),
                name="registry_registryentry_revoke",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"may_publish": _may_publish(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"may_publish": _may_publish(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    # Columns and read-only fields --------------------------------------------

    @admin.display(description=_("province"), ordering="province_code")
    def province_name(self, obj):
        return obj.province_en if obj.province_en and _english() else obj.province_th

    @admin.display(description=_("round"), ordering="round_year")
    def round_display(self, obj):
        return display_year(obj.round_year)

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, obj):
        return format_datetime(obj.published_at)

    @admin.display(description=_("status"), ordering="revoked_at")
    def status(self, obj):
        if obj.is_revoked:
            return format_html("<strong>{}</strong>", gettext("Revoked"))
        return gettext("Listed")

    @admin.display(description=_("revoked at"))
    def revoked(self, obj):
        return format_datetime(obj.revoked_at) or "—"

    @admin.display(description=_("category"))
    def category_display(self, obj):
        name = obj.category_en if obj.category_en and _english() else obj.category_th
        return f"{name} ({obj.category_code})"

    @admin.display(description=_("area"))
    def area_display(self, obj):
        if _english():
            names = (obj.tambon_en, obj.amphoe_en, obj.province_en)
        else:
            names = (obj.tambon_th, obj.amphoe_th, obj.province_th)
        return " · ".join(name for name in names if name)

    @admin.display(description=_("certificates"))
    def certificates_display(self, obj):
        if not obj.certificates:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{} {} ({})",
            (
                (
                    c.get("standard_en") if _english() else c.get("standard_th"),
                    c.get("number", ""),
                    gettext("expires %(date)s")
                    % {"date": format_date(c["expires_on"]) or "—"}
                    if c.get("expires_on")
                    else gettext("no expiry date"),
                )
                for c in obj.certificates
            ),
        )

    # Publishing --------------------------------------------------------------

    def publish_view(self, request):
        """Awarded nominations not yet in the registry, by round in central
        ranking order: one, the selected ones, or a whole round at once."""
        if not _may_publish(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._publish_post(request)
        nominations = publishable().select_related(
            "round", "category", "product__producer__tambon__province"
        )
        rounds = [
            {"round": round_, "nominations": list(rows)}
            for round_, rows in groupby(nominations, key=lambda n: n.round)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Awarded nominations to publish"),
            "rounds": rounds,
            "total": sum(len(group["nominations"]) for group in rounds),
        }
        return TemplateResponse(
            request, "admin/registry/registryentry/publish.html", context
        )

    def _publish_post(self, request):
        here = reverse("admin:registry_registryentry_publish")
        post = request.POST
        try:
            if "round" in post:
                year = post["round"]
                nominations = (
                    list(publishable(int(year))) if is_whole_number(year) else []
                )
                empty = gettext("Nothing in this round awaits publication.")
            else:
                chosen = [post["one"]] if "one" in post else post.getlist("nomination")
                nominations = _chosen(chosen)
                empty = gettext("Choose at least one nomination to publish.")
            if not nominations:
                messages.error(request, empty)
                return redirect(here)
            entries = registry_publish_many(actor=request.user, nominations=nominations)
        except REFUSALS as error:
            messages.error(
                request,
                gettext("Nothing was published. %(reason)s")
                % {"reason": refusal_text(error)},
            )
        else:
            messages.success(request, _published_message(entries))
        return redirect(here)

    # Revoking ----------------------------------------------------------------

    def revoke_view(self, request, object_id):
        if not _may_publish(request):
            raise PermissionDenied
        entry = self.get_object(request, object_id)  # a 404 for junk ids
        change_url = reverse("admin:registry_registryentry_change", args=[entry.pk])
        reason = ""
        if request.method == "POST":
            reason = request.POST.get("reason", "")
            try:
                registry_revoke(actor=request.user, entry=entry, reason=reason)
            except REFUSALS as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(
                    request,
                    gettext("%(number)s is revoked: it left the public lists.")
                    % {"number": entry.number},
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Revoke %(number)s") % {"number": entry.number},
            "entry": entry,
            "reason": reason,
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/registry/registryentry/revoke.html", context
        )


def _english() -> bool:
    return get_language() == "en"


def _chosen(values: list[str]) -> list[Nomination]:
    """The nominations named by the POST; an unknown id is refused."""
    ids = {int(value) for value in values if is_whole_number(value)}
    nominations = list(Nomination.objects.filter(pk__in=ids))
    if len(nominations) != len(ids) or len(ids) != len(set(values)):
        raise InvalidTransition(gettext("Some of the chosen nominations are unknown."))
    return nominations


def _published_message(entries: list[RegistryEntry]):
    count = len(entries)
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((_public_url(entry), entry.number) for entry in entries[:LINKED_ENTRIES]),
    )
    more = count - LINKED_ENTRIES
    return format_html(
        "{} {}{}",
        ngettext(
            "%(count)s entry was published:",
            "%(count)s entries were published:",
            count,
        )
        % {"count": count},
        links,
        gettext(" and %(more)s more") % {"more": more} if more > 0 else "",
    )
