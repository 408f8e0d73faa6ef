from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.forms import managed_tambon_field
from communities.models import Producer
from communities.selectors import producers_visible_to
from core.forms import BuddhistEraDateField
from products.models import (
    Category,
    Certification,
    ImportJob,
    Product,
    ProductImage,
    Standard,
)


def leaf_categories():
    return (
        Category.objects.filter(parent__isnull=False, is_active=True)
        .select_related("parent")
        .order_by("parent__order", "parent__code", "order", "code")
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent} › {obj}"


class ProducerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Producer) -> str:
        return f"{obj.name_th} · {obj.tambon.name}"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ProductForm(forms.ModelForm):
    """Product fields, raw materials and one new photo; validation only —
    the view saves through products.services.product_save."""

    local_materials = forms.CharField(
        label=_("Local raw materials"),
        help_text=_("One per line; sourced in the community or province."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    other_materials = forms.CharField(
        label=_("Raw materials from elsewhere"),
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    photo = forms.FileField(
        label=_("Add a photo"),
        help_text=_("JPEG, PNG or WebP, up to 5 MB."),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )
    photo_caption = forms.CharField(
        label=_("Photo caption"), max_length=200, required=False
    )
    primary_photo = forms.ModelChoiceField(
        label=_("Primary photo"),
        queryset=ProductImage.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )
    remove_photos = forms.ModelMultipleChoiceField(
        label=_("Remove photos"),
        queryset=ProductImage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    remove_certifications = forms.ModelMultipleChoiceField(
        label=_("Remove certificates"),
        queryset=Certification.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Product
        fields = [
            "producer",
            "category",
            "name_th",
            "name_en",
            "description",
            "story",
            "price",
            "unit",
            "monthly_capacity",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "story": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"] = ProducerChoiceField(
            queryset=producers_visible_to(user).select_related("tambon"),
            label=Product._meta.get_field("producer").verbose_name,
        )
        self.fields["category"] = CategoryChoiceField(
            queryset=leaf_categories(),
            label=Product._meta.get_field("category").verbose_name,
        )
        product = self.instance
        if product.pk:
            self.fields["primary_photo"].queryset = product.images.all()
            self.fields["remove_photos"].queryset = product.images.all()
            self.fields[
                "remove_certifications"
            ].queryset = product.certifications.select_related("standard")
            materials = list(product.raw_materials.all())
            self.initial.setdefault(
                "local_materials",
                "\n".join(m.name for m in materials if m.is_local),
            )
            self.initial.setdefault(
                "other_materials",
                "\n".join(m.name for m in materials if not m.is_local),
            )
            primary = next(
                (i for i in self.fields["primary_photo"].queryset if i.is_primary), None
            )
            self.initial.setdefault("primary_photo", primary)
        else:
            for name in ("primary_photo", "remove_photos", "remove_certifications"):
                del self.fields[name]

    def raw_materials(self) -> list[tuple[str, bool]]:
        data = self.cleaned_data
        return [(name, True) for name in _lines(data["local_materials"])] + [
            (name, False) for name in _lines(data["other_materials"])
        ]


class CertificationForm(forms.Form):
    standard = forms.ModelChoiceField(
        label=_("Standard"), queryset=Standard.objects.filter(is_active=True)
    )
    number = forms.CharField(label=_("Certificate number"), max_length=100)
    issued_on = BuddhistEraDateField(label=_("Issued on"), required=False)
    expires_on = BuddhistEraDateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Leave empty if it never expires."),
    )

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The expiry date is before the issue date."))
        return data


CertificationFormSet = forms.formset_factory(CertificationForm, extra=1)


class ProductFilterForm(forms.Form):
    COMPLETE, INCOMPLETE = "complete", "incomplete"

    q = forms.CharField(label=_("Search by name"), required=False)
    completeness = forms.ChoiceField(
        label=_("Completeness"),
        required=False,
        choices=[
            ("", _("All")),
            (COMPLETE, _("Complete")),
            (INCOMPLETE, _("Incomplete")),
        ],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tambon"] = managed_tambon_field(
            user, required=False, empty_label=_("All my tambons")
        )
        self.fields["category"] = CategoryChoiceField(
            queryset=leaf_categories(),
            label=_("Category"),
            required=False,
            empty_label=_("All categories"),
        )
        self.order_fields(["tambon", "category", "completeness", "q"])


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=ImportJob.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Kind.PRODUCTS,
    )
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_(
            "The first row holds the column names, as in the template. "
            "Up to 100,000 rows and 50 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/"
                "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
