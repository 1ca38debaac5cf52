"""Who may see and change coordinators' profiles, propose them and answer proposals."""

import rules

from ekc.rules import (
    add_action,
    is_administrator,
    is_coordinator,
    is_region_staff,
    is_regional_manager,
    region_ids,
)
from referrals.lifecycle import (
    ASSIGNMENT_LIFECYCLE,
    CURRENT_ASSIGNMENT,
    TRANSFER_LIFECYCLE,
    TRANSFERABLE,
    AssignmentStatus,
    CaseStatus,
    TransferStatus,
    Transition,
    can_transition,
)
from referrals.rules import can_manage_referral, in_state


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
can_view_pool = is_region_staff
can_import_coordinators = is_region_staff
# Sending a new invitation (a link to choose a password) to a coordinator.
can_invite_coordinator = is_administrator | manages_coordinator


@rules.predicate
def answers_assignment(user, assignment):
    return is_coordinator(user) and assignment.coordinator.user_id == user.pk


@rules.predicate
def manages_case_of(user, assignment):
    return can_manage_referral(user, assignment.referral)


@rules.predicate
def is_open_proposal(user, assignment):
    return ASSIGNMENT_LIFECYCLE.can(assignment.status, "accept")


@rules.predicate
def can_come_off(user, assignment):
    """A proposal not yet answered, or an accepted coordinator before the conference
    (the case then goes back to be matched again)."""
    if not ASSIGNMENT_LIFECYCLE.can(assignment.status, "withdraw"):
        return False
    return ASSIGNMENT_LIFECYCLE.can(assignment.status, "accept") or can_transition(
        assignment.referral.status, Transition.UNASSIGN
    )


@rules.predicate
def has_no_coordinator(user, referral):
    """Nobody is proposed for the case, nor has accepted it."""
    return not referral.assignments.filter(status__in=CURRENT_ASSIGNMENT).exists()


rules.add_perm("coordinators.change_coordinator", can_edit_coordinator)
rules.add_perm("coordinators.view_pool", can_view_pool)
rules.add_perm("coordinators.import_coordinators", can_import_coordinators)
rules.add_perm("coordinators.invite_coordinator", can_invite_coordinator)

# The steps of an assignment. Proposing (object: the case) needs a registered case
# without a coordinator; withdrawing and answering act on the assignment itself.
add_action(
    "coordinators.propose_coordinator",
    can_manage_referral,
    in_state({CaseStatus.REGISTERED}) & has_no_coordinator,
)
add_action("coordinators.record_conflict", can_manage_referral)
add_action("coordinators.withdraw_coordinator", manages_case_of, can_come_off)
add_action("coordinators.answer_proposal", answers_assignment, is_open_proposal)


# A transfer: the manager hands a case to another coordinator in one step.


@rules.predicate
def has_accepted_coordinator(user, referral):
    return referral.assignments.filter(status=AssignmentStatus.ACCEPTED).exists()


@rules.predicate
def has_no_open_transfer(user, referral):
    return not referral.transfers.filter(status=TransferStatus.OPEN).exists()


@rules.predicate
def answers_transfer(user, transfer):
    return is_coordinator(user) and transfer.to_coordinator.user_id == user.pk


@rules.predicate
def manages_transfer_case(user, transfer):
    return can_manage_referral(user, transfer.referral)


@rules.predicate
def is_open_transfer(user, transfer):
    # The case stays transferable while the transfer is open: withdrawing the
    # coordinator or stopping the case cancels it (services).
    return TRANSFER_LIFECYCLE.can(transfer.status, "accept") and (
        transfer.referral.status in TRANSFERABLE
    )


add_action(
    "coordinators.transfer_case",
    can_manage_referral,
    in_state(TRANSFERABLE) & has_accepted_coordinator & has_no_open_transfer,
)
add_action("coordinators.answer_transfer", answers_transfer, is_open_transfer)
add_action("coordinators.cancel_transfer", manages_transfer_case, is_open_transfer)


@rules.predicate
def has_coordinator_profile(user):
    return is_coordinator(user) and hasattr(user, "coordinator_profile")


rules.add_perm("coordinators.edit_own_availability", has_coordinator_profile)
