"""Rounds in the admin, for central staff: the round, its criteria, star
bands, type quotas and documents, each saved through selection.rounds."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import BuddhistEraAdminMixin, NotFoundOutsideQuerysetMixin, era_column
from core.buddhist_era import display_year, format_datetime
from core.workflow import REFUSALS, refusal_messages, refusal_text
from selection.documents import (
    round_document_add,
    round_document_remove,
    validate_round_pdf,
)
from selection.models import (
    Criterion,
    PlanStep,
    Round,
    RoundDocument,
    StarBand,
    TypeQuota,
    plan_problems,
)
from selection.rounds import (
    CRITERION_FIELDS,
    PLAN_FIELDS,
    STAR_BAND_FIELDS,
    TYPE_QUOTA_FIELDS,
    criteria_problems,
    round_actions,
    round_close,
    round_copy,
    round_create,
    round_criteria_edit,
    round_open,
    round_plan_edit,
    round_star_bands_edit,
    round_type_quotas_edit,
    round_update,
    star_bands_problems,
    type_quotas_problems,
)

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


class PlanFormSet(ReferenceFormSet):
    problems = staticmethod(plan_problems)


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


class PlanStepInline(DraftRoundInline):
    """The round's plan: a row per tier that takes part (selection.models.plans)."""

    model = PlanStep
    formset = PlanFormSet
    fields = PLAN_FIELDS

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Three letters and a score: narrow boxes keep the row on the screen.
        if db_field.name == "parts":
            kwargs["widget"] = forms.TextInput(attrs={"size": 4})
        elif db_field.name == "threshold":
            kwargs["widget"] = forms.TextInput(
                attrs={"size": 6, "inputmode": "decimal"}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TypeQuotaInline(DraftRoundInline):
    model = TypeQuota
    formset = TypeQuotasFormSet
    fields = TYPE_QUOTA_FIELDS


# Each inline's rows are saved by one service, which takes these fields.
REFERENCE_EDITS = {
    Criterion: (round_criteria_edit, CRITERION_FIELDS),
    StarBand: (round_star_bands_edit, STAR_BAND_FIELDS),
    TypeQuota: (round_type_quotas_edit, TYPE_QUOTA_FIELDS),
    PlanStep: (round_plan_edit, PLAN_FIELDS),
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


ELIGIBILITY_FIELDS = (
    "cutoff_date",
    "require_registration",
    "eligible_standards",
    "eligible_types",
)
ROUND_FIELDS = (
    "year",
    "title_th",
    "title_en",
    "tambon_deadline",
    "amphoe_deadline",
    "province_deadline",
    "central_deadline",
    "preset",
    "cutoff_date",
    "require_registration",
    "eligible_standards",
    "eligible_types",
    "quorum",
    "quorum_minimum",
)


@admin.register(Round)
class RoundAdmin(BuddhistEraAdminMixin, NotFoundOutsideQuerysetMixin, admin.ModelAdmin):
    be_year_fields = ("year",)
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
    # A handful of standards and product types: ticks read better than a
    # multiple select and its untranslated "Hold down Control" hint.
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}
    }

    def get_readonly_fields(self, request, obj=None):
        # The preset is chosen when the round is created; its plan is then
        # edited row by row. Who may enter is fixed with the plan once the
        # round opens (round_update refuses it then).
        if obj is None:
            return ("status",)
        if "edit_reference" in round_actions(request.user, obj):
            return ("status", "preset")
        return ("status", "preset", *ELIGIBILITY_FIELDS)

    actions = ("open_round", "close_round", "copy_to_next_year")

    def get_fields(self, request, obj=None):
        return ROUND_FIELDS if obj is None else (*ROUND_FIELDS, "status")

    def get_inlines(self, request, obj):
        # A new round gets the default star bands from round_create; its
        # criteria and quotas are added once it exists.
        if obj is None:
            return ()
        return (
            PlanStepInline,
            CriterionInline,
            StarBandInline,
            TypeQuotaInline,
            RoundDocumentInline,
        )

    @admin.display(description=_("year"), ordering="year")
    def year_be(self, obj):
        return display_year(obj.year)

    tambon_deadline_be = era_column("tambon_deadline", _("tambon submissions close"))
    amphoe_deadline_be = era_column("amphoe_deadline", _("district rankings close"))
    province_deadline_be = era_column(
        "province_deadline", _("provincial rankings close")
    )
    central_deadline_be = era_column("central_deadline", _("central awards close"))

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
