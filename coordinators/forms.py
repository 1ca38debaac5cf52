import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordinators.models import Coordinator, DeclineReason, Leave
from ekc.editing import GuardedFormMixin
from ekc.forms import PlausibleDateField
from ekc.languages import language_choices
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
