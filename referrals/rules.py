"""Who may see and change a case, and take each step of its lifecycle.

Every action is one permission (``add_action``): who may take it, and in which
case state. Its service requires it, and the templates ask the same rule to show
the button. A coordinator's link to a case is an assignment (coordinators app);
it is read here through the ``assignments`` relation so the rules stay in one place.
"""

import rules
from django.db.models import Q

from ekc.rules import (
    add_action,
    is_administrator,
    is_coordinator,
    is_liaison,
    is_referrer,
    is_regional_manager,
    region_ids,
)
from referrals.lifecycle import (
    BEFORE_CONFERENCE,
    CURRENT_ASSIGNMENT,
    ENDED,
    WITH_REFERRER,
    AssignmentStatus,
    CaseStatus,
    Transition,
    can_transition,
)
from referrals.models import Referral


def coordinated_by_q(user, to_case=""):
    """The cases whose accepted coordinator is ``user``: the one name of that link.

    ``to_case`` is the path from the model filtered to its case (``"plan__referral__"``
    for plans; empty for cases). A join: a case has at most one accepted assignment.
    """
    return Q(
        **{
            f"{to_case}assignments__coordinator__user": user,
            f"{to_case}assignments__status": AssignmentStatus.ACCEPTED,
        }
    )


def visible_referrals_q(user):
    """A filter for the cases ``user`` may see; matches nothing for outsiders."""
    # A destroyed file holds only anonymous facts, for the statistics: nobody opens it.
    if is_administrator(user):
        return Q(destroyed_at__isnull=True)
    # The region's work starts when the referral is submitted or registered.
    q = regions_cases_q(user) & (~Q(status=CaseStatus.DRAFT) | Q(created_by=user))
    if is_referrer(user) or is_liaison(user):
        q |= Q(organization_id=user.organization_id)
    return (q | coordinated_cases_q(user)) & Q(destroyed_at__isnull=True)


def regions_cases_q(user):
    """A filter for the cases of the regions ``user`` manages (``manages_region_of``)."""
    if not is_regional_manager(user):
        return Q(pk__in=[])
    return Q(region__in=region_ids(user))


def coordinated_cases_q(user, assignment_states=CURRENT_ASSIGNMENT):
    """A filter for the cases ``user`` coordinates (``is_case_coordinator``): proposed
    or accepted; with ``(AssignmentStatus.ACCEPTED,)`` only those they said yes to
    (``is_accepted_coordinator``)."""
    if not is_coordinator(user):
        return Q(pk__in=[])
    # A subquery, not a join: a join would repeat cases with several assignments.
    return Q(
        pk__in=Referral.objects.filter(
            assignments__coordinator__user=user,
            assignments__status__in=assignment_states,
        ).values("pk")
    )


@rules.predicate
def manages_region_of(user, referral):
    return is_regional_manager(user) and referral.region_id in region_ids(user)


@rules.predicate
def of_own_organization(user, referral):
    return (is_referrer(user) or is_liaison(user)) and (
        referral.organization_id == user.organization_id
    )


@rules.predicate
def referrer_of_own_organization(user, referral):
    return is_referrer(user) and referral.organization_id == user.organization_id


@rules.predicate
def is_case_coordinator(user, referral):
    """The accepted coordinator, or one proposed for the case (not yet answered)."""
    return (
        is_coordinator(user)
        and referral.assignments.filter(
            coordinator__user=user, status__in=CURRENT_ASSIGNMENT
        ).exists()
    )


@rules.predicate
def is_accepted_coordinator(user, referral):
    """The coordinator who said yes to this case (not a pending proposal)."""
    return (
        is_coordinator(user)
        and Referral.objects.filter(coordinated_by_q(user), pk=referral.pk).exists()
    )


def in_state(*states):
    """A predicate: the case is in one of ``states`` (a group from referrals.lifecycle)."""
    states = frozenset().union(*states)

    @rules.predicate(name=f"in_state({'|'.join(sorted(states))})")
    def case_in_state(user, referral):
        return referral.status in states

    return case_in_state


def may_move(transition):
    """A predicate: the case's lifecycle allows ``transition`` from its state now."""

    @rules.predicate(name=f"may_move({transition})")
    def case_may_move(user, referral):
        return can_transition(referral.status, transition)

    return case_may_move


@rules.predicate
def consent_withdrawn(user, referral):
    """The family withdrew its consent and has not given it again."""
    return referral.consent_withdrawn_on is not None


@rules.predicate
def is_draft_of(user, referral):
    return referral.status == CaseStatus.DRAFT and referral.created_by_id == user.pk


@rules.predicate
def is_with_region(user, referral):
    # Submitted, or sent back by the region (it stays in view until resubmitted).
    return referral.status != CaseStatus.DRAFT


is_with_referrer = in_state(WITH_REFERRER)
is_before_conference = in_state(BEFORE_CONFERENCE)
is_ended = in_state(ENDED)

can_view_referral = (
    is_administrator
    | (manages_region_of & (is_with_region | is_draft_of))
    | of_own_organization
    | is_case_coordinator
)
can_manage_referral = is_administrator | (manages_region_of & (is_with_region | is_draft_of))
can_edit_referral = (referrer_of_own_organization & is_with_referrer) | (
    can_manage_referral & is_before_conference
)
can_register_referrals = is_administrator | is_regional_manager | is_referrer


def drafts_as_referrer(user):
    """A referrer drafts as the case's referrer, for their own organisation; one who is
    a regional manager too drafts as a manager."""
    return is_referrer(user) and not is_regional_manager(user)


@rules.predicate
def can_draft_referral_for(user, organization):
    """Draft a case for ``organization``: a referrer for their own, a regional manager
    for one in their regions, an administrator for any."""
    if drafts_as_referrer(user):
        return organization.pk == user.organization_id
    return is_administrator(user) or (
        is_regional_manager(user) and organization.region_id in region_ids(user)
    )


can_see_referral_lists = (
    is_administrator | is_regional_manager | is_referrer | is_liaison | is_coordinator
)

# The queue's warnings ("no coordinator after 2 working days") are the region's
# work, not the referrer's; the organisation column only tells something to those
# who see cases of several organisations.
can_see_queue_warnings = is_administrator | is_regional_manager
sees_several_organizations = is_administrator | is_regional_manager | is_coordinator

rules.add_perm("referrals.see_queue_warnings", can_see_queue_warnings)
# When the file will be destroyed: for those who keep it (and place legal holds).
rules.add_perm("referrals.see_retention_date", is_administrator | manages_region_of)
rules.add_perm("referrals.see_organization_column", sees_several_organizations)
rules.add_perm("referrals.view_referral", can_view_referral)
rules.add_perm("referrals.manage_referral", can_manage_referral)
rules.add_perm("referrals.add_referral", can_register_referrals)
rules.add_perm("referrals.list_referrals", can_see_referral_lists)

# The steps of the case (object: the referral).
add_action("referrals.edit_referral", can_edit_referral)
add_action("referrals.submit_referral", referrer_of_own_organization, may_move(Transition.SUBMIT))
add_action("referrals.register_referral", can_manage_referral, may_move(Transition.REGISTER))
add_action("referrals.take_in_referral", can_manage_referral, may_move(Transition.TAKE_IN))
add_action("referrals.return_referral", can_manage_referral, may_move(Transition.RETURN))
add_action(
    "referrals.stop_referral",
    can_manage_referral | referrer_of_own_organization,
    may_move(Transition.STOP),
)
add_action("referrals.reopen_referral", is_administrator, may_move(Transition.REOPEN))
add_action("referrals.record_consent", can_manage_referral | can_edit_referral, ~is_ended)
# Linking the case to an earlier case of the same family: the region's work.
add_action("referrals.link_family", can_manage_referral)


# No conference offered (reversed burden of proof): a liaison records for their
# organisation; managers see their regions' organisations; liaisons their own.
can_record_non_offer = is_liaison
can_view_non_offers = is_administrator | is_regional_manager | is_liaison

add_action("referrals.record_non_offer", can_record_non_offer)
rules.add_perm("referrals.view_nonoffers", can_view_non_offers)


def visible_non_offers_q(user):
    if is_administrator(user):
        return Q()
    q = Q(pk__in=[])
    if is_regional_manager(user):
        q |= Q(organization__region__in=region_ids(user))
    if is_liaison(user):
        q |= Q(organization_id=user.organization_id)
    return q
