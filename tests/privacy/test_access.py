"""Who may record withdrawn consent, in every state of the case."""

import pytest

from tests.access import CASE_STATES, expand, matrix
from tests.referrals.test_access import AFTER_CONFERENCE, EXPECTED

pytestmark = pytest.mark.django_db

A, M = "admin_user", "regional_manager"

# Who may: exactly who may stop the case before the conference, and who may close
# it after the conference (the regional manager and the administrator).
WITHDRAW = {**EXPECTED["referrals.stop_referral"], **dict.fromkeys(AFTER_CONFERENCE, {A, M})}


def test_who_may_record_it_in_each_state(world):
    got = matrix("privacy.withdraw_consent", world["users"], world["cases"])
    assert got == expand(WITHDRAW, CASE_STATES)
