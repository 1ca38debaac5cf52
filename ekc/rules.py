"""Access rules: the one place that says who may see and do what.

Views, templates (``{% has_perm %}`` / ``perms``) and selectors all ask these
predicates. Later apps add their own permissions here or in their own
``rules.py`` built from these predicates.
"""

import rules
from django.core.exceptions import PermissionDenied

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
