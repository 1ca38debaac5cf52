import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordinators.models import (
    Coordinator,
    DeclineReason,
    Evaluation,
    Leave,
    Meeting,
    MeetingKind,
    Training,
    TrainingKind,
)
from ekc.editing import GuardedFormMixin
from ekc.forms import PlausibleDateField
from ekc.languages import language_choices
from ekc.models import Region
from ekc.widgets import LanguagePicker
from referrals.forms import DATE_INPUT
from referrals.models import Occasion


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you say no?"), choices=DeclineReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Explanation (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class ProposeForm(GuardedFormMixin, forms.Form):
    # Which coordinators may be proposed is the service's to decide (matching rules).
    coordinator = forms.ModelChoiceField(queryset=Coordinator.objects.select_related("user"))


class TransferForm(GuardedFormMixin, forms.Form):
    coordinator = forms.ModelChoiceField(
        label=_("Who takes over?"),
        queryset=Coordinator.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the coordinator who takes over.")},
    )
    reason = forms.CharField(
        label=_("Why does the case change coordinator?"),
        help_text=_(
            "Both coordinators read this, and it shows in the case timeline. Write no more"
            " about the family than needed."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Say why the case changes coordinator.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        # The service checks again: the matching may have changed since the page was read.
        self.fields["coordinator"].queryset = candidates

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the case changes coordinator."))
        return reason


class TransferDeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Explanation (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class ConflictForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"), queryset=Coordinator.objects.none()
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = Coordinator.objects.filter(
            user__regions=region
        ).select_related("user")


class ProfileForm(GuardedFormMixin, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), required=False, widget=LanguagePicker
    )
    occasions = forms.MultipleChoiceField(
        label=_("Occasions you have experience with"),
        required=False,
        choices=Occasion.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Coordinator
        fields = ["languages", "max_active_cases", "occasions"]
        help_texts = {"max_active_cases": _("How many open cases you can take at once.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()
        self.fields["max_active_cases"].widget.attrs.update({"min": 0, "max": 20})

    def clean_max_active_cases(self):
        value = self.cleaned_data["max_active_cases"]
        if value > 20:
            raise forms.ValidationError(_("At most 20 cases at once."))
        return value


class LeaveForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Leave
        fields = ["start", "end", "note"]
        widgets = {"start": DATE_INPUT, "end": DATE_INPUT}
        field_classes = {"start": PlausibleDateField, "end": PlausibleDateField}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The leave must end on or after its first day."))
        if end and end < timezone.localdate():
            self.add_error("end", _("This period is already over."))
        return cleaned


# Characters no CSV text holds (all control characters but tab, line feed and return).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma-separated, with a header row (see the column list below)."),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")
            ) from None
        if CONTROL_CHARACTERS.search(text):
            # Text, but not a spreadsheet's: a binary file that happens to be valid UTF-8.
            raise forms.ValidationError(
                _(
                    "The file holds characters that are not text. "
                    "Save it as 'CSV UTF-8' and try again."
                )
            )
        return text


class NotInFutureDateField(PlausibleDateField):
    """A date that has been: a course followed, an evaluation held."""

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."), code="future")


class TrainingForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Training
        fields = ["kind", "date", "note"]
        widgets = {"date": DATE_INPUT, "kind": forms.RadioSelect}
        field_classes = {"date": NotInFutureDateField}
        labels = {"note": _("Note (optional)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = TrainingKind.choices  # radios: no empty "- choose -"


class EvaluationForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["date", "summary", "next_due"]
        widgets = {
            "date": DATE_INPUT,
            "next_due": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"date": NotInFutureDateField, "next_due": PlausibleDateField}
        help_texts = {"next_due": _("Leave empty for a year after this evaluation.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_due"].required = False

    def clean(self):
        cleaned = super().clean()
        date, next_due = cleaned.get("date"), cleaned.get("next_due")
        if date and next_due and next_due <= date:
            self.add_error("next_due", _("The next evaluation comes after this one."))
        return cleaned


class MeetingForm(GuardedFormMixin, forms.ModelForm):
    """A meeting of one of the manager's regions; attendees serve that region."""

    class Meta:
        model = Meeting
        fields = ["kind", "date", "region", "note", "attendees"]
        widgets = {
            "date": DATE_INPUT,
            "kind": forms.RadioSelect,
            "attendees": forms.CheckboxSelectMultiple,
        }
        field_classes = {"date": PlausibleDateField}
        labels = {"note": _("Note (optional)")}

    def __init__(self, *args, regions, attendee_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MeetingKind.choices
        self.fields["region"].queryset = regions
        self.fields["attendees"].queryset = attendee_choices
        self.fields["attendees"].label_from_instance = lambda c: c.user.get_full_name()
        if self.instance.pk:
            # The region of a recorded meeting stays; only its attendance changes.
            self.fields["region"].disabled = True

    def clean(self):
        cleaned = super().clean()
        region, attendees = cleaned.get("region"), cleaned.get("attendees")
        if region and attendees:
            strangers = [
                c for c in attendees if region.pk not in {r.pk for r in c.user.regions.all()}
            ]
            if strangers:
                self.add_error(
                    "attendees",
                    _("%(names)s do not serve %(region)s.")
                    % {
                        "names": ", ".join(c.user.get_full_name() for c in strangers),
                        "region": region.name,
                    },
                )
        return cleaned


class RegionRequestForm(GuardedFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    motivation = forms.CharField(
        label=_("Why do you want to serve this region?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class RegionDecisionForm(forms.Form):
    """The two buttons of a question to serve a region: "approve" or "refuse"."""

    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])

    def clean_decision(self):
        # True to approve: the service takes a yes or no.
        return {"approve": True, "refuse": False}[self.cleaned_data["decision"]]
