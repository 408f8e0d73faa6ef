from django import forms

from support.models import SupportAction, SupportPlan
from support.services import ACTION_FIELDS, fiscal_years_for, ranked_nominations


class SupportActionForm(forms.ModelForm):
    class Meta:
        model = SupportAction
        fields = ACTION_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2, "cols": 50}),
            "outcome": forms.Textarea(attrs={"rows": 2, "cols": 50}),
        }

    def __init__(self, plan: SupportPlan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = ranked_nominations(plan).select_related(
            "product"
        )
        self.fields["nomination"].label_from_instance = lambda n: str(n.product)
        years = fiscal_years_for(plan.round)
        self.fields["fiscal_year"].widget = forms.Select(
            choices=[(year, year) for year in years]
        )
        if not self.instance.pk:
            self.initial.setdefault("fiscal_year", years[1])
