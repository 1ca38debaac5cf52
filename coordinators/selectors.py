from django.contrib.auth import get_user_model

from coordinators.models import Assignment, Transfer
from referrals.lifecycle import TRANSFERABLE, AssignmentStatus, TransferStatus


def case_coordinator(referral):
    """The user account of the case's accepted coordinator, or None."""
    return (
        get_user_model()
        .objects.filter(
            coordinator_profile__assignments__referral=referral,
            coordinator_profile__assignments__status=AssignmentStatus.ACCEPTED,
        )
        .first()
    )


def proposals_for(user):
    """Proposals waiting for this coordinator's answer (for their home page)."""
    return (
        Assignment.objects.filter(coordinator__user=user, status=AssignmentStatus.PROPOSED)
        .select_related("referral__region", "referral__organization")
        .order_by("proposed_at")
    )


def transfers_for(user):
    """Transfers waiting for this coordinator's answer: asked to take over a case.

    Not once the conference is held: then the transfer can no longer be accepted."""
    return (
        Transfer.objects.filter(
            to_coordinator__user=user,
            status=TransferStatus.OPEN,
            referral__status__in=TRANSFERABLE,
        )
        .select_related(
            "referral__region", "referral__organization", "from_assignment__coordinator__user"
        )
        .order_by("requested_at")
    )
