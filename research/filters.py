"""The dashboard's cohort filters (django-filter), limited to what the user may see.

A value that does not validate (a tampered address, or an end date before the start)
drops that filter alone: the valid fields' values still apply.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.models import ConferenceKind
from ekc.forms import PlausibleDateField
from ekc.models import OrganizationType, Region
from ekc.rules import region_ids
from referrals.forms import DATE_INPUT
from referrals.models import Occasion, Referral
from research.rules import can_view_research, limited_to_own_regions
from research.stats import Filters


class PlausibleDateFilter(django_filters.DateFilter):
    field_class = PlausibleDateField


class CohortForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("This date is before the first date."))
        return cleaned


class DashboardFilter(django_filters.FilterSet):
    """The statistics compute the cohort from ``stats_filters()`` (research.stats)."""

    date_from = PlausibleDateFilter(label=_("Referred from"), widget=DATE_INPUT)
    date_to = PlausibleDateFilter(label=_("Referred until"), widget=DATE_INPUT)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.none(), empty_label=_("All regions")
    )
    organization_type = django_filters.ChoiceFilter(
        label=_("Organisation type"), choices=OrganizationType.choices, empty_label=_("All types")
    )
    occasion = django_filters.ChoiceFilter(
        label=_("Occasion"), choices=Occasion.choices, empty_label=_("All occasions")
    )
    conference_kind = django_filters.ChoiceFilter(
        label=_("Kind of conference"), choices=ConferenceKind.choices, empty_label=_("All kinds")
    )

    class Meta:
        form = CohortForm

    def __init__(self, data=None, *, user):
        super().__init__(data, queryset=Referral.objects.none())
        self.own_only = limited_to_own_regions(user)
        self.region_ids = tuple(region_ids(user)) if self.own_only else None
        if not can_view_research(user):
            regions = Region.objects.none()
        elif self.own_only:
            regions = Region.objects.filter(pk__in=self.region_ids)
        else:
            regions = Region.objects.all()
        self.filters["region"].queryset = regions

    def stats_filters(self):
        """The statistics' ``Filters`` for the valid values (a regional manager's
        own regions always apply)."""
        cleaned = {}
        if self.is_bound:
            self.form.is_valid()  # cleaned_data then holds the valid fields only
            cleaned = self.form.cleaned_data
        region = cleaned.get("region")
        return Filters(
            date_from=cleaned.get("date_from"),
            date_to=cleaned.get("date_to"),
            region=region.name if region else None,
            occasion=cleaned.get("occasion") or None,
            organization_type=cleaned.get("organization_type") or None,
            conference_kind=cleaned.get("conference_kind") or None,
            region_ids=self.region_ids,
        )
