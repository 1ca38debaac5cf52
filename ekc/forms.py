from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

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
