"""Who may write, see and decide on a family's plan, and follow it up."""

import rules
from django.db.models import Q

from conferences.rules import is_accepted_coordinator
from ekc.rules import is_administrator, is_liaison, is_referrer, is_regional_manager
from referrals.rules import (
    can_view_referral,
    coordinated_cases_q,
    manages_region_of,
    regions_cases_q,
)


@rules.predicate
def is_deciding_referrer(user, referral):
    """The case's own referrer, or a referrer of the organisation with that right."""
    if not is_referrer(user) or referral.organization_id != user.organization_id:
        return False
    return referral.referrer_id == user.pk or user.may_decide_organization_plans


@rules.predicate
def of_referring_organization(user, referral):
    return (
        is_referrer(user) or is_liaison(user)
    ) and referral.organization_id == user.organization_id


# The coordinator types in the plan as the family wrote it; nobody else edits it.
can_write_plan = is_accepted_coordinator
can_view_plan = can_view_referral
can_decide_plan = is_deciding_referrer
# "Carried out at once, outside waiting lists": the referring side records when help began.
can_record_help = of_referring_organization
can_evaluate = is_accepted_coordinator | manages_region_of


def evaluated_cases_q(user):
    """A filter for the cases whose plans ``user`` evaluates (``can_evaluate``); an
    administrator keeps an eye on all of them."""
    if is_administrator(user):
        return Q()
    return coordinated_cases_q(user, ("accepted",)) | regions_cases_q(user)


@rules.predicate
def is_after_conference(user, referral):
    return referral.status in ("conference_held", "plan_decided", "follow_up")


can_close_case = (manages_region_of | is_administrator) & is_after_conference

rules.add_perm("plans.write_plan", can_write_plan)
rules.add_perm("plans.decide_plan", can_decide_plan)
rules.add_perm("plans.record_help", can_record_help)
rules.add_perm("plans.evaluate", can_evaluate)
rules.add_perm("plans.close_case", can_close_case)

rules.add_perm("plans.view_waiting_help", is_administrator | is_regional_manager)
