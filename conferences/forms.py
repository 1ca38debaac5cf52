import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conferences.models import (
    NOTE_MAX_LENGTH,
    Attendance,
    ConferenceKind,
    ContactMethod,
    LocationType,
)
from ekc.editing import OUT_OF_DATE, GuardedFormMixin
from ekc.forms import PlausibleDateField, row_formset
from ekc.languages import language_choices
from ekc.widgets import LanguagePicker
from referrals.forms import DATE_INPUT
from referrals.models import Invitation, NetworkMember

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ContactForm(GuardedFormMixin, forms.Form):
    on = PlausibleDateField(label=_("Date"), widget=DATE_INPUT)
    member = forms.ModelChoiceField(
        label=_("With (network)"), queryset=NetworkMember.objects.none(), required=False
    )
    professional = forms.CharField(
        label=_("Or with a professional"), required=False, max_length=200
    )
    method = forms.ChoiceField(
        label=_("How"), choices=ContactMethod.choices, widget=forms.RadioSelect
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("Short note"), required=False, max_length=500)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = referral.network_members.all()
        self.fields["member"].empty_label = _("- nobody from the network -")
        self.fields["on"].initial = timezone.localdate()
        self.fields["minutes"].widget.attrs.update({"inputmode": "numeric", "step": 5})

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("member") and not (cleaned.get("professional") or "").strip():
            self.add_error(
                "member", _("Choose someone from the network, or fill in a professional.")
            )
        return cleaned


class MemberForm(GuardedFormMixin, forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), required=False)

    class Meta:
        model = NetworkMember
        fields = [
            "name",
            "relation",
            "age_group",
            "phone",
            "email",
            "language",
            "needs_interpreter",
            "side",
            "invitation",
            "exclusion_reason",
            "safety_note",
        ]
        widgets = {"safety_note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "safety_note": _(
                "Only you and the regional manager see this. For example: "
                '"must not meet her ex-partner", or "inform separately".'
            ),
            "side": _("Only for a restorative conference (Echt Recht)."),
        }

    def __init__(self, *args, restorative=False, invitations_open=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—"), *language_choices()]
        if not restorative:
            del self.fields["side"]
        if not invitations_open:
            # After the conference, who came counts (the participants), not invitations.
            del self.fields["invitation"]
            del self.fields["exclusion_reason"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("invitation") == Invitation.EXCLUDED
            and not (cleaned.get("exclusion_reason") or "").strip()
        ):
            self.add_error("exclusion_reason", _("Say why you exclude this person."))
        return cleaned


class InvitationsForm(forms.Form):
    """The invitations of the whole network list, saved with one button.

    A row per member: the invitation and, hidden, the version the row was read at
    (``ekc/editing.py``). A member not in the sent form (added since by someone
    else) is left as is. Excluding someone needs a reason: that is their own form.
    """

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"invitation_{member.pk}"] = forms.ChoiceField(
                label=_("Invitation of %(name)s") % {"name": member.name},
                choices=Invitation.choices,
                initial=member.invitation,
                required=False,
            )
            self.fields[f"version_{member.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput,
                initial=member.version,
                min_value=1,
                max_value=2**31 - 1,
                required=False,
            )

    def field_for(self, member):
        return self[f"invitation_{member.pk}"]

    def version_for(self, member):
        return self[f"version_{member.pk}"]

    def clean(self):
        cleaned = super().clean()
        out_of_date = False
        for member in self.members:
            invitation = cleaned.get(f"invitation_{member.pk}")
            version_name = f"version_{member.pk}"
            if version_name in self.errors:
                del self.errors[version_name]
                out_of_date = True
            elif invitation and cleaned.get(version_name) is None:
                out_of_date = True
            if invitation == Invitation.EXCLUDED and member.invitation != Invitation.EXCLUDED:
                self.add_error(
                    f"invitation_{member.pk}",
                    _("To exclude someone, say why: open their name and exclude them there."),
                )
        if out_of_date:
            self.add_error(None, OUT_OF_DATE)
        return cleaned

    def invitations(self):
        """Member id -> (version read, invitation chosen), for the members sent."""
        return {
            member.pk: (
                self.cleaned_data[f"version_{member.pk}"],
                self.cleaned_data[f"invitation_{member.pk}"],
            )
            for member in self.members
            if self.cleaned_data.get(f"invitation_{member.pk}")
        }


class ScheduleForm(GuardedFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of conference"), choices=ConferenceKind.choices)
    date = PlausibleDateField(label=_("Date"), widget=DATE_INPUT)
    time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    location_type = forms.ChoiceField(label=_("Place"), choices=LocationType.choices)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    languages = forms.MultipleChoiceField(
        label=_("Languages of the conference"),
        required=False,
        widget=LanguagePicker,
    )
    interpreter = forms.BooleanField(label=_("An interpreter is needed"), required=False)
    interpreter_note = forms.CharField(
        label=_("Interpreter (name or agency)"), required=False, max_length=200
    )
    food = forms.CharField(
        label=_("Food and drink the family chose"), required=False, max_length=300
    )
    rituals = forms.CharField(
        label=_("Rituals or customs the family chose"), required=False, max_length=300
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ConferenceKind(k).label) for k in kinds]
        self.fields["languages"].choices = language_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("interpreter") and not cleaned.get("languages"):
            self.add_error("languages", _("Say which languages are spoken."))
        return cleaned

    def starts_at(self):
        day, time = self.cleaned_data["date"], self.cleaned_data["time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))


class ProfessionalForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    organization = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    role = forms.CharField(label=_("Role"), required=False, max_length=150)
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("They get the date and place by email, with the calendar file."),
    )


ProfessionalFormSet = row_formset(ProfessionalForm, extra=2, max_num=20)

PHASES = [
    (
        "information",
        _("1. Information"),
        _("Professionals share information, concerns and the bounds."),
    ),
    (
        "private_time",
        _("2. Private family time"),
        _("The family and network alone. No professionals, no coordinator."),
    ),
    (
        "presentation",
        _("3. Presentation of the plan"),
        _("The family presents its plan to the referrer."),
    ),
]


class ConferenceDayForm(forms.Form):
    """The day: the three phases, which professionals informed, and who came."""

    held_on = PlausibleDateField(label=_("Date"), widget=DATE_INPUT)
    information_start = forms.TimeField(label=_("Start"), widget=TIME_INPUT)
    information_end = forms.TimeField(label=_("End"), widget=TIME_INPUT)
    private_time_start = forms.TimeField(label=_("Start"), widget=TIME_INPUT)
    private_time_end = forms.TimeField(label=_("End"), widget=TIME_INPUT)
    presentation_start = forms.TimeField(label=_("Start"), widget=TIME_INPUT)
    presentation_end = forms.TimeField(label=_("End"), widget=TIME_INPUT)
    professionals_present = forms.MultipleChoiceField(
        label=_("Professionals present in the information phase"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, conference, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.fields["held_on"].initial = timezone.localtime(conference.starts_at).date()
        self.fields["professionals_present"].choices = [
            (str(p.pk), f"{p.name} ({p.organization})" if p.organization else p.name)
            for p in conference.professionals.all()
        ]
        self.fields["professionals_present"].initial = [
            str(p.pk) for p in conference.professionals.all()
        ]
        expected = {
            Invitation.CONFIRMED: Attendance.ATTENDED,
            Invitation.DECLINED: Attendance.DECLINED,
            Invitation.EXCLUDED: Attendance.EXCLUDED,
        }
        for member in members:
            self.fields[f"attendance_{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=Attendance.choices,
                initial=expected.get(member.invitation, Attendance.ABSENT),
                widget=forms.RadioSelect,
            )

    def attendance_fields(self):
        return [(member, self[f"attendance_{member.pk}"]) for member in self.members]

    def phase_fields(self):
        return [
            (key, title, intro, self[f"{key}_start"], self[f"{key}_end"])
            for key, title, intro in PHASES
        ]

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("You can log the day once it has happened."))
        return day

    def clean(self):
        cleaned = super().clean()
        order = [
            "information_start",
            "information_end",
            "private_time_start",
            "private_time_end",
            "presentation_start",
            "presentation_end",
        ]
        times = [cleaned.get(name) for name in order]
        if all(times):
            for earlier, later, name in zip(times, times[1:], order[1:], strict=False):
                if later < earlier:
                    self.add_error(name, _("This time is before the time above it."))
                    break
        return cleaned

    def phases(self):
        return {
            name: self.cleaned_data[name]
            for name in (
                "information_start",
                "information_end",
                "private_time_start",
                "private_time_end",
                "presentation_start",
                "presentation_end",
            )
        }

    def attendance(self):
        return {member.pk: self.cleaned_data[f"attendance_{member.pk}"] for member in self.members}


class NoteForm(GuardedFormMixin, forms.Form):
    """A comment of the regional manager, or the coordinator's request for advice:
    a short text, optionally about one contact moment of the case."""

    contact_moment = forms.ModelChoiceField(
        label=_("About which contact?"), queryset=None, required=False
    )
    text = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a short text.")},
    )

    def __init__(self, *args, referral, moments=None, advice=False, **kwargs):
        # Own ids: the contact form on the same page has fields of its own.
        kwargs.setdefault("auto_id", "advice_%s" if advice else "comment_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["contact_moment"]
        field.queryset = referral.contact_moments.all()
        field.empty_label = _("- the preparation in general -")
        if moments is not None:
            # The page has the moments already: no query for the choices.
            field.choices = [("", field.empty_label)] + [
                (m.pk, f"{m.on:%d-%m-%Y} · {m.with_whom}") for m in moments
            ]
        else:
            field.label_from_instance = lambda m: f"{m.on:%d-%m-%Y} · {m.with_whom}"
        self.fields["text"].label = (
            _("Your question for the regional manager") if advice else _("Your comment")
        )
        if not advice:
            self.fields["text"].help_text = _(
                "The coordinator sees it on the case and can answer it."
            )


class AnswerForm(forms.Form):
    """The one answer to a note."""

    answer = forms.CharField(
        label=_("Your answer"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write a short answer.")},
    )

    def __init__(self, *args, note, **kwargs):
        kwargs.setdefault("auto_id", f"answer{note.pk}_%s")
        super().__init__(*args, **kwargs)
        self.note = note
