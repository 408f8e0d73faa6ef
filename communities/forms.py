from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import Producer, Tambon
from communities.selectors import tambons_managed_by
from communities.services import PRODUCER_FIELDS
from core.forms import BuddhistEraYearField


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
