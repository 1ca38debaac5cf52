"""Reads of plans for home pages and lists."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from plans.models import ACCEPTED_DECISIONS, EvaluationMoment, FamilyPlan, PlanStatus
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
