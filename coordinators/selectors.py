from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from coordinators.matching import active_cases_filter
from coordinators.models import (
    Assignment,
    Coordinator,
    Evaluation,
    Leave,
    Meeting,
    RegionRequest,
    RegionRequestStatus,
    Transfer,
)
from ekc.rules import is_administrator, is_region_staff, region_ids
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


def pool_for(user):
    """The coordinators of the user's regions (all, for an administrator), with what
    the pool page shows: regions, current leave, workload, courses and evaluations
    (for the due rules), in a fixed number of queries."""
    coordinators = Coordinator.objects.select_related("user").prefetch_related(
        "user__regions",
        Prefetch(
            "leaves",
            queryset=Leave.objects.filter(end__gte=timezone.localdate()),
            to_attr="current_leaves",
        ),
        "trainings",
        "evaluations",
    )
    if not is_administrator(user):
        coordinators = coordinators.filter(user__regions__users=user).distinct()
    return coordinators.annotate(
        active_cases=Count("assignments", filter=active_cases_filter(), distinct=True)
    ).order_by("user__last_name", "user__first_name")


def pool_record_of(pk):
    """One coordinator with their courses, evaluations and meetings attended, or
    ``Coordinator.DoesNotExist``. Who may see it is the view's to ask (rules)."""
    return (
        Coordinator.objects.select_related("user")
        .prefetch_related(
            "user__regions",
            "trainings",
            Prefetch("evaluations", queryset=Evaluation.objects.select_related("manager")),
            Prefetch("meetings", queryset=Meeting.objects.select_related("region")),
        )
        .get(pk=pk)
    )


def meetings_for(user):
    """Meetings of the user's regions (all, for an administrator), with attendance."""
    meetings = Meeting.objects.select_related("region").prefetch_related(
        Prefetch("attendees", queryset=Coordinator.objects.select_related("user"))
    )
    if not is_administrator(user):
        meetings = meetings.filter(region_id__in=region_ids(user))
    return meetings


def open_region_requests_for(user):
    """Open questions to serve a region, for the managers of that region (and
    administrators): nobody else sees them."""
    if not is_region_staff(user):
        return RegionRequest.objects.none()
    requests = RegionRequest.objects.filter(status=RegionRequestStatus.OPEN)
    if not is_administrator(user):
        requests = requests.filter(region_id__in=region_ids(user))
    return requests.select_related("region", "coordinator__user").order_by("asked_at")


def region_requests_of(coordinator):
    """A coordinator's own questions to serve a region, newest first."""
    return coordinator.region_requests.select_related("region")


def coordinators_of_regions(regions):
    return (
        Coordinator.objects.filter(Q(user__regions__in=regions))
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name")
    )
