"""Admin pieces shared by the apps (nothing is registered here)."""

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.buddhist_era import format_date, format_datetime
from core.forms import BuddhistEraDateField, BuddhistEraYearField
from core.workflow import REFUSALS, refusal_messages


def era_column(field: str, description):
    """A list or read-only column showing the date or time in ``field`` in
    the reader's era (B.E. on a Thai page), sorted by the field: Django's own
    display would show the Christian year. ``assigned = era_column(...)``."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        value = getattr(obj, field)
        if value is None:
            return self.get_empty_value_display()
        if isinstance(value, dt.datetime):
            return format_datetime(value)
        return format_date(value)

    return column


class ReadOnlyAdminMixin:
    """Shown in the admin, never written from it: these rows are written by
    the services behind the portal's own pages, imports and tasks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NotFoundOutsideQuerysetMixin:
    """An object outside the user's queryset (or no object at all) is a 404,
    not the admin's usual redirect to its index with "does not exist": the
    change, delete and history pages (and any custom page that asks
    ``get_object``) answer alike, and alike to every id-bearing URL of the
    portal. Objects inside the queryset still meet the admin's permission
    checks (403)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class AuditTrailInline(ReadOnlyAdminMixin, admin.TabularInline):
    """An audit trail (core.events) under what it is about: read-only, its
    times in the reader's era. A subclass names the ``model``, the ``fields``
    (``at_display`` for the time) and the rows to join (``related``)."""

    fields = ("at_display", "action", "actor", "note")
    related: tuple[str, ...] = ("actor",)
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)

    @admin.display(description=_("at"))
    def at_display(self, obj):
        return format_datetime(obj.at)


class ServiceForm(forms.ModelForm):
    """An admin form saved by a service (``write``). Validating runs the
    service once as a dry run, rolled back, so a rule it enforces comes back
    as a form error instead of a failed save: a refusal naming a field of the
    form beside that field, any other at the top."""

    request = None  # set by ServiceFormAdminMixin.get_form

    def write(self, data):
        """Call the service with the cleaned ``data``; return what it saved."""
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors or self.request is None:
            return data
        try:
            with transaction.atomic():
                self.write(data)
                transaction.set_rollback(True)
        except REFUSALS as error:
            for field, messages in self._placed(error).items():
                self.add_error(field, messages)
        return data

    def _placed(self, error: Exception) -> dict[str | None, list[str]]:
        if not (isinstance(error, ValidationError) and hasattr(error, "error_dict")):
            return {None: refusal_messages(error)}
        placed: dict[str | None, list[str]] = {}
        for name, messages in error.message_dict.items():
            placed.setdefault(name if name in self.fields else None, []).extend(
                messages
            )
        return placed


class BuddhistEraAdminMixin:
    """Dates and the years named in ``be_year_fields`` typed and shown in the
    reader's era on the admin's forms (``31/01/2570`` in Thai), like the
    portal's own forms; stored in C.E. as ever. A C.E. year typed in Thai is
    still read right (core.forms: 2400 and over is B.E.)."""

    be_year_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        common = {"required": not db_field.blank, "help_text": ""}
        if type(db_field) is models.DateField:
            return BuddhistEraDateField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                required=common["required"],
            )
        if db_field.name in self.be_year_fields:
            return BuddhistEraYearField(label=capfirst(_("year")), **common)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ServiceFormAdminMixin:
    """For a ModelAdmin whose ``form`` is a ServiceForm: the form gets the
    request (the acting user), and saving calls the service."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request = request
        return form

    def save_model(self, request, obj, form, change):
        # The admin logs and announces ``obj``: give it what was saved.
        saved = form.write(form.cleaned_data)
        for field in saved._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
