from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekc.forms import PlausibleDateField
from privacy.access_report import subject_of, subjects
from privacy.models import REFUSAL_GROUNDS, Requester, RequestKind, RequestOutcome
from privacy.services import OUTCOMES, requester_problem
from referrals.forms import DATE_INPUT


def _not_in_future(day):
    if day > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return day


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
        return _not_in_future(self.cleaned_data["withdrawn_on"])


class RightsRequestForm(forms.Form):
    """Record a request of the family about its file."""

    kind = forms.ChoiceField(
        label=_("What is asked?"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    subject = forms.ChoiceField(label=_("For whom?"))
    requester = forms.ChoiceField(
        label=_("Who asked?"), choices=Requester.choices, widget=forms.RadioSelect
    )
    requester_name = forms.CharField(
        label=_("Name of who asked"),
        required=False,
        max_length=150,
        help_text=_("Only when someone else asked for the person."),
    )
    requested_on = PlausibleDateField(label=_("Received on"), widget=DATE_INPUT)
    details = forms.CharField(
        label=_("What is asked"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a correction: what is wrong, and what it should be."),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["subject"].choices = [("", "—"), *subjects(referral)]

    def clean_requested_on(self):
        return _not_in_future(self.cleaned_data["requested_on"])

    def clean(self):
        data = super().clean()
        requester, day = data.get("requester"), data.get("requested_on")
        person = subject_of(self.referral, data.get("subject") or "")
        if person and requester and day:
            problem = requester_problem(person=person, requester=requester, requested_on=day)
            if problem:
                self.add_error("requester", problem)
        if requester and requester != Requester.SELF and not data.get("requester_name", "").strip():
            self.add_error("requester_name", _("Fill in who asked for the person."))
        if data.get("kind") == RequestKind.CORRECTION and not data.get("details", "").strip():
            self.add_error("details", _("Write down what is wrong, and what it should be."))
        return data


class RightsDecisionForm(forms.Form):
    """Decide an open request: the outcomes and grounds of its kind only."""

    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    decided_on = PlausibleDateField(label=_("Decided on"), widget=DATE_INPUT)
    refusal_ground = forms.ChoiceField(
        label=_("Ground for refusal"), required=False, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I know that a destroyed file cannot be brought back."), required=False
    )

    def __init__(self, *args, rights_request, can_destroy=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rights_request = rights_request
        kind = rights_request.kind
        # While a legal hold lasts or the case runs, destroying is not offered.
        self.fields["outcome"].choices = [
            (value, RequestOutcome(value).label)
            for value in OUTCOMES[kind]
            if can_destroy or value != RequestOutcome.DESTROYED
        ]
        self.fields["refusal_ground"].choices = [
            (ground.value, ground.label) for ground in REFUSAL_GROUNDS[kind]
        ]
        self.fields["note"].help_text = {
            RequestKind.ACCESS: _("For example: how the report was given. Required for a refusal."),
            RequestKind.CORRECTION: _("What you corrected, or why the data stays as it is."),
            RequestKind.DESTRUCTION: _("Required for a refusal: explain it to the family."),
        }[kind]
        if kind != RequestKind.DESTRUCTION:
            del self.fields["confirm"]

    def clean_decided_on(self):
        day = _not_in_future(self.cleaned_data["decided_on"])
        if day < self.rights_request.requested_on:
            raise forms.ValidationError(_("This date is before the request was received."))
        return day

    def clean(self):
        data = super().clean()
        outcome, note = data.get("outcome"), data.get("note", "").strip()
        if outcome == RequestOutcome.REFUSED:
            if not data.get("refusal_ground"):
                self.add_error("refusal_ground", _("Choose the ground for the refusal."))
            if not note:
                self.add_error("note", _("Explain the refusal."))
        else:
            data["refusal_ground"] = ""
        if outcome == RequestOutcome.CORRECTED and not note:
            self.add_error("note", _("Say what you corrected."))
        if outcome == RequestOutcome.DESTROYED and not data.get("confirm"):
            self.add_error("confirm", _("Tick this to destroy the file."))
        data.pop("confirm", None)
        return data
