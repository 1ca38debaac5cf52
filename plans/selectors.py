"""Reads of plans for home pages and lists."""

import datetime

from django.db.models import Q
from django.utils import timezone

from ekc.rules import is_administrator, is_coordinator, is_regional_manager
from plans.models import ACCEPTED_DECISIONS, EvaluationMoment
from referrals.lifecycle import FOLLOWING_PLAN
from referrals.rules import coordinated_by_q

DUE_WITHIN_DAYS = 7


def due_evaluations(user, within_days=DUE_WITHIN_DAYS):
    """Evaluation dates (not yet evaluated) within a week or overdue, of accepted
    current plans of cases the user coordinates or manages."""
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    moments = EvaluationMoment.objects.filter(
        evaluation__isnull=True,
        due_on__lte=horizon,
        plan__decision__decision__in=ACCEPTED_DECISIONS,
        plan__referral__status__in=FOLLOWING_PLAN,
    )
    if not is_administrator(user):
        scope = Q(pk__in=[])
        if is_coordinator(user):
            scope |= coordinated_by_q(user, to_case="plan__referral__")
        if is_regional_manager(user):
            scope |= Q(plan__referral__region__users=user)
        moments = moments.filter(scope)
    return moments.select_related("plan__referral").order_by("due_on").distinct()[:50]
