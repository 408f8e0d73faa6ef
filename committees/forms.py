from django import forms
from django.utils.translation import gettext_lazy as _


class ConflictForm(forms.Form):
    producer = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why you have a conflict of interest"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. a relative is a member of the group; you advise them."),
    )
