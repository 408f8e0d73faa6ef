from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import Producer, ProducerRegistration, Tambon
from communities.selectors import tambons_managed_by
from communities.services import (
    PRODUCER_FIELDS,
    ExistingRegistration,
    registration_existing_errors,
)
from core.forms import BuddhistEraDateField, BuddhistEraYearField


class TambonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Tambon) -> str:
        return f"{obj.name} · {obj.amphoe.name} · {obj.province.name}"


def managed_tambon_field(user: User, **kwargs) -> TambonChoiceField:
    return TambonChoiceField(
        queryset=tambons_managed_by(user).select_related("amphoe", "province"),
        label=_("Tambon"),
        **kwargs,
    )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where it can."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            known = field in form.fields and field != NON_FIELD_ERRORS
            form.add_error(field if known else None, errors)
    else:
        form.add_error(None, error)


class ProducerForm(forms.ModelForm):
    """Validates and cleans; the view saves through the producer services."""

    founded_year = BuddhistEraYearField(label=_("Founded (year)"), required=False)

    class Meta:
        model = Producer
        fields = ["tambon", *PRODUCER_FIELDS]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tambon"] = managed_tambon_field(user)
        self.fields["tambon"].label = Producer._meta.get_field("tambon").verbose_name


class ProducerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tambon"] = managed_tambon_field(
            user, required=False, empty_label=_("All my tambons")
        )
        self.order_fields(["tambon", "q"])


# OTOP producer registration ----------------------------------------------------


class RegistrationFilterForm(forms.Form):
    """The registration list's filters. An unknown value is an error (the
    page answers 400), never a silently wider list."""

    NOT_REGISTERED = "none"

    status = forms.ChoiceField(label=_("Registration status"), required=False)
    expiring = forms.BooleanField(label=_("Ending within 60 days"), required=False)
    q = forms.CharField(
        label=_("Search by name or number"), required=False, max_length=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("All")),
            (self.NOT_REGISTERED, _("Not registered")),
            *ProducerRegistration.Status.choices,
        ]


class RegistrationMoveForm(forms.Form):
    """One form for each move of the registration page, with the fields that
    move takes (``FIELDS``)."""

    FIELDS = {
        "apply": ("applied_on", "note"),
        "approve": ("number", "valid_until", "note"),
        "renew": ("valid_until", "note"),
        "mark_renewal_due": (),
        "cancel": ("reason",),
    }

    applied_on = BuddhistEraDateField(label=_("Applied on"))
    number = forms.CharField(
        label=_("OTOP registration number"),
        max_length=32,
        required=False,
        help_text=_("Leave empty to give the next number of the province."),
    )
    valid_until = BuddhistEraDateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for the usual period."),
    )
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, move: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS[move]:
                del self.fields[name]


class ExistingRegistrationForm(forms.Form):
    """The producer form's optional OTOP registration, for a registration made
    before the portal (an application, or an approved registration with its
    number and end). Left empty: the producer is not registered yet."""

    otop_status = forms.ChoiceField(
        label=_("OTOP registration"),
        required=False,
        choices=[
            ("", _("Not registered yet")),
            (ProducerRegistration.Status.APPLIED, _("Applied")),
            (ProducerRegistration.Status.APPROVED, _("Approved")),
        ],
    )
    otop_number = forms.CharField(
        label=_("OTOP registration number"), max_length=32, required=False
    )
    otop_applied_on = BuddhistEraDateField(label=_("Applied on"), required=False)
    otop_valid_until = BuddhistEraDateField(label=_("Valid until"), required=False)

    def existing(self) -> ExistingRegistration | None:
        data = self.cleaned_data
        if not data.get("otop_status"):
            return None
        return ExistingRegistration(
            status=data["otop_status"],
            number=data.get("otop_number", "").strip(),
            applied_on=data.get("otop_applied_on"),
            valid_until=data.get("otop_valid_until"),
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        existing = self.existing()
        if existing is None:
            for name in ("otop_number", "otop_applied_on", "otop_valid_until"):
                if data.get(name):
                    self.add_error(
                        "otop_status", _("Choose the status of the registration.")
                    )
                    break
            return data
        for field, message in registration_existing_errors(existing).items():
            self.add_error(f"otop_{field}", message)
        return data
