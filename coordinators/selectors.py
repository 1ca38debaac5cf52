from coordinators.models import Assignment, AssignmentStatus


def proposals_for(user):
    """Proposals waiting for this coordinator's answer (for their home page)."""
    return (
        Assignment.objects.filter(coordinator__user=user, status=AssignmentStatus.PROPOSED)
        .select_related("referral__region", "referral__organization")
        .order_by("proposed_at")
    )
