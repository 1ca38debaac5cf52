"""The second factor (tweestapsverificatie): a TOTP app plus recovery codes, via django-otp.

Who needs one: the roles in ``MFA_REQUIRED_ROLES`` (administrators, researchers and
regional managers unless configured otherwise; ``all`` means everyone). Such a user
who has no second factor is sent to set one up right after logging in; one who has
it gives a code after every password login. Until then :class:`SecondFactorMiddleware`
lets them reach only the second-factor pages, logging out and a few public pages.

A confirmed code is remembered in the session (user and time). The access log and
case-level exports ask for it again when it was given more than
``SECOND_FACTOR_STEP_UP_MINUTES`` ago (:func:`require_recent_second_factor`).

Wrong codes count towards the login lockout (django-axes), exactly as wrong passwords
do: each is reported as a failed login of the user's email address.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from ekc.audit import log_change
from ekc.rules import require_action

SESSION_KEY = "ekc_second_factor"
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "app"
RECOVERY_NAME = "recovery codes"

# What a user who still owes a second factor may open.
OPEN_URL_NAMES = frozenset(
    {
        "logout",
        "second_factor_setup",
        "second_factor_verify",
        "second_factor_recovery_codes",
        "set_language",
        "accessibility",
        "privacy_statement",
        "healthz",
    }
)


def required_for(user):
    """Whether ``user`` must have a second factor (MFA_REQUIRED_ROLES)."""
    if not user.is_authenticated:
        return False
    roles = settings.MFA_REQUIRED_ROLES
    return roles == "all" or any(user.has_role(role) for role in roles)


def has_device(user):
    """Whether ``user`` has set up a second factor (a confirmed TOTP app)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verified_at(request):
    """When this session last gave a second factor (epoch seconds), or None."""
    mark = request.session.get(SESSION_KEY)
    if not mark or mark.get("user") != request.user.pk:
        return None
    return mark.get("at")


def mark_verified(session, user):
    """Record in ``session`` that ``user`` gave a second factor just now."""
    session[SESSION_KEY] = {"user": user.pk, "at": time.time()}


@receiver(user_logged_in)
def _forget_on_login(sender, request, user, **kwargs):
    # Every password login asks for the code again, even within one browser session.
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def _safe_next(request, value):
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("home")


def next_url(request):
    """Where to go after the second factor: the ``next`` of the form or address."""
    return _safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _to(name, request, target=None):
    target = target or request.get_full_path()
    return redirect(f"{reverse(name)}?{urlencode({'next': target})}")


# Management-site pages that ask for a recent second factor (step-up): the access
# log and change history (auditlog) and the login records (axes).
STEP_UP_ADMIN_PAGES = ("auditlog_logentry_", "axes_accesslog_", "axes_accessfailurelog_")


class SecondFactorMiddleware:
    """Send a user who owes a second factor to set it up or to give a code.

    Installed after the authentication middleware. A verified session costs no
    query: the mark in the session is enough."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not required_for(user) or verified_at(request) is not None:
            return self._step_up(request) if user.is_authenticated else None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if request.resolver_match and request.resolver_match.url_name in OPEN_URL_NAMES:
            return None
        target = request.get_full_path() if request.method == "GET" else None
        if has_device(user):
            return _to("second_factor_verify", request, target or reverse("home"))
        return _to("second_factor_setup", request, target or reverse("home"))

    @staticmethod
    def _step_up(request):
        match = request.resolver_match
        # Only for those who may open them: others get the site's own refusal.
        on_step_up_page = (
            match is not None
            and match.namespace == "admin"
            and (match.url_name or "").startswith(STEP_UP_ADMIN_PAGES)
            and request.user.has_perm("ekc.use_admin_site")
        )
        return require_recent_second_factor(request) if on_step_up_page else None


def verified_recently(request, minutes=None):
    """Whether this session gave a second factor within ``minutes`` (default
    SECOND_FACTOR_STEP_UP_MINUTES)."""
    minutes = settings.SECOND_FACTOR_STEP_UP_MINUTES if minutes is None else minutes
    at = verified_at(request)
    return at is not None and time.time() - at <= minutes * 60


def require_recent_second_factor(request, minutes=None):
    """None when the second factor was given within ``minutes`` (default
    SECOND_FACTOR_STEP_UP_MINUTES), else a redirect to give the code again (step-up).

    Users without a second factor (roles that need none) are asked to give one from
    a device they set up: anyone who opens these pages must have one."""
    if verified_recently(request, minutes):
        return None
    target = request.get_full_path()
    if not has_device(request.user):
        return _to("second_factor_setup", request, target)
    return _to("second_factor_verify", request, target)


def _credentials(user):
    return {settings.AXES_USERNAME_FORM_FIELD: user.email}


def is_locked_out(request, user):
    """Whether the login lockout (django-axes) holds for ``user`` from this request."""
    return AxesProxyHandler.is_locked(request, _credentials(user))


PENDING_KEY = "ekc_second_factor_pending_key"


def pending_device(request):
    """The TOTP app being set up, not saved: its secret waits in the session until a
    code from the app confirms it (so opening the page writes nothing)."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = default_key()
    return TOTPDevice(user=request.user, name=TOTP_NAME, key=key, confirmed=False)


def _report_failure(request, user):
    # Counted by axes as a failed login of this account (AXES_* limits and cool-off).
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


def _clean(code):
    return "".join((code or "").split()).lower()


def _matches(device, token):
    """Whether ``token`` is the app's code now (the same check as django-otp's)."""
    if not token.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), device.tolerance, device.last_t + 1):
        return False
    device.last_t = totp.t()
    return True


def _new_recovery_codes(user):
    """Replace ``user``'s recovery codes by RECOVERY_CODE_COUNT new ones; returns them."""
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes


def second_factor_setup_confirm(*, request, device, code):
    """Save the TOTP app ``device`` of ``request.user`` (from :func:`pending_device`)
    once a code from it is right.

    Returns the new recovery codes (shown once) or None for a wrong code, which
    counts towards the lockout and leaves everything as it was. A right code
    replaces any earlier app and recovery codes in one transaction, so the user is
    never left without a second factor (a new phone: the old app works until the
    new one is confirmed). Logged in the user's history as set up, or replaced.
    The caller asks for a recent code before offering a replacement
    (:func:`require_recent_second_factor`)."""
    user = request.user
    if has_device(user) and not verified_recently(request):
        raise PermissionDenied
    if not _matches(device, _clean(code)):
        _report_failure(request, user)
        return None
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=user).delete()[0] > 0
        device.confirmed = True
        device.save()
        codes = _new_recovery_codes(user)
        change = ["set up", "replaced"] if replaced else ["", "set up"]
        log_change(request, user, {"second_factor": change})
    request.session.pop(PENDING_KEY, None)
    mark_verified(request.session, user)
    return codes


def recovery_codes_renew(*, request):
    """New recovery codes for ``request.user``; the old ones stop working at once.

    Only for a user with an app (``ekc.renew_recovery_codes``) who gave a recent code
    (PermissionDenied otherwise; the caller asks for it first with
    :func:`require_recent_second_factor`). Returns the codes (shown
    once); logged in the user's history."""
    user = request.user
    require_action("ekc.renew_recovery_codes", user)
    if not verified_recently(request):
        raise PermissionDenied
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        log_change(request, user, {"recovery_codes": ["", "renewed"]})
    return codes


def recovery_codes_left(user):
    """How many of ``user``'s recovery codes are still unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_verify(*, request, code):
    """Check a code from the app or a recovery code (used once) of ``request.user``.

    True marks the session verified; False counts towards the lockout."""
    user = request.user
    token = _clean(code)
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update(),
            *StaticDevice.objects.filter(user=user, confirmed=True).select_for_update(),
        ]
        # A recovery code is spent by the static device's verify_token (deleted).
        verified = bool(token) and any(device.verify_token(token) for device in devices)
    if not verified:
        _report_failure(request, user)
        return False
    mark_verified(request.session, user)
    return True


def second_factor_reset(*, request, user):
    """Remove ``user``'s second factor (a lost phone); they set up a new one at their
    next login. Done by an administrator; logged in the user's history."""
    with transaction.atomic():
        deleted = TOTPDevice.objects.filter(user=user).delete()[0]
        deleted += StaticDevice.objects.filter(user=user).delete()[0]
        log_change(request, user, {"second_factor": ["set up" if deleted else "", "reset"]})
    return deleted


def set_up_with_secret(user, base32_secret):
    """Give ``user`` a confirmed TOTP app with a known secret (demo data, tests)."""
    import base64

    key = base64.b32decode(base32_secret.upper()).hex()
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key, confirmed=True)


def base32_secret(device):
    """The secret of a TOTP app as people type it into their app."""
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")
