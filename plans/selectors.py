"""Reads of plans for home pages and lists."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from plans.models import (
    ACCEPTED_DECISIONS,
    Agreement,
    CarriedBy,
    EvaluationMoment,
    FamilyPlan,
    PlanStatus,
)
from plans.rules import deciding_cases_q, evaluated_cases_q
from referrals.lifecycle import FOLLOWING_PLAN
from referrals.models import Referral

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
        plan__referral__in=Referral.objects.filter(evaluated_cases_q(user)),
    )
    return moments.select_related("plan__referral").order_by("due_on")[:50]


def evaluations_due_within(today, days):
    """Evaluation dates from ``today`` up to ``days`` days ahead, not yet evaluated,
    of accepted plans of cases following their plan: soonest first. Not filtered by
    user."""
    return (
        EvaluationMoment.objects.filter(
            evaluation__isnull=True,
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=days),
            plan__decision__decision__in=ACCEPTED_DECISIONS,
            plan__referral__status__in=FOLLOWING_PLAN,
        )
        .select_related("plan__referral__region")
        .order_by("due_on", "pk")
    )


def plans_awaiting_decision_of(user):
    """Current plan versions sent to ``user`` for a decision and not decided yet."""
    later = FamilyPlan.objects.filter(
        referral=OuterRef("referral"), version__gt=OuterRef("version")
    )
    return FamilyPlan.objects.filter(
        status=PlanStatus.SUBMITTED,
        referral__in=Referral.objects.filter(deciding_cases_q(user)),
    ).filter(~Exists(later))


def plan_awaits_user(user):
    """The case list's column: a plan of this case waits for ``user``'s decision."""
    return Exists(plans_awaiting_decision_of(user).filter(referral=OuterRef("pk")))


def waiting_help_requests():
    """Requests to professionals (agreements carried by a professional) of accepted
    plans of cases following their plan, whose help has not started: longest waiting
    first. They wait since the referrer accepted the plan. Not filtered by user."""
    return (
        Agreement.objects.filter(
            carried_by=CarriedBy.PROFESSIONAL,
            help_started_on__isnull=True,
            plan__decision__decision__in=ACCEPTED_DECISIONS,
            plan__referral__status__in=FOLLOWING_PLAN,
        )
        .select_related("plan__referral", "plan__decision")
        .order_by("plan__decision__decided_at", "pk")
    )
