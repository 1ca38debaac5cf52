"""The second factor's pages (/tweede-stap/): set it up, see the recovery codes once,
give a code. The rules and services are in ekc/second_factor.py."""

import re

from axes.helpers import get_lockout_response
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ekc import second_factor
from ekc.forms import SecondFactorCodeForm
from ekc.rules import require_actor

RECOVERY_SESSION_KEY = "ekc_second_factor_recovery_codes"


def _qr_svg(text):
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgclass="qr")
    return buffer.getvalue().decode()


def _go(name, request):
    """To another second-factor page, keeping where the user was going."""
    return redirect(f"{reverse(name)}?{urlencode({'next': second_factor.next_url(request)})}")


def _locked(request):
    # The lockout page of the login, as django-axes shows it.
    return get_lockout_response(request, None, {"username": request.user.email})


def _wrong_code(form):
    form.add_error(
        "code",
        _(
            "This code is not right. Check it and try again. After 5 failed attempts the "
            "account is locked for a while."
        ),
    )


@never_cache
def setup(request):
    """Set up the app: a QR code and the secret as text, then confirm with a code.

    With an app already (a new phone, from the profile page) it links the new app:
    only after a recent code of the current one (a stolen session without the phone
    cannot), and the current app keeps working until the new one gives a right code."""
    user = request.user
    replacing = second_factor.has_device(user)
    if replacing and (step_up := second_factor.require_recent_second_factor(request)):
        return step_up
    if second_factor.is_locked_out(request, user):
        return _locked(request)
    device = second_factor.pending_device(request)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.second_factor_setup_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session[RECOVERY_SESSION_KEY] = codes
            messages.success(
                request,
                _("Your new app is linked. The old app no longer works: use the new one.")
                if replacing
                else _("The second step is set up."),
            )
            return _go("second_factor_recovery_codes", request)
        if getattr(request, "axes_locked_out", False):
            return _locked(request)
        _wrong_code(form)
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - segno output
            # In groups of four, as authenticator apps accept it too.
            "secret": " ".join(re.findall(".{1,4}", second_factor.base32_secret(device))),
            "next": second_factor.next_url(request),
            "replacing": replacing,
        },
    )


@never_cache
def recovery_codes_renew(request):
    """New recovery codes (from the profile page), after a recent code: asks first,
    then shows the new codes once. The old codes stop working."""
    if step_up := second_factor.require_recent_second_factor(request):
        return step_up
    require_actor("ekc.renew_recovery_codes", request.user)
    if request.method == "POST":
        request.session[RECOVERY_SESSION_KEY] = second_factor.recovery_codes_renew(request=request)
        messages.success(request, _("New recovery codes are made. The old ones no longer work."))
        return _go("second_factor_recovery_codes", request)
    return render(
        request,
        "registration/second_factor_recovery_codes_renew.html",
        {
            "left": second_factor.recovery_codes_left(request.user),
            "number": second_factor.RECOVERY_CODE_COUNT,
            "next": second_factor.next_url(request),
        },
    )


@never_cache
def recovery_codes(request):
    """The recovery codes, once, right after setting up the app."""
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not codes:
        return redirect(second_factor.next_url(request))
    return render(
        request,
        "registration/second_factor_recovery_codes.html",
        {"codes": codes, "next": second_factor.next_url(request)},
    )


@never_cache
def verify(request):
    """Give a code from the app or a recovery code (after logging in, or again for
    the access log and case-level exports)."""
    user = request.user
    if not second_factor.has_device(user):
        return _go("second_factor_setup", request)
    if second_factor.is_locked_out(request, user):
        return _locked(request)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.second_factor_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(second_factor.next_url(request))
        if getattr(request, "axes_locked_out", False):
            return _locked(request)
        _wrong_code(form)
    return render(
        request,
        "registration/second_factor_verify.html",
        {
            "form": form,
            "next": second_factor.next_url(request),
            "again": second_factor.verified_at(request) is not None,
        },
    )
