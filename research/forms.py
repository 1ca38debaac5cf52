from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.models import ConferenceKind
from ekc.forms import PlausibleDateField
from ekc.models import OrganizationType, Region
from referrals.forms import DATE_INPUT
from referrals.models import Occasion


class DashboardFilterForm(forms.Form):
    date_from = PlausibleDateField(label=_("Referred from"), required=False, widget=DATE_INPUT)
    date_to = PlausibleDateField(label=_("Referred until"), required=False, widget=DATE_INPUT)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    organization_type = forms.ChoiceField(label=_("Organisation type"), required=False)
    occasion = forms.ChoiceField(label=_("Occasion"), required=False)
    conference_kind = forms.ChoiceField(label=_("Kind of conference"), required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = _("All regions")
        self.fields["organization_type"].choices = [("", _("All types")), *OrganizationType.choices]
        self.fields["occasion"].choices = [("", _("All occasions")), *Occasion.choices]
        self.fields["conference_kind"].choices = [("", _("All kinds")), *ConferenceKind.choices]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("This date is before the first date."))
        return cleaned
