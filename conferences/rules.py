"""Who may prepare a case, see its network and safety notes, and schedule and log
its conferences."""

import rules

from conferences.models import FIRST_CONFERENCE_KINDS, ConferenceKind
from ekc.rules import add_action, is_administrator
from referrals.lifecycle import AFTER_CONFERENCE, CASE_LIFECYCLE, Transition
from referrals.rules import can_view_referral, is_accepted_coordinator, manages_region_of

# The coordinator does the preparation; the regional manager looks on and coaches.
can_prepare = is_accepted_coordinator
can_view_preparation = is_accepted_coordinator | manages_region_of | is_administrator
# Safety notes and the network's contact details: coordinator and regional manager only.
can_view_network_details = is_accepted_coordinator | manages_region_of
# The date and place: everyone who may see the case (the referrer too).
can_view_schedule = can_view_referral


def schedulable_kinds(referral, conferences=None):
    """The kinds of conference that can be scheduled for the case now: its first
    conference once a coordinator has accepted it, follow-ups after that one."""
    if conferences is None:
        conferences = list(referral.conferences.all())
    has_first = any(c.is_first for c in conferences)
    if not has_first and CASE_LIFECYCLE.can(referral.status, Transition.SCHEDULE):
        return list(FIRST_CONFERENCE_KINDS)
    if has_first and referral.status in AFTER_CONFERENCE:
        return [ConferenceKind.FOLLOW_UP]
    return []


def invitations_open(referral, conferences=None):
    """Invitations are for a conference still to come: until the case's first
    conference is held, and again while a follow-up is scheduled. After that, who
    came is what counts (the participants' attendance)."""
    if conferences is None:
        conferences = list(referral.conferences.all())
    return not conferences or any(not c.is_held for c in conferences)


@rules.predicate
def has_invitations_open(user, referral):
    return invitations_open(referral)


@rules.predicate
def has_conference_to_schedule(user, referral):
    return bool(schedulable_kinds(referral))


@rules.predicate
def prepares_case_of(user, conference):
    return can_prepare(user, conference.referral)


@rules.predicate
def is_not_held(user, conference):
    return not conference.is_held


rules.add_perm("conferences.view_preparation", can_view_preparation)
rules.add_perm("conferences.view_network_details", can_view_network_details)

# The coordinator's steps. Contact moments and the network (object: the case).
add_action("conferences.prepare_conference", can_prepare)
# Who is invited (object: the case): only while a conference is still to come.
add_action("conferences.invite_network", can_prepare, has_invitations_open)
add_action("conferences.schedule_conference", can_prepare, has_conference_to_schedule)
# A conference not yet held (object: the conference): change it, or log its day.
add_action("conferences.change_conference", prepares_case_of, is_not_held)
add_action("conferences.hold_conference", prepares_case_of, is_not_held)
