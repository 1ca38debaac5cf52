import pytest
import rules

from ekc import rules as ekc_rules

pytestmark = pytest.mark.django_db

EXPECTED = {
    "admin_user": {"is_administrator"},
    "regional_manager": {"is_regional_manager"},
    "other_regional_manager": {"is_regional_manager"},
    "coordinator": {"is_coordinator"},
    "other_coordinator": {"is_coordinator"},
    "referrer": {"is_referrer"},
    "other_referrer": {"is_referrer"},
    "liaison": {"is_liaison"},
    "researcher": {"is_researcher"},
    "no_role_user": set(),
}
PREDICATES = [
    "is_administrator",
    "is_regional_manager",
    "is_coordinator",
    "is_referrer",
    "is_liaison",
    "is_researcher",
]


@pytest.mark.parametrize("fixture", EXPECTED)
def test_each_user_holds_exactly_their_roles(request, fixture):
    user = request.getfixturevalue(fixture)
    held = {name for name in PREDICATES if getattr(ekc_rules, name).test(user)}
    assert held == EXPECTED[fixture]


def test_deactivated_user_holds_no_role(regional_manager):
    regional_manager.is_active = False
    assert not ekc_rules.is_regional_manager.test(regional_manager)


def test_referrer_without_organisation_is_not_a_referrer(referrer):
    referrer.organization = None
    assert not ekc_rules.is_referrer.test(referrer)


def test_anonymous_holds_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not any(getattr(ekc_rules, name).test(AnonymousUser()) for name in PREDICATES)


def test_audit_log_permission_is_for_administrators_only(any_user):
    assert rules.has_perm("ekc.view_audit_log", any_user) == any_user.is_superuser
