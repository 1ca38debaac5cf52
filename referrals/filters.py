"""The work queue's and the non-offer list's filters (django-filter), limited to
what the user may see.

A value that does not validate (only possible by editing the address) drops that
filter alone: django-filter applies the valid fields' values and skips the rest.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ekc.forms import PlausibleDateField
from ekc.models import Organization, Region
from ekc.rules import is_administrator, is_regional_manager
from referrals import selectors
from referrals.lifecycle import CaseStatus
from referrals.models import NonOffer, Occasion
from referrals.rules import visible_non_offers_q

ENDED = [CaseStatus.CLOSED, CaseStatus.STOPPED]
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"})


def _options(queryset):
    return [(item.pk, str(item)) for item in queryset]


class PlausibleDateFilter(django_filters.DateFilter):
    field_class = PlausibleDateField


class WorkQueueFilter(django_filters.FilterSet):
    # Bounded: SQLite refuses a LIKE pattern over 50,000 bytes (a server error).
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    # The options are filled in per user (see __init__); a value outside them is
    # not valid and so not applied.
    region = django_filters.ChoiceFilter(label=_("Region"), empty_label=_("All regions"))
    organization = django_filters.ChoiceFilter(
        label=_("Organisation"), empty_label=_("All organisations")
    )
    occasion = django_filters.ChoiceFilter(
        label=_("Occasion"), choices=Occasion.choices, empty_label=_("All occasions")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, empty_label=_("All states")
    )
    attention = django_filters.BooleanFilter(
        label=_("Needs attention"), widget=forms.CheckboxInput, method="filter_attention"
    )

    def __init__(self, data=None, *, user):
        super().__init__(data, queryset=selectors.referrals_for(user))
        self.user = user
        # Only a manager's own regions and their organisations can be chosen (every
        # region for an administrator, none for anyone else): a filter must not
        # tell anyone what exists elsewhere. The options are plain lists.
        if is_administrator(user):
            regions = Region.objects.all()
        elif is_regional_manager(user):
            regions = Region.objects.filter(users=user)
        else:
            regions = Region.objects.none()
        organizations = Organization.objects.filter(region__in=regions)
        self.filters["region"].extra["choices"] = _options(regions)
        self.filters["organization"].extra["choices"] = _options(organizations)

    @property
    def search(self):
        """The search text that was applied ("" when none)."""
        return self._applied("q") or ""

    @property
    def search_includes_ended(self):
        """A search without a state also finds ended cases (a family's earlier case)."""
        return bool(self.search) and not self._applied("status")

    def _applied(self, name):
        """The value of filter ``name`` if it was given and valid, else None."""
        if not self.is_bound:
            return None
        self.form.is_valid()  # cleaned_data then holds the valid fields only
        return self.form.cleaned_data.get(name)

    def filter_search(self, queryset, name, value):
        return queryset.filter(selectors.search_q(value))

    def filter_attention(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(selectors.attention_q(selectors.attention_cutoffs()))

    @property
    def qs(self):
        """The filtered cases in queue order. Ended cases leave the queue unless
        asked for by state or searched for; they come last (the lifecycle order)."""
        queue = selectors.with_list_columns(super().qs, self.user)
        if not self._applied("status") and not self.search:
            queue = queue.exclude(status__in=ENDED)
        return selectors.in_queue_order(queue, first=selectors.leading_columns())


class NonOfferFilter(django_filters.FilterSet):
    start = PlausibleDateFilter(
        label=_("From"), field_name="decided_on", lookup_expr="gte", widget=DATE_WIDGET
    )
    end = PlausibleDateFilter(
        label=_("Until"), field_name="decided_on", lookup_expr="lte", widget=DATE_WIDGET
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        empty_label=_("All organisations"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *, user):
        visible = NonOffer.objects.filter(visible_non_offers_q(user))
        super().__init__(data, queryset=visible)
        # Only organisations whose decisions the user may see can be chosen.
        self.filters["organization"].queryset = Organization.objects.filter(
            pk__in=visible.values("organization")
        ).order_by("name")
