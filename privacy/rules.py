"""Who may record the family's rights on a case.

Withdrawn consent ends the case: before the conference it stops it, after the
conference it closes it. So it is open to exactly those who may stop the case
(``referrals.stop_referral``) or close it (``plans.close_case``) now.
"""

import rules

import plans.rules  # noqa: F401 (declares plans.close_case)
import referrals.rules  # noqa: F401 (declares referrals.stop_referral)
from ekc.rules import ACTIONS, add_action, is_administrator, is_regional_manager


def _who(name):
    return ACTIONS[name][0]


def _rule(name):
    who, when = ACTIONS[name]
    return who & when


add_action(
    "privacy.withdraw_consent",
    _who("referrals.stop_referral") | _who("plans.close_case"),
    _rule("referrals.stop_referral") | _rule("plans.close_case"),
)


# The right of access: a report for one person of a case, made by those who keep
# the file (the region's manager, an administrator), in any state of the case.
add_action("privacy.produce_access_report", referrals.rules.can_manage_referral)


# The family's requests about its file (access, correction, destruction) are
# recorded and decided by those who keep the file, in any state of the case.
add_action("privacy.record_request", referrals.rules.can_manage_referral)
add_action("privacy.decide_request", referrals.rules.can_manage_referral)
can_see_requests = is_administrator | is_regional_manager
rules.add_perm("privacy.view_requests", can_see_requests)
