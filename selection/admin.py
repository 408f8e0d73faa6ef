"""The ladder in the admin: rounds for central staff; queues, score sheets,
rankings and the audit trail for committee members. Thin: every write goes
through selection.services, every list is narrowed by selection.selectors."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import IGNORED_PARAMS, ChangeList
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Amphoe
from core.admin import NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin
from core.buddhist_era import display_year, format_date, format_datetime
from core.workflow import REFUSALS, refusal_messages, refusal_text
from products.models import Category
from selection import admin_views
from selection.documents import (
    round_document_add,
    round_document_remove,
    validate_round_pdf,
)
from selection.models import (
    Criterion,
    NominationEvent,
    QueueNomination,
    Ranking,
    Round,
    RoundDocument,
    StarBand,
    TypeQuota,
)
from selection.rounds import (
    CRITERION_FIELDS,
    STAR_BAND_FIELDS,
    TYPE_QUOTA_FIELDS,
    criteria_problems,
    round_actions,
    round_close,
    round_copy,
    round_create,
    round_criteria_edit,
    round_open,
    round_star_bands_edit,
    round_type_quotas_edit,
    round_update,
    star_bands_problems,
    type_quotas_problems,
)
from selection.selectors import (
    events_visible_to,
    is_central_staff,
    member_committees,
    nomination_queue_for,
    ranking_of,
    rankings_not_started,
    rankings_visible_to,
)


def _is_member(request) -> bool:
    if not hasattr(request, "_selection_is_member"):
        request._selection_is_member = member_committees(request.user).exists()
    return request._selection_is_member


def _sees_committee_work(request) -> bool:
    return is_central_staff(request.user) or _is_member(request)


# Rounds (central staff) ------------------------------------------------------------


def _manages_rounds(request) -> bool:
    return request.user.has_perm("selection.manage_round")


class ReferenceFormSet(BaseInlineFormSet):
    """A round's rows checked together, by the rules the round services
    apply (``problems``), so that a problem shows beside its row."""

    problems = staticmethod(lambda rows: [])

    def clean(self):
        super().clean()
        if any(self.errors) or not self.has_changed():
            return  # an unchanged set is not for the admin to judge
        rows = [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and (form.instance.pk is not None or form.has_changed())
        ]
        for index, field, message in self.problems([row.instance for row in rows]):
            rows[index].add_error(field, message)


class CriteriaFormSet(ReferenceFormSet):
    problems = staticmethod(criteria_problems)


class StarBandsFormSet(ReferenceFormSet):
    problems = staticmethod(star_bands_problems)


class TypeQuotasFormSet(ReferenceFormSet):
    problems = staticmethod(type_quotas_problems)


class DraftRoundInline(admin.TabularInline):
    """Reference data of a draft round, edited in place and saved through the
    round services (RoundAdmin.save_formset), which hold the rules; shown
    read-only when they would refuse (once the round opens)."""

    extra = 0

    def _editable(self, request, obj) -> bool:
        return obj is not None and "edit_reference" in round_actions(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return _manages_rounds(request) or request.user.has_perm("selection.view_round")

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class CriterionInline(DraftRoundInline):
    model = Criterion
    formset = CriteriaFormSet
    fields = CRITERION_FIELDS


class StarBandInline(DraftRoundInline):
    model = StarBand
    formset = StarBandsFormSet
    fields = STAR_BAND_FIELDS


class TypeQuotaInline(DraftRoundInline):
    model = TypeQuota
    formset = TypeQuotasFormSet
    fields = TYPE_QUOTA_FIELDS


# Each inline's rows are saved by one service, which takes these fields.
REFERENCE_EDITS = {
    Criterion: (round_criteria_edit, CRITERION_FIELDS),
    StarBand: (round_star_bands_edit, STAR_BAND_FIELDS),
    TypeQuota: (round_type_quotas_edit, TYPE_QUOTA_FIELDS),
}


class RefusedSave(Exception):
    """A service refused a row the forms let through (the round opened
    meanwhile, say): RoundAdmin.changeform_view undoes the whole save."""

    def __init__(self, error: Exception):
        super().__init__(error)
        self.error = error


class RoundDocumentForm(forms.ModelForm):
    class Meta:
        model = RoundDocument
        fields = ("kind", "title_th", "title_en", "file")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and self.instance.pk is None:
            validate_round_pdf(upload)  # the message shows on the row
        return upload


class RoundDocumentInline(admin.TabularInline):
    """Policy, strategy and master-plan PDFs; saved through
    selection.documents (RoundAdmin.save_formset). A document is replaced by
    removing it and adding the new file, never edited in place."""

    model = RoundDocument
    form = RoundDocumentForm
    extra = 0
    fields = ("kind", "title_th", "title_en", "file", "pages", "size", "uploaded")
    readonly_fields = ("pages", "size", "uploaded")

    @admin.display(description=_("uploaded at"))
    def uploaded(self, document):
        if document.uploaded_at is None:
            return "-"
        return format_datetime(document.uploaded_at)

    def has_view_permission(self, request, obj=None):
        return _manages_rounds(request) or request.user.has_perm("selection.view_round")

    def has_add_permission(self, request, obj=None):
        return _manages_rounds(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return _manages_rounds(request)


ROUND_FIELDS = (
    "year",
    "title_th",
    "title_en",
    "tambon_deadline",
    "amphoe_deadline",
    "province_deadline",
    "central_deadline",
    "tambon_quota",
    "amphoe_advance",
    "province_advance",
    "quorum",
    "quorum_minimum",
)


@admin.register(Round)
class RoundAdmin(NotFoundOutsideQuerysetMixin, admin.ModelAdmin):
    list_display = (
        "title_th",
        "year_be",
        "status",
        "tambon_deadline_be",
        "amphoe_deadline_be",
        "province_deadline_be",
        "central_deadline_be",
    )
    list_filter = ("status",)
    search_fields = ("title_th", "title_en")
    readonly_fields = ("status",)
    actions = ("open_round", "close_round", "copy_to_next_year")

    def get_fields(self, request, obj=None):
        return ROUND_FIELDS if obj is None else (*ROUND_FIELDS, "status")

    def get_inlines(self, request, obj):
        # A new round gets the default star bands from round_create; its
        # criteria and quotas are added once it exists.
        if obj is None:
            return ()
        return (CriterionInline, StarBandInline, TypeQuotaInline, RoundDocumentInline)

    @admin.display(description=_("year"), ordering="year")
    def year_be(self, obj):
        return display_year(obj.year)

    @admin.display(description=_("tambon submissions close"))
    def tambon_deadline_be(self, obj):
        return format_date(obj.tambon_deadline)

    @admin.display(description=_("district rankings close"))
    def amphoe_deadline_be(self, obj):
        return format_date(obj.amphoe_deadline)

    @admin.display(description=_("provincial rankings close"))
    def province_deadline_be(self, obj):
        return format_date(obj.province_deadline)

    @admin.display(description=_("central awards close"))
    def central_deadline_be(self, obj):
        return format_date(obj.central_deadline)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return _manages_rounds(request) or request.user.has_perm("selection.view_round")

    def has_add_permission(self, request):
        return _manages_rounds(request)

    def has_change_permission(self, request, obj=None):
        return _manages_rounds(request)

    def has_delete_permission(self, request, obj=None):
        return False  # rounds own the whole ladder's history

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name]
            for name in ROUND_FIELDS
            if name in form.cleaned_data
        }
        if change:
            changed = {k: v for k, v in data.items() if k in form.changed_data}
            saved = round_update(actor=request.user, round_=obj, **changed)
        else:
            saved = round_create(actor=request.user, **data)
        obj.pk = saved.pk
        obj.status = saved.status

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedSave as refused:  # its transaction is rolled back
            for message in refusal_messages(refused.error):
                messages.error(request, message)
            return redirect(request.get_full_path())

    def save_formset(self, request, form, formset, change):
        if formset.model in REFERENCE_EDITS:
            return self._save_reference(request, form.instance, formset)
        if formset.model is not RoundDocument:
            return super().save_formset(request, form, formset, change)
        # The admin's history message reads these three lists.
        formset.new_objects, formset.changed_objects = [], []
        formset.deleted_objects = []
        for row in formset.deleted_forms:
            if row.instance.pk is not None:
                formset.deleted_objects.append(row.instance)
                round_document_remove(actor=request.user, document=row.instance)
        for row in formset.extra_forms:
            if row.has_changed() and row not in formset.deleted_forms:
                document = round_document_add(
                    actor=request.user,
                    round_=form.instance,
                    kind=row.cleaned_data["kind"],
                    title_th=row.cleaned_data["title_th"],
                    title_en=row.cleaned_data.get("title_en", ""),
                    upload=row.cleaned_data["file"],
                )
                formset.new_objects.append(document)

    def _save_reference(self, request, round_, formset):
        edit, fields = REFERENCE_EDITS[formset.model]
        removed = [row.instance for row in formset.deleted_forms if row.instance.pk]
        saved = [
            row
            for row in formset.forms
            if row.has_changed() and row not in formset.deleted_forms
        ]
        # The admin's history message reads these three lists.
        formset.new_objects, formset.changed_objects = [], []
        formset.deleted_objects = removed
        if not saved and not removed:
            return
        rows = [
            {name: row.cleaned_data[name] for name in fields}
            if row.instance.pk is None
            else {
                "id": row.instance.pk,
                **{n: row.cleaned_data[n] for n in row.changed_data if n in fields},
            }
            for row in saved
        ]
        try:
            written = edit(
                actor=request.user,
                round_=round_,
                rows=rows,
                delete=[instance.pk for instance in removed],
            )
        except REFUSALS as error:
            raise RefusedSave(error) from error
        for row, instance in zip(saved, written, strict=True):
            if row.instance.pk is None:
                formset.new_objects.append(instance)
            else:
                formset.changed_objects.append((instance, row.changed_data))

    def _each(self, request, queryset, service, done):
        for round_ in queryset:
            try:
                service(actor=request.user, round_=round_)
            except REFUSALS as error:
                for message in refusal_messages(error):
                    messages.error(request, f"{round_}: {message}")
            else:
                messages.success(request, done % {"round": round_})

    @admin.action(description=_("Open the selected rounds"))
    def open_round(self, request, queryset):
        self._each(request, queryset, round_open, gettext("%(round)s is open."))

    @admin.action(description=_("Close the selected rounds"))
    def close_round(self, request, queryset):
        self._each(request, queryset, round_close, gettext("%(round)s is closed."))

    @admin.action(description=_("Copy the selected rounds to the next year"))
    def copy_to_next_year(self, request, queryset):
        for source in queryset:
            year = source.year + 1
            try:
                copy = round_copy(
                    actor=request.user,
                    source=source,
                    year=year,
                    title_th=f"การคัดสรร OTOP ปี {display_year(year, 'th')}",
                )
            except REFUSALS as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(
                    request,
                    gettext("%(round)s was created as a draft.") % {"round": copy},
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
        return _sees_committee_work(request)

    def has_view_permission(self, request, obj=None):
        return _sees_committee_work(request)

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


# Rankings ----------------------------------------------------------------------------


class RankingChangeList(ChangeList):
    """The stored rankings and, on the first page, each of the user's
    committees' rankings in an open round that nobody has moved yet: unsaved
    and open, linked by round and committee (the first move stores one)."""

    def get_results(self, request):
        super().get_results(request)
        if self.page_num != 1:
            return
        unsaved = [r for r in rankings_not_started(request.user) if self._kept(r)]
        if unsaved:
            self.result_list = [*unsaved, *self.result_list]
            self.result_count += len(unsaved)
            if self.full_result_count is not None:
                self.full_result_count += len(unsaved)

    def _kept(self, ranking: Ranking) -> bool:
        """Whether the list's filters (status, tier, round) keep ``ranking``."""
        values = {
            "status__exact": ranking.status,
            "tier__exact": ranking.tier,
            "round__id__exact": str(ranking.round_id),
        }
        return all(
            name in IGNORED_PARAMS or values.get(name) in wanted
            for name, wanted in self.filter_params.items()
        )

    def url_for_result(self, result):
        if result.pk is None:
            return admin_views.ranking_urls(result)["page"]
        return super().url_for_result(result)


@admin.register(Ranking)
class RankingAdmin(NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "tier", "status", "finalized_at", "approved_at")
    list_filter = ("status", "tier", "round")
    actions = None

    def get_queryset(self, request):
        return rankings_visible_to(request.user)

    def get_changelist(self, request, **kwargs):
        return RankingChangeList

    def has_module_permission(self, request):
        return _sees_committee_work(request)

    def has_view_permission(self, request, obj=None):
        return _sees_committee_work(request)

    def get_urls(self):
        view = self.admin_site.admin_view
        of = "round/<int:round_id>/committee/<int:committee_id>/"
        return [
            path(of, view(self.of_view), name="selection_ranking_of"),
            path(
                f"{of}export.<str:fmt>",
                view(self.of_export_view),
                name="selection_ranking_of_export",
            ),
            path(
                f"{of}print/",
                view(self.of_print_view),
                name="selection_ranking_of_print",
            ),
            path(
                "<path:object_id>/export.<str:fmt>",
                view(self.export_view),
                name="selection_ranking_export",
            ),
            path(
                "<path:object_id>/print/",
                view(self.print_view),
                name="selection_ranking_print",
            ),
            *super().get_urls(),
        ]

    def _get(self, request, object_id) -> Ranking:
        # get_object answers None to an id that is not a number, and the
        # NotFoundOutsideQuerysetMixin turns None into a 404.
        return self.get_object(request, object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return admin_views.ranking_view(self, request, self._get(request, object_id))

    def export_view(self, request, object_id, fmt):
        return admin_views.ranking_export(self._get(request, object_id), fmt)

    def print_view(self, request, object_id):
        return admin_views.ranking_print(self, request, self._get(request, object_id))

    # A committee's ranking by round and committee, stored or not (the list
    # links here to those nobody has moved yet; looking stores nothing).

    def _of(self, request, round_id, committee_id) -> Ranking:
        ranking = ranking_of(
            user=request.user, round_id=round_id, committee_id=committee_id
        )
        if ranking is None or not self.has_view_permission(request):
            raise Http404
        return ranking

    def of_view(self, request, round_id, committee_id):
        ranking = self._of(request, round_id, committee_id)
        if ranking.pk is not None and request.method != "POST":
            return redirect("admin:selection_ranking_change", ranking.pk)
        return admin_views.ranking_view(self, request, ranking)

    def of_export_view(self, request, round_id, committee_id, fmt):
        return admin_views.ranking_export(
            self._of(request, round_id, committee_id), fmt
        )

    def of_print_view(self, request, round_id, committee_id):
        return admin_views.ranking_print(
            self, request, self._of(request, round_id, committee_id)
        )


# The audit trail ---------------------------------------------------------------------


@admin.register(NominationEvent)
class NominationEventAdmin(
    NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    list_display = ("at", "action", "nomination", "ranking", "actor", "move", "note")
    list_filter = ("action",)
    list_select_related = ("actor", "nomination__product", "ranking__committee")
    search_fields = ("nomination__product__name_th", "note")
    show_full_result_count = False
    actions = None

    def get_queryset(self, request):
        return events_visible_to(request.user).select_related(
            "actor", "nomination__product", "nomination__round", "ranking__committee"
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return _sees_committee_work(request) or request.user.has_perm(
            "selection.view_nominationevent"
        )

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="selection_nominationevent_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return admin_views.events_export(self.get_queryset(request))

    @admin.display(description=_("from → to"))
    def move(self, obj):
        before = " ".join(x for x in (obj.from_tier, obj.from_state) if x)
        after = " ".join(x for x in (obj.to_tier, obj.to_state) if x)
        return f"{before} → {after}" if before or after else ""
