"""Officer forms for the selection: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.forms import managed_tambon_field
from core.forms import BuddhistEraDateField
from products.models import Product
from products.selectors import products_visible_to
from selection.eligibility import ineligibility
from selection.models import Nomination, Round, Tier


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Round) -> str:
        return str(obj)


class NominationFilterForm(forms.Form):
    """The list's filters: a round (the open one by default), tambon, tier, state."""

    tier = forms.ChoiceField(
        label=_("Tier"),
        required=False,
        choices=[("", _("All tiers")), *Tier.choices],
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *Nomination.State.choices],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"] = RoundChoiceField(
            queryset=Round.objects.exclude(status=Round.Status.DRAFT),
            label=_("Round"),
            required=False,
            empty_label=_("The open round"),
        )
        self.fields["tambon"] = managed_tambon_field(
            user, required=False, empty_label=_("All my tambons")
        )
        self.order_fields(["round", "tambon", "tier", "state"])


class ForumForm(forms.Form):
    held_on = BuddhistEraDateField(label=_("Held on"))
    attendee_count = forms.IntegerField(
        label=_("Number of attendees"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the forum decided: the products it chose to put forward."),
    )
    minutes = forms.FileField(
        label=_("Minutes (PDF or photo)"),
        required=False,
        help_text=_("The signed minutes as a PDF, or a JPEG, PNG or WebP photo."),
        widget=forms.FileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}
        ),
    )


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return f"{obj.name_th} · {obj.producer.name_th}"


class NominateForm(forms.Form):
    """Any of the officer's products not yet in the round is accepted, so that
    the service, not the form, explains what an incomplete product lacks; the
    menu offers only the complete ones."""

    def __init__(self, *args, user: User, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = (
            products_visible_to(user)
            .exclude(nominations__round=round_)
            .select_related("producer")
        )
        field = ProductChoiceField(
            queryset=candidates,
            label=_("Product"),
            empty_label=_("Choose a complete product"),
            help_text=_(
                "Only complete products not yet nominated that this round takes "
                "are listed."
            ),
        )
        self.fields["product"] = field
        complete = list(
            candidates.with_completeness()
            .filter(is_complete=True)
            .select_related("category__parent")
            .order_by("producer__tambon_id", "name_th")
        )
        # Complete, but the round does not take them: listed with the reasons.
        reasons = ineligibility(round_, complete)
        self.eligible = [p for p in complete if not reasons[p.pk]]
        self.ineligible = [(p, reasons[p.pk]) for p in complete if reasons[p.pk]]
        field.widget.choices = [
            ("", field.empty_label),
            *((p.pk, field.label_from_instance(p)) for p in self.eligible),
        ]


class ResubmitForm(forms.Form):
    response = forms.CharField(
        label=_("Your answer to the committee"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
