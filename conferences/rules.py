"""Who may prepare a case, see its network and safety notes, and see its schedule."""

import rules
from django.db.models import Q

from ekc.rules import is_administrator
from referrals.rules import can_view_referral, is_accepted_coordinator, manages_region_of

# The coordinator does the preparation; the regional manager looks on and coaches.
can_prepare = is_accepted_coordinator
can_view_preparation = is_accepted_coordinator | manages_region_of | is_administrator
# Safety notes and the network's contact details: coordinator and regional manager only.
can_view_network_details = is_accepted_coordinator | manages_region_of
# The date and place: everyone who may see the case (the referrer too).
can_view_schedule = can_view_referral

rules.add_perm("conferences.prepare", can_prepare)
rules.add_perm("conferences.view_preparation", can_view_preparation)
rules.add_perm("conferences.view_network_details", can_view_network_details)


def accepted_cases_q(user):
    return Q(assignments__coordinator__user=user, assignments__status="accepted")
