from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekc.editing import GuardedFormMixin
from ekc.forms import PlausibleDateField, row_formset
from ekc.languages import language_choices
from ekc.models import OrganizationType
from plans.models import (
    AgreementStatus,
    CarriedBy,
    Decision,
    EvaluationDecision,
    FamilyPlan,
    LifeDomain,
    OutcomeCode,
    UnmetBound,
)
from plans.scans import check_scan, stored_name
from referrals.forms import DATE_INPUT


class PlanForm(GuardedFormMixin, forms.ModelForm):
    version_attr = "edit_version"
    written_language = forms.ChoiceField(label=_("Language the plan is written in"))

    class Meta:
        model = FamilyPlan
        fields = ["written_language", "contingency", "reconvene", "contact_person", "scan"]
        widgets = {
            "contingency": forms.Textarea(attrs={"rows": 2}),
            "reconvene": forms.Textarea(attrs={"rows": 2}),
            "scan": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["written_language"].choices = language_choices()
        self.fields["scan"].help_text = _(
            "A PDF of at most %(pages)s pages, or a JPEG or PNG photo of at most "
            "%(megapixels)s megapixels; at most %(mb)s MB."
        ) % {
            "pages": settings.PLAN_SCAN_MAX_PAGES,
            "megapixels": settings.PLAN_SCAN_MAX_PIXELS // 1_000_000,
            "mb": settings.PLAN_SCAN_MAX_BYTES // 2**20,
        }

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not scan or not hasattr(scan, "content_type"):
            return scan  # unchanged or cleared
        if scan.size > settings.PLAN_SCAN_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.PLAN_SCAN_MAX_BYTES // 2**20}
            )
        kind = check_scan(scan)  # opens it: PDF, JPEG or PNG, or a ValidationError
        scan.name = stored_name(kind)
        return scan


class AgreementForm(forms.Form):
    what = forms.CharField(
        label=_("What will happen"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    who = forms.CharField(label=_("Who does it"), max_length=300)
    when = forms.CharField(label=_("When, or how often"), max_length=200, required=False)
    # No domain is chosen for you: an untouched extra row then stays empty (and is
    # left out) instead of asking for "what" and "who".
    life_domain = forms.ChoiceField(
        label=_("Life domain"), choices=[("", "—"), *LifeDomain.choices]
    )
    carried_by = forms.ChoiceField(
        label=_("Carried by"), choices=CarriedBy.choices, initial=CarriedBy.NETWORK
    )
    organization_type = forms.ChoiceField(
        label=_("Organisation asked"),
        choices=[("", "—"), *OrganizationType.choices],
        required=False,
    )

    def summary(self):
        """What the folded row shows in one line: life domain, who, what (as typed)."""
        domain = self["life_domain"].value()
        return {
            "life_domain": LifeDomain(domain).label if domain in LifeDomain.values else "",
            "who": (self["who"].value() or "").strip(),
            "what": " ".join((self["what"].value() or "").split()),
        }

    def starts_open(self):
        """Unfolded when it has an error or nothing is typed in it yet."""
        return bool(self.errors) or not self.summary()["what"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("carried_by") == CarriedBy.PROFESSIONAL and not cleaned.get(
            "organization_type"
        ):
            self.add_error("organization_type", _("Which kind of organisation is asked for help?"))
        return cleaned


AgreementFormSet = row_formset(AgreementForm, extra=1, max_num=200, can_delete=True)


class EvaluationDateForm(forms.Form):
    due_on = PlausibleDateField(label=_("Evaluation date"), widget=DATE_INPUT, required=False)


EvaluationDateFormSet = row_formset(EvaluationDateForm, extra=1, max_num=12)


class DecisionForm(GuardedFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unmet_bound = forms.ChoiceField(
        label=_("Which bound does the plan not meet?"),
        choices=[("", "—"), *UnmetBound.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say precisely what is not safe or not legal, so the family can change it."),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if (
            decision == Decision.ACCEPTED_WITH_CONDITIONS
            and not cleaned.get("conditions", "").strip()
        ):
            self.add_error("conditions", _("Write down the conditions."))
        if decision == Decision.REJECTED:
            if not cleaned.get("unmet_bound"):
                self.add_error("unmet_bound", _("Say which bound is not met."))
            if not cleaned.get("reason", "").strip():
                self.add_error("reason", _("A reason is needed when you do not accept the plan."))
        # What was typed for another decision (hidden once this one was chosen) is not kept.
        if decision != Decision.ACCEPTED_WITH_CONDITIONS:
            cleaned["conditions"] = ""
        if decision != Decision.REJECTED:
            cleaned["unmet_bound"] = ""
            cleaned["reason"] = ""
        return cleaned


class HelpForm(GuardedFormMixin, forms.Form):
    started_on = PlausibleDateField(label=_("Help started on"), required=False, widget=DATE_INPUT)
    not_started_note = forms.CharField(label=_("Or: why not yet"), required=False, max_length=300)

    def clean_started_on(self):
        day = self.cleaned_data.get("started_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("started_on") and not cleaned.get("not_started_note", "").strip():
            raise forms.ValidationError(_("Fill in the date the help started, or why it has not."))
        return cleaned


class EvaluationForm(GuardedFormMixin, forms.Form):
    held_on = PlausibleDateField(label=_("Date"), widget=DATE_INPUT)
    present = forms.CharField(label=_("Who was there"), widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(
        label=_("Short note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(
        label=_("What next?"), choices=EvaluationDecision.choices, widget=forms.RadioSelect
    )
    outcomes = forms.MultipleChoiceField(
        label=_("Outcomes (when closing)"),
        choices=OutcomeCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreements = agreements
        self.fields["held_on"].initial = timezone.localdate()
        for agreement in agreements:
            self.fields[f"status_{agreement.pk}"] = forms.ChoiceField(
                label=agreement.what,
                choices=AgreementStatus.choices,
                widget=forms.RadioSelect,
            )

    def status_fields(self):
        return [(a, self[f"status_{a.pk}"]) for a in self.agreements]

    def statuses(self):
        return {a.pk: self.cleaned_data[f"status_{a.pk}"] for a in self.agreements}

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day


class CloseForm(forms.Form):
    outcomes = forms.MultipleChoiceField(
        label=_("Outcomes"),
        choices=OutcomeCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what is known. Leave all empty when no outcome is known."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
