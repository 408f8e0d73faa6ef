from django import forms
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Kind
from committees.services import (
    COMMITTEE_EDITABLE,
    committee_create,
    committee_update,
)
from core.admin import ServiceForm
from products.models import Category


class ConflictForm(forms.Form):
    producer = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why you have a conflict of interest"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. a relative is a member of the group; you advise them."),
    )


class CommitteeAdminForm(ServiceForm):
    """The committee form of the admin. Validating runs the committee service
    as a dry run, so its rules (one active committee per kind, product types
    only for central subcommittees and at most one subcommittee per type)
    come back as form errors instead of a failed save."""

    class Meta:
        model = Committee
        fields = (
            "tier",
            "kind",
            "amphoe",
            "province",
            "product_types",
            "name_th",
            "name_en",
            "term_start",
            "term_end",
            "is_active",
        )
        widgets = {"product_types": forms.CheckboxSelectMultiple}
        help_texts = {
            "kind": _(
                "Central committees only: the national committee or one of its "
                "subcommittees."
            ),
            "product_types": _(
                "For a central subcommittee: the product types whose nominations "
                "its members score at the central tier. Types no subcommittee "
                "has are scored by the national committee."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "product_types" in self.fields:
            self.fields["product_types"].queryset = Category.objects.filter(
                parent__isnull=True
            ).order_by("order", "code")

    def _post_clean(self):
        # The service validates the model (full_clean) during the dry run.
        pass

    def write(self, data):
        return committee_save(self.request.user, self.instance, data)


def committee_save(actor, committee: Committee, data) -> Committee:
    """Create or update through the services from the admin form's data."""
    if committee.pk:
        return committee_update(
            actor=actor,
            committee=committee,
            **{name: data[name] for name in COMMITTEE_EDITABLE if name in data},
        )
    return committee_create(
        actor=actor,
        tier=data.get("tier"),
        kind=data.get("kind") or Kind.MAIN,
        amphoe=data.get("amphoe"),
        province=data.get("province"),
        term_start=data.get("term_start"),
        term_end=data.get("term_end"),
        name_th=data.get("name_th", ""),
        name_en=data.get("name_en", ""),
        product_types=data.get("product_types") or (),
    )
