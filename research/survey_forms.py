from django import forms
from django.utils.translation import gettext_lazy as _

from ekc.editing import GuardedFormMixin
from research.models import Respondent, YesPartlyNo

GRADES = [(n, str(n)) for n in range(1, 11)]


def _grade(label):
    return forms.TypedChoiceField(
        label=label,
        choices=GRADES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "grade"}),
    )


class SurveyForm(forms.Form):
    """One questionnaire; the wording follows the respondent group."""

    information_needed = forms.CharField(
        label=_("What information did you need before the conference?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    informed_enough = forms.ChoiceField(
        label=_("Did you get enough information?"),
        choices=YesPartlyNo.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    informed_by = forms.CharField(label=_("Who informed you?"), required=False, max_length=300)
    had_say = forms.ChoiceField(
        label=_("Did you have a say in the plan?"),
        choices=YesPartlyNo.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    grade_conference = _grade(_("Your grade for the conference (1 to 10)"))
    grade_plan = _grade(_("Your grade for the plan (1 to 10)"))
    grade_coordinator = _grade(_("Your grade for the coordinator (1 to 10)"))
    grade_cooperation = _grade(_("Your grade for the cooperation with Eigen Kracht (1 to 10)"))
    comments = forms.CharField(
        label=_("Anything else you want to say?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args, respondent, **kwargs):
        super().__init__(*args, **kwargs)
        if respondent == Respondent.YOUTH:
            # Simpler words for young people.
            self.fields["information_needed"].label = _(
                "What did you want to know before the meeting?"
            )
            self.fields["informed_enough"].label = _(
                "Did you know enough about what was going to happen?"
            )
            self.fields["had_say"].label = _("Did people listen to you?")
            self.fields["grade_conference"].label = _(
                "What grade do you give the meeting? (1 to 10)"
            )
            self.fields["grade_plan"].label = _("What grade do you give the plan? (1 to 10)")
            self.fields["grade_coordinator"].label = _(
                "What grade do you give the person who organised it? (1 to 10)"
            )
        if respondent not in (Respondent.REFERRER, Respondent.PROFESSIONAL):
            del self.fields["grade_cooperation"]


class InviteForm(GuardedFormMixin, forms.Form):
    respondent = forms.ChoiceField(label=_("Who"), choices=Respondent.choices)
    emails = forms.CharField(
        label=_("Email addresses (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    MAX_EMAILS = 100

    printed = forms.IntegerField(
        label=_("Printed invitations (for people without email)"),
        required=False,
        min_value=0,
        max_value=50,
    )

    def clean_emails(self):
        lines = [line.strip() for line in self.cleaned_data["emails"].splitlines() if line.strip()]
        if len(lines) > self.MAX_EMAILS:
            raise forms.ValidationError(
                _("At most %(count)s email addresses at once.") % {"count": self.MAX_EMAILS}
            )
        # As long as the address column: a longer one is no address.
        validator = forms.EmailField(max_length=254)
        for line in lines:
            try:
                validator.clean(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(value)s is not an email address.") % {"value": line}
                ) from None
        return lines

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("emails") and not cleaned.get("printed"):
            raise forms.ValidationError(
                _("Fill in email addresses, or a number of printed invitations.")
            )
        return cleaned


class PaperForm(GuardedFormMixin, SurveyForm):
    """A paper questionnaire typed in by staff: every question, and who filled it in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, respondent=Respondent.PROFESSIONAL, **kwargs)
        self.fields = {
            "respondent": forms.ChoiceField(label=_("Filled in by"), choices=Respondent.choices),
            **self.fields,
        }
        self.fields["grade_cooperation"].help_text = _(
            "Only on the referrers' and professionals' form."
        )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("The code on your letter"), max_length=12)
