"""Reads of plans for home pages and lists."""

import datetime

from django.db.models import Q
from django.utils import timezone

from plans.models import EvaluationMoment
from referrals.lifecycle import CaseStatus

DUE_WITHIN_DAYS = 7


def due_evaluations(user, within_days=DUE_WITHIN_DAYS):
    """Evaluation dates (not yet evaluated) within a week or overdue, of accepted
    current plans of cases the user coordinates or manages."""
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    moments = EvaluationMoment.objects.filter(
        evaluation__isnull=True,
        due_on__lte=horizon,
        plan__decision__decision__in=["accepted", "accepted_with_conditions"],
        plan__referral__status__in=[CaseStatus.PLAN_DECIDED, CaseStatus.FOLLOW_UP],
    )
    if not user.is_superuser:
        scope = Q(pk__in=[])
        if user.is_coordinator:
            scope |= Q(
                plan__referral__assignments__coordinator__user=user,
                plan__referral__assignments__status="accepted",
            )
        if user.is_regional_manager:
            scope |= Q(plan__referral__region__users=user)
        moments = moments.filter(scope)
    return moments.select_related("plan__referral").order_by("due_on").distinct()[:50]
