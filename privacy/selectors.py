"""Reads of the family's requests about its file."""

from datetime import timedelta

from django.db.models import DateField, OuterRef, Q, Subquery, Value
from django.utils import timezone

from ekc.rules import is_administrator, is_regional_manager, region_ids
from privacy.models import DEADLINE_WARNING_DAYS, RightsRequest


def managed_requests_q(user):
    """The requests of the cases ``user`` keeps (``referrals.can_manage_referral``),
    destroyed files included: their requests stay as the record of the decision."""
    if is_administrator(user):
        return Q()
    if is_regional_manager(user):
        return Q(referral__region__in=region_ids(user))
    return Q(pk__in=[])


def requests_for(user):
    return RightsRequest.objects.filter(managed_requests_q(user)).select_related(
        "referral", "referral__region"
    )


def open_requests_for(user):
    """The open requests, the nearest deadline first."""
    return requests_for(user).filter(outcome="").order_by("due_on", "pk")


def decided_requests_for(user, limit=20):
    return requests_for(user).exclude(outcome="").order_by("-decided_on", "-pk")[:limit]


def warning_from(today=None):
    """Requests due on or before this day show their deadline in the work queue."""
    return (today or timezone.localdate()) + timedelta(days=DEADLINE_WARNING_DAYS)


def request_due(user):
    """The case list's column: the nearest deadline of an open request of this case,
    when it is near (within ``DEADLINE_WARNING_DAYS``) and ``user`` keeps the file."""
    if not (is_administrator(user) or is_regional_manager(user)):
        return Value(None, output_field=DateField())
    near = RightsRequest.objects.filter(
        referral=OuterRef("pk"), outcome="", due_on__lte=warning_from()
    )
    return Subquery(near.order_by("due_on").values("due_on")[:1], output_field=DateField())
