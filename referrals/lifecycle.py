"""The case lifecycle, declared once, with the named groups of case states.

Services move a case only along these transitions; the access rules (and so the
templates that decide which buttons to show) ask ``can_transition``. Later apps
(conferences, plans, research) use the states and groups declared here.

The coordinator's link to the case (an assignment, coordinators app) has its
states here too: this app reads them through the ``assignments`` relation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ekc.lifecycle import Lifecycle


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Sent back")
    REGISTERED = "registered", _("Registered")
    COORDINATOR_ASSIGNED = "coordinator_assigned", _("Coordinator assigned")
    PREPARING = "preparing", _("Preparing")
    CONFERENCE_SCHEDULED = "conference_scheduled", _("Conference scheduled")
    CONFERENCE_HELD = "conference_held", _("Conference held")
    PLAN_DECIDED = "plan_decided", _("Plan decided")
    PLAN_NOT_ACCEPTED = "plan_not_accepted", _("Plan not accepted")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    STOPPED = "stopped", _("Stopped")


S = CaseStatus

# Before the conference: a case can still be stopped without one.
BEFORE_CONFERENCE = frozenset(
    {
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.REGISTERED,
        S.COORDINATOR_ASSIGNED,
        S.PREPARING,
        S.CONFERENCE_SCHEDULED,
    }
)
# Registered with the region and not ended: the cases a regional manager works on.
IN_PROGRESS = frozenset(
    {
        S.REGISTERED,
        S.COORDINATOR_ASSIGNED,
        S.PREPARING,
        S.CONFERENCE_SCHEDULED,
        S.CONFERENCE_HELD,
        S.PLAN_DECIDED,
        S.PLAN_NOT_ACCEPTED,
        S.FOLLOW_UP,
    }
)
# A coordinator's active cases: from the proposal until the conference is held.
COORDINATOR_ACTIVE = frozenset(
    {S.REGISTERED, S.COORDINATOR_ASSIGNED, S.PREPARING, S.CONFERENCE_SCHEDULED}
)
# Not yet with the region (the referrer's own work).
WITH_REFERRER = frozenset({S.DRAFT, S.RETURNED})
ENDED = frozenset({S.CLOSED, S.STOPPED})
# Where a first conference can be scheduled: a coordinator has accepted the case.
BEFORE_FIRST_CONFERENCE = frozenset({S.COORDINATOR_ASSIGNED, S.PREPARING})
# The conference has been held and the case is still open: the plan's time. A plan
# that was not accepted is revised (a new version, decided again), reworked at a
# follow-up conference, or the case is closed.
AFTER_CONFERENCE = frozenset({S.CONFERENCE_HELD, S.PLAN_DECIDED, S.PLAN_NOT_ACCEPTED, S.FOLLOW_UP})
# The same, or closed since: the case has a conference and (perhaps) a plan to read.
CONFERENCE_HELD_ONCE = AFTER_CONFERENCE | {S.CLOSED}
# The referrer has accepted the plan: it is followed up (evaluations, help). Not
# after a plan that was not accepted: that one is not carried out.
FOLLOWING_PLAN = frozenset({S.PLAN_DECIDED, S.FOLLOW_UP})


class Transition(models.TextChoices):
    """Every way a case's state may change, named by what happens."""

    SUBMIT = "submit", _("submitted by the referrer")
    REGISTER = "register", _("registered")
    TAKE_IN = "take_in", _("taken in by the regional manager")
    RETURN = "return", _("sent back to the referrer")
    ASSIGN = "assign", _("coordinator accepted")
    UNASSIGN = "unassign", _("coordinator withdrawn")
    START_PREPARATION = "start_preparation", _("first contact with the family")
    SCHEDULE = "schedule", _("conference scheduled")
    HOLD = "hold", _("conference held")
    DECIDE_PLAN = "decide_plan", _("plan decided")
    REJECT_PLAN = "reject_plan", _("plan not accepted")
    START_FOLLOW_UP = "start_follow_up", _("follow-up started")
    CLOSE = "close", _("closed")
    STOP = "stop", _("stopped without a conference")
    REOPEN = "reopen", _("reopened")


T = Transition

# Where the referrer's decision on a plan version may come: after the conference,
# and again on a later version.
PLAN_DECIDABLE = frozenset({S.CONFERENCE_HELD, S.PLAN_DECIDED, S.PLAN_NOT_ACCEPTED, S.FOLLOW_UP})

# transition -> (states it may start from, state it leads to). REOPEN leads back to
# the state the case had before it was stopped or closed (see services).
TRANSITIONS = {
    T.SUBMIT: (WITH_REFERRER, S.SUBMITTED),
    T.REGISTER: (frozenset({S.DRAFT}), S.REGISTERED),
    T.TAKE_IN: (frozenset({S.SUBMITTED}), S.REGISTERED),
    T.RETURN: (frozenset({S.SUBMITTED}), S.RETURNED),
    T.ASSIGN: (frozenset({S.REGISTERED}), S.COORDINATOR_ASSIGNED),
    T.UNASSIGN: (
        frozenset({S.COORDINATOR_ASSIGNED, S.PREPARING, S.CONFERENCE_SCHEDULED}),
        S.REGISTERED,
    ),
    T.START_PREPARATION: (frozenset({S.COORDINATOR_ASSIGNED}), S.PREPARING),
    T.SCHEDULE: (BEFORE_FIRST_CONFERENCE, S.CONFERENCE_SCHEDULED),
    T.HOLD: (frozenset({S.CONFERENCE_SCHEDULED}), S.CONFERENCE_HELD),
    # The referrer's decision on the current plan version: accepted (with or without
    # conditions) or not. A later version (a correction, or a revised plan after a
    # rejection) is decided again.
    T.DECIDE_PLAN: (PLAN_DECIDABLE, S.PLAN_DECIDED),
    T.REJECT_PLAN: (PLAN_DECIDABLE, S.PLAN_NOT_ACCEPTED),
    T.START_FOLLOW_UP: (frozenset({S.PLAN_DECIDED}), S.FOLLOW_UP),
    T.CLOSE: (AFTER_CONFERENCE, S.CLOSED),
    T.STOP: (BEFORE_CONFERENCE, S.STOPPED),
    T.REOPEN: (ENDED, None),
}


CASE_LIFECYCLE = Lifecycle(TRANSITIONS)


def can_transition(status, transition):
    return CASE_LIFECYCLE.can(status, transition)


def target_of(transition):
    return CASE_LIFECYCLE.target(transition)


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ENDED = "ended", _("Ended")


A = AssignmentStatus

# The assignments that link a coordinator to a case now: a pending proposal, or
# accepted. At most one per case (a database constraint).
CURRENT_ASSIGNMENT = frozenset({A.PROPOSED, A.ACCEPTED})

ASSIGNMENT_LIFECYCLE = Lifecycle(
    {
        "accept": ({A.PROPOSED}, A.ACCEPTED),
        "decline": ({A.PROPOSED}, A.DECLINED),
        # The regional manager takes the coordinator (or the proposal) off the case.
        "withdraw": (CURRENT_ASSIGNMENT, A.WITHDRAWN),
        # The case ended without a conference.
        "end": (CURRENT_ASSIGNMENT, A.ENDED),
        # The coordinator handed the case over to another (a transfer was accepted).
        "hand_over": ({A.ACCEPTED}, A.ENDED),
    }
)

# A case changes coordinator in one step while it could lose one: before the
# conference. It keeps its state, contact log, network and conferences.
TRANSFERABLE = TRANSITIONS[T.UNASSIGN][0]


class TransferStatus(models.TextChoices):
    """A transfer of a case to another coordinator (coordinators app): its states
    are here, beside the assignment's, so this app can end it with the case."""

    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


TRANSFER_LIFECYCLE = Lifecycle(
    {
        "accept": ({TransferStatus.OPEN}, TransferStatus.ACCEPTED),
        "decline": ({TransferStatus.OPEN}, TransferStatus.DECLINED),
        # The manager changes their mind, the coordinator is withdrawn, or the case stops.
        "cancel": ({TransferStatus.OPEN}, TransferStatus.CANCELLED),
    }
)
