import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ekc.lockout import normalise_username
from ekc.models import User


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for login by email address."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This email address and password do not match. Check both and try again. "
            "After 5 failed attempts the account is locked for a while."
        ),
    }

    def clean_username(self):
        # One spelling of each login, for the password check and the lockout alike.
        return normalise_username(self.cleaned_data.get("username"))


class EkcPasswordResetForm(PasswordResetForm):
    """Django's reset form, also for active accounts that never chose a password.

    Django skips those (they might log in elsewhere), but in EKC every account logs
    in here: an imported coordinator who lost the invitation starts this way."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)


def with_added_row(data, prefix):
    """A copy of POST ``data`` with one more row in the formset ``prefix``.

    A tampered row count is left alone: the formset then reports its own error
    instead of the page breaking."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    count = data.get(key) or "0"
    if count.isascii() and count.isdigit() and len(count) < 5:
        data[key] = str(int(count) + 1)
    return data


ROW_ERRORS = {
    "too_many_forms": ngettext_lazy(
        "Fill in at most %(num)d row.", "Fill in at most %(num)d rows.", "num"
    ),
}


class RowFormSet(forms.BaseFormSet):
    """The rows of a form (agreements, people, dates), with a plain error for too many.

    Make them with ``row_formset``: Django builds up to 1,000 rows more than
    ``max_num`` when the posted row count says so, and a tampered count of
    2147483648 cost 20 seconds of rendering per request."""

    default_error_messages = ROW_ERRORS


class RowInlineFormSet(BaseInlineFormSet):
    """``RowFormSet`` for rows stored as related objects (``inlineformset_factory``).

    Its rows are saved by a service, not by ``save()``: ``changes()`` says what to save."""

    default_error_messages = ROW_ERRORS

    def changes(self):
        """The rows of the valid formset that change something, as ``save()`` would
        see them: a new row as a dict of its fields, a changed one with its ``pk``
        too, a removed one as ``{"pk": ..., "delete": True}``. Unchanged rows are left
        out."""
        rows = []
        for form in self.initial_forms:
            if form.instance.pk is None:
                continue
            if self._should_delete_form(form):
                rows.append({"pk": form.instance.pk, "delete": True})
            elif form.has_changed():
                rows.append({"pk": form.instance.pk, **self._row_values(form)})
        for form in self.extra_forms:
            if form.has_changed() and not self._should_delete_form(form):
                rows.append(self._row_values(form))
        return rows

    def _row_values(self, form):
        # The form's own fields; the formset adds the parent's key to them.
        return {name: form.cleaned_data[name] for name in form._meta.fields if name != self.fk.name}


def row_formset(form, *, max_num, **options):
    """A formset of ``form`` that never builds more than ``max_num`` rows."""
    return forms.formset_factory(
        form, formset=RowFormSet, max_num=max_num, absolute_max=max_num, **options
    )


class PlausibleDateField(forms.DateField):
    """A date between 1900 and ten years from now: every date a form accepts.

    Year 9999 passed the plain field, was mailed to a referrer and broke the
    calendar file. Forms and row forms use this field for every date."""

    EARLIEST = datetime.date(1900, 1, 1)
    YEARS_AHEAD = 10

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        today = timezone.localdate()
        latest = today.replace(year=today.year + self.YEARS_AHEAD, day=min(today.day, 28))
        if not self.EARLIEST <= value <= latest:
            raise forms.ValidationError(
                _("Fill in a date between %(first)s and %(last)s."),
                code="implausible_date",
                params={"first": self.EARLIEST.year, "last": latest.year},
            )


class SecondFactorCodeForm(forms.Form):
    """A code of the second factor: 6 digits from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
    )


class WeeklyDigestForm(forms.Form):
    wants_weekly_digest = forms.BooleanField(
        label=_("Send me the weekly digest by email"), required=False
    )
