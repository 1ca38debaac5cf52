from django.contrib.auth import get_user_model

from coordinators.models import Assignment
from referrals.lifecycle import AssignmentStatus


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
