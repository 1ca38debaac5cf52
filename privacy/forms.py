from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekc.forms import PlausibleDateField
from referrals.forms import DATE_INPUT


class ConsentWithdrawalForm(forms.Form):
    withdrawn_on = PlausibleDateField(
        label=_("When did the family withdraw its consent?"), widget=DATE_INPUT
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Do not write down more than is needed."),
    )

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day
