"""Who may see and change coordinators' profiles and answer proposals."""

import rules

from ekc.rules import is_administrator, is_coordinator, is_regional_manager, region_ids


@rules.predicate
def is_self(user, coordinator):
    return is_coordinator(user) and coordinator.user_id == user.pk


@rules.predicate
def manages_coordinator(user, coordinator):
    # A regional manager looks after the coordinators who serve one of their regions.
    if not is_regional_manager(user):
        return False
    mine = region_ids(user)
    return any(region.pk in mine for region in coordinator.user.regions.all())


can_edit_coordinator = is_administrator | is_self | manages_coordinator
can_view_pool = is_administrator | is_regional_manager
can_import_coordinators = is_administrator | is_regional_manager
# Sending a new invitation (a link to choose a password) to a coordinator.
can_invite_coordinator = is_administrator | manages_coordinator


@rules.predicate
def answers_assignment(user, assignment):
    return is_coordinator(user) and assignment.coordinator.user_id == user.pk


rules.add_perm("coordinators.change_coordinator", can_edit_coordinator)
rules.add_perm("coordinators.view_pool", can_view_pool)
rules.add_perm("coordinators.import_coordinators", can_import_coordinators)
rules.add_perm("coordinators.invite_coordinator", can_invite_coordinator)
rules.add_perm("coordinators.answer_assignment", answers_assignment)


@rules.predicate
def has_coordinator_profile(user):
    return is_coordinator(user) and hasattr(user, "coordinator_profile")


rules.add_perm("coordinators.edit_own_availability", has_coordinator_profile)
