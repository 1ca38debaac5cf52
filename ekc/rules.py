"""Access rules: the one place that says who may see and do what.

Each app's ``rules.py`` declares one permission per action with ``add_action``:
who may take the step, and in which state of the object. The service requires
it (``require_action``), the view relies on the service or asks the same rule
(``allowed``), and the template asks it too (``{% allowed %}``, ekc/templatetags/
access.py). Never ``user.has_perm`` or ``{% has_perm %}``: Django lets every
active superuser pass those before any rule runs. Administrators are a role in
the rules, not a bypass.
"""

import rules
from django.core.exceptions import PermissionDenied

from ekc.lifecycle import TransitionError
from ekc.models import User


@rules.predicate
def is_active_user(user):
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_administrator(user):
    return is_active_user(user) and user.is_superuser


@rules.predicate
def is_regional_manager(user):
    return is_active_user(user) and user.is_regional_manager


@rules.predicate
def is_coordinator(user):
    return is_active_user(user) and user.is_coordinator


@rules.predicate
def is_referrer(user):
    return is_active_user(user) and user.is_referrer and user.organization_id is not None


@rules.predicate
def is_liaison(user):
    return is_active_user(user) and user.is_liaison and user.organization_id is not None


@rules.predicate
def is_researcher(user):
    return is_active_user(user) and user.is_researcher


@rules.predicate
def has_second_factor(user):
    """The user has an authenticator app set up (ekc/second_factor.py)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return is_active_user(user) and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Administrators and regional managers: the staff who work with regions' cases.
is_region_staff = is_administrator | is_regional_manager

# Audit logs (case change history and the access log) are for administrators only.
rules.add_perm("ekc.view_audit_log", is_administrator)
rules.add_perm("ekc.use_admin_site", is_administrator)


def region_ids(user):
    """The ids of the regions a user belongs to, cached on the user for the request."""
    if not is_active_user(user):
        return frozenset()
    cached = getattr(user, "_ekc_region_ids", None)
    if cached is None:
        # From the membership table alone: no join with the regions themselves.
        memberships = User.regions.through.objects.filter(user_id=user.pk)
        cached = frozenset(memberships.values_list("region_id", flat=True))
        user._ekc_region_ids = cached
    return cached


def require(allowed):
    """Raise PermissionDenied unless ``allowed``: the one guard views and services use."""
    if not allowed:
        raise PermissionDenied


# Every action: permission name -> (who may take it, in which state of the object).
ACTIONS = {}


def add_action(name, who, when=rules.always_true):
    """Declare the action ``name`` ("<app>.<verb>_<thing>"): its permission is ``who & when``."""
    ACTIONS[name] = (who, when)
    rules.add_perm(name, who & when)


def allowed(name, user, obj=None):
    """Whether ``user`` may take the action on ``obj`` now: the rule itself."""
    return rules.has_perm(name, user, obj)


def require_actor(name, user, obj=None):
    """PermissionDenied unless ``user`` is one who may take this action on ``obj``
    in some state: a view's early 403, leaving the state to the service's message."""
    who, _when = ACTIONS[name]
    require(who.test(user, obj))


def require_action(name, user, obj=None, *, refused=None):
    """The guard of every service: PermissionDenied unless ``user`` is one who may
    take this action on ``obj``; an error when they are, but the object's state does
    not allow it now. ``refused`` is the message of that ``TransitionError``, or a
    function giving the error to raise (PermissionDenied without ``refused``)."""
    who, when = ACTIONS[name]
    if not who.test(user, obj):
        raise PermissionDenied
    if not when.test(user, obj):
        if refused is None:
            raise PermissionDenied
        error = refused() if callable(refused) else refused
        raise error if isinstance(error, Exception) else TransitionError(error)


# The user's own account (the profile page): link the app on a new phone, make new
# recovery codes. Both need an app already; the views ask for a recent code first.
add_action("ekc.replace_second_factor", is_active_user, has_second_factor)
add_action("ekc.renew_recovery_codes", is_active_user, has_second_factor)
# The weekly digest (shell/digest.py) is for regional managers: each switches her
# own on or off.
add_action("ekc.choose_weekly_digest", is_regional_manager)
