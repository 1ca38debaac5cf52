"""Who sees research: researchers and administrators (everything, never names),
regional managers (their own regions only). Referrers and coordinators see none."""

import rules

from ekc.rules import is_administrator, is_regional_manager, is_researcher

can_view_research = is_researcher | is_administrator | is_regional_manager
# Case-level data (even pseudonymised) and exports: researchers and administrators.
can_export_research = is_researcher | is_administrator

rules.add_perm("research.view_dashboard", can_view_research)
rules.add_perm("research.export", can_export_research)


def limited_to_own_regions(user):
    """A regional manager sees their regions only; researchers and administrators all."""
    return not (is_researcher(user) or is_administrator(user))
