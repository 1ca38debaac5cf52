from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekc.editing import GuardedFormMixin
from ekc.forms import PlausibleDateField, RowInlineFormSet, with_added_row
from ekc.languages import language_choices
from ekc.models import Organization, User
from ekc.rules import is_administrator, is_region_staff
from ekc.widgets import LanguagePicker
from referrals.models import (
    Consent,
    InvolvedProfessional,
    MainPerson,
    NetworkMember,
    NonOffer,
    Referral,
    StopReason,
)
from referrals.sending import MAIN_PERSON, REQUIRED_TO_SEND, missing_to_send
from referrals.services import REFERRAL_ROWS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(GuardedFormMixin, forms.ModelForm):
    """The referral. Saving a draft needs only the organisation; submitting or
    registering needs the occasion, question, bounds, family name and a main person."""

    languages = forms.MultipleChoiceField(
        label=_("Languages of the family"),
        required=False,
        widget=LanguagePicker,
    )

    class Meta:
        model = Referral
        fields = [
            "organization",
            "referrer",
            "occasion",
            "question",
            "bounds",
            "problem_areas",
            "help_duration",
            "family_name",
            "address",
            "postcode",
            "municipality",
            "languages",
            "funder",
            "budget_number",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "bounds": forms.Textarea(attrs={"rows": 3}),
            "problem_areas": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, final=False, main_persons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.final = final
        # The main persons' row list, checked with the form when it is sent.
        self.main_persons = main_persons
        self.fields["languages"].choices = language_choices()
        self.fields["occasion"].required = False
        # A draft saves without them, but they carry the "*": it means "needed to send".
        for name in REQUIRED_TO_SEND:
            self.fields[name].required_to_send = True
        if is_region_staff(user):
            organizations = Organization.objects.select_related("region")
            if not is_administrator(user):
                organizations = organizations.filter(region__users=user)
            self.fields["organization"].queryset = organizations
            self.fields["referrer"].queryset = (
                User.objects.filter(
                    is_referrer=True, is_active=True, organization__in=organizations
                )
                .select_related("organization")
                .order_by("last_name", "first_name")
            )
            self.fields["referrer"].label_from_instance = lambda u: (
                f"{u.get_full_name()} ({u.organization})"
            )
            self.fields["referrer"].required = False
        else:
            # A referrer refers for their own organisation, as themselves.
            del self.fields["organization"]
            del self.fields["referrer"]

    def clean(self):
        cleaned = super().clean()
        if self.final:
            for name in missing_to_send(cleaned, has_main_person=self._has_main_person()):
                if name == MAIN_PERSON:
                    self.add_error(
                        None, _("Add at least one main person before you send the referral.")
                    )
                elif name in self.fields:
                    self.add_error(name, _("Fill this in before you send the referral."))
        referrer = cleaned.get("referrer")
        organization = cleaned.get("organization")
        if referrer and organization and referrer.organization_id != organization.pk:
            self.add_error("referrer", _("This referrer does not work at the chosen organisation."))
        return cleaned

    def _has_main_person(self):
        if self.main_persons is None or not self.main_persons.is_valid():
            return True  # no rows sent, or their own errors show: nothing to add here
        return any(
            row.get("name") and not row.get("DELETE") for row in self.main_persons.cleaned_data
        )


class MainPersonForm(forms.ModelForm):
    class Meta:
        model = MainPerson
        fields = REFERRAL_ROWS["main_persons"][1]
        widgets = {"birth_date": DATE_INPUT}
        field_classes = {"birth_date": PlausibleDateField}

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("A birth date cannot be in the future."))
        return born

    def has_changed(self):
        # The "child" tick alone does not make an empty row worth saving.
        return any(
            name in self.changed_data for name in ("name", "birth_date", "sex", "lives_with")
        )

    def clean(self):
        cleaned = super().clean()
        if self.has_changed() and not cleaned.get("name") and not cleaned.get("DELETE"):
            self.add_error("name", _("Fill in a name, or empty the row."))
        return cleaned


class ProfessionalForm(forms.ModelForm):
    class Meta:
        model = InvolvedProfessional
        fields = REFERRAL_ROWS["professionals"][1]


class NetworkMemberForm(forms.ModelForm):
    class Meta:
        model = NetworkMember
        fields = REFERRAL_ROWS["network"][1]


def _formset(model, form, extra=1):
    return inlineformset_factory(
        Referral,
        model,
        form=form,
        formset=RowInlineFormSet,
        extra=extra,
        can_delete=True,
        max_num=60,
        absolute_max=60,
    )


FORMSETS = {
    "main_persons": (MainPerson, MainPersonForm, _("Main persons and children")),
    "professionals": (InvolvedProfessional, ProfessionalForm, _("Other professionals involved")),
    "network": (NetworkMember, NetworkMemberForm, _("Network members already known")),
}


def build_formsets(data=None, instance=None, add=None):
    """The three row lists of the referral form. ``add`` names one that gets an extra row."""
    if data is not None and add in FORMSETS:
        data = with_added_row(data, add)
    formsets = {}
    for prefix, (model, form, title) in FORMSETS.items():
        extra = 1 if instance is None or not instance.pk else 0
        formset = _formset(model, form, extra=extra)(data, instance=instance, prefix=prefix)
        formset.title = title
        formset.required_to_send = prefix == MAIN_PERSON
        formsets[prefix] = formset
    return formsets


class ConsentForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["given_by", "given_on", "scope"]
        widgets = {"given_on": DATE_INPUT, "scope": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"given_on": PlausibleDateField}

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("Consent cannot be given in the future."))
        return given_on


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class StopForm(forms.Form):
    # Withdrawn consent is a step of its own (privacy): it also ends survey links
    # and tells the coordinator and the referrer.
    reason = forms.ChoiceField(
        label=_("Why does the case end?"),
        choices=[c for c in StopReason.choices if c[0] != StopReason.CONSENT_WITHDRAWN],
    )
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == StopReason.OTHER and not cleaned.get("note"):
            self.add_error("note", _("Explain the reason when you choose 'Other'."))
        return cleaned


class NonOfferForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = NonOffer
        fields = ["decided_on", "occasion", "motivation"]
        widgets = {"decided_on": DATE_INPUT, "motivation": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"decided_on": PlausibleDateField}

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day


class FamilyLinkForm(forms.Form):
    """The earlier case of the family: one EKC found (``previous``) or one the
    regional manager types the reference of."""

    previous = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reference = forms.CharField(
        label=_("Reference of the earlier case"),
        required=False,
        max_length=20,
        help_text=_("For example EK-2019-0031."),
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases  # the cases the user may see

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        reference = " ".join((data.get("reference") or "").split()).upper()
        if data.get("previous"):
            found = self.cases.filter(pk=data["previous"]).first()
        elif reference:
            if not reference.startswith("EK-") and reference[:1].isdigit():
                reference = f"EK-{reference}"
            found = self.cases.filter(reference=reference).first()
        else:
            self.add_error("reference", _("Fill in the reference of the earlier case."))
            return data
        if found is None:
            self.add_error(
                "reference",
                _("There is no case with this reference that you may see."),
            )
        data["found"] = found
        return data
