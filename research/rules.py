"""Who sees research: researchers and administrators (everything, never names),
regional managers (their own regions only). Referrers and coordinators see none.
Satisfaction surveys of a case are sent by those who may see its preparation."""

import rules

from conferences.rules import can_view_preparation
from ekc.rules import add_action, is_administrator, is_regional_manager, is_researcher
from referrals.lifecycle import CONFERENCE_HELD_ONCE
from referrals.rules import consent_withdrawn, in_state

can_view_research = is_researcher | is_administrator | is_regional_manager
# Case-level data (even pseudonymised) and exports: researchers and administrators.
can_export_research = is_researcher | is_administrator

rules.add_perm("research.view_dashboard", can_view_research)
rules.add_perm("research.export", can_export_research)

# The case's satisfaction surveys, once its conference has been held, and not after
# the family withdrew its consent (object: the case).
add_action(
    "research.invite_to_surveys",
    can_view_preparation,
    in_state(CONFERENCE_HELD_ONCE) & ~consent_withdrawn,
)


def limited_to_own_regions(user):
    """A regional manager sees their regions only; researchers and administrators all."""
    return not (is_researcher(user) or is_administrator(user))
