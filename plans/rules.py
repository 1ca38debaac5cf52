"""Who may write, see and decide on a family's plan, and follow it up.

Every step is one permission (``add_action``). The object is the case for steps
on the case (start a plan, close), the plan version for steps on a plan, and the
agreement for recording the start of help.
"""

import rules
from django.db.models import Q

from conferences.rules import is_accepted_coordinator
from ekc.rules import (
    add_action,
    is_administrator,
    is_liaison,
    is_referrer,
    is_region_staff,
)
from referrals.lifecycle import (
    AFTER_CONFERENCE,
    CONFERENCE_HELD_ONCE,
    FOLLOWING_PLAN,
    AssignmentStatus,
)
from referrals.rules import (
    can_view_referral,
    coordinated_cases_q,
    in_state,
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
can_close_case = manages_region_of | is_administrator


def of_the_case(predicate, path):
    """``predicate`` (on a case) asked of the case of a plan or agreement."""

    @rules.predicate(name=f"{predicate.name}[{path}]")
    def of_case(user, obj):
        for name in path.split("."):
            obj = getattr(obj, name)
        return predicate(user, obj)

    return of_case


def evaluated_cases_q(user):
    """A filter for the cases whose plans ``user`` evaluates (``can_evaluate``); an
    administrator keeps an eye on all of them."""
    if is_administrator(user):
        return Q()
    return coordinated_cases_q(user, (AssignmentStatus.ACCEPTED,)) | regions_cases_q(user)


def deciding_cases_q(user):
    """A filter for the cases whose plans ``user`` decides on (``is_deciding_referrer``)."""
    if not is_referrer(user) or user.organization_id is None:
        return Q(pk__in=[])
    own = Q(organization_id=user.organization_id)
    if user.may_decide_organization_plans:
        return own
    return own & Q(referrer_id=user.pk)


@rules.predicate
def has_no_plan(user, referral):
    return not referral.plans.exists()


@rules.predicate
def is_current_version(user, plan):
    """The latest version: one family, one plan."""
    return not plan.referral.plans.filter(version__gt=plan.version).exists()


@rules.predicate
def is_draft(user, plan):
    return plan.is_draft


@rules.predicate
def is_frozen(user, plan):
    return plan.is_frozen


@rules.predicate
def awaits_decision(user, plan):
    return plan.awaits_decision


@rules.predicate
def is_accepted_plan(user, plan):
    return plan.is_accepted


@rules.predicate
def is_help_request_of_accepted_plan(user, agreement):
    return agreement.is_help_request and agreement.plan.is_accepted


rules.add_perm("plans.view_plan", can_view_plan)
rules.add_perm("plans.view_waiting_help", is_region_staff)

# The case's plan, to read from the conference on (a link, not a step).
add_action("plans.read_plan", can_view_plan, in_state(CONFERENCE_HELD_ONCE))
# Steps on the case.
add_action("plans.start_plan", can_write_plan, in_state(AFTER_CONFERENCE) & has_no_plan)
add_action("plans.close_case", can_close_case, in_state(AFTER_CONFERENCE))
# Steps on a plan version.
add_action("plans.edit_plan", of_the_case(can_write_plan, "referral"), is_draft)
add_action(
    "plans.new_plan_version",
    of_the_case(can_write_plan, "referral"),
    is_frozen & is_current_version,
)
add_action(
    "plans.decide_plan",
    of_the_case(can_decide_plan, "referral"),
    awaits_decision & is_current_version,
)
add_action(
    "plans.evaluate_plan",
    of_the_case(can_evaluate, "referral"),
    is_accepted_plan & is_current_version & of_the_case(in_state(FOLLOWING_PLAN), "referral"),
)
# A request to a professional in an accepted plan (object: the agreement).
add_action(
    "plans.record_help",
    of_the_case(can_record_help, "plan.referral"),
    is_help_request_of_accepted_plan,
)
