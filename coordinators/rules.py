"""Who may see and change coordinators' profiles, propose them and answer proposals."""

import rules

from ekc.models import User
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
    if "regions" in getattr(coordinator.user, "_prefetched_objects_cache", {}):
        return any(region.pk in mine for region in coordinator.user.regions.all())
    # Not prefetched (a service called for one coordinator): one small query.
    return User.regions.through.objects.filter(
        user_id=coordinator.user_id, region_id__in=mine
    ).exists()


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
rules.add_perm("coordinators.view_own_record", has_coordinator_profile)


# The pool record (issue 17): courses, meetings attended, yearly evaluations.
# The manager of one of the coordinator's regions records and edits them; the
# coordinator reads their own record and changes nothing in it.
can_record_pool = is_administrator | manages_coordinator
can_view_record = can_record_pool | is_self


@rules.predicate
def manages_region(user, region):
    return is_regional_manager(user) and region.pk in region_ids(user)


# Meetings belong to a region: its manager records them and who attended.
can_record_meeting = is_administrator | manages_region

rules.add_perm("coordinators.record_pool", can_record_pool)
rules.add_perm("coordinators.view_pool_record", can_view_record)
rules.add_perm("coordinators.record_meeting", can_record_meeting)


# Asking to serve another region (object: the region): a coordinator, for a region
# they do not serve yet and have no open question about.
@rules.predicate
def serves_region(user, region):
    return region.pk in region_ids(user)


@rules.predicate
def has_open_region_request(user, region):
    from coordinators.models import RegionRequest, RegionRequestStatus

    return RegionRequest.objects.filter(
        coordinator__user=user, region=region, status=RegionRequestStatus.OPEN
    ).exists()


@rules.predicate
def decides_for_region(user, region_request):
    """A manager of the region asked for (or an administrator)."""
    return is_administrator(user) or manages_region(user, region_request.region)


@rules.predicate
def is_open_region_request(user, region_request):
    return region_request.is_open


add_action(
    "coordinators.request_region",
    has_coordinator_profile,
    ~serves_region & ~has_open_region_request,
)
add_action("coordinators.decide_region_request", decides_for_region, is_open_region_request)
