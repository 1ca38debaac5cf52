"""Who may prepare a case, see its network and safety notes, schedule and log its
conferences, and write and answer the notes between manager and coordinator."""

import rules

from conferences.models import FIRST_CONFERENCE_KINDS, NOTE_LIFECYCLE, ConferenceKind, NoteKind
from ekc.rules import add_action, is_administrator
from referrals.lifecycle import (
    AFTER_CONFERENCE,
    CASE_LIFECYCLE,
    ENDED,
    AssignmentStatus,
    Transition,
)
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


# Notes between the regional manager and the coordinator (object: the case, or the
# note). Coaching between the two of them: nobody else reads them, the
# administrator and the referrer neither.
can_view_oversight_notes = is_accepted_coordinator | manages_region_of


@rules.predicate
def case_is_open(user, referral):
    return referral.status not in ENDED


@rules.predicate
def has_accepted_coordinator(user, referral):
    """Someone coordinates the case: there is someone to comment to."""
    return referral.assignments.filter(status=AssignmentStatus.ACCEPTED).exists()


@rules.predicate
def answers_note(user, note):
    """The other side of the note: the case's coordinator answers a comment, a
    manager of the case's region a request for advice; never its own author."""
    if note.author_id == user.pk:
        return False
    if note.kind == NoteKind.COMMENT:
        return is_accepted_coordinator(user, note.referral)
    return manages_region_of(user, note.referral)


@rules.predicate
def note_is_open(user, note):
    return NOTE_LIFECYCLE.can(note.status, "answer")


rules.add_perm("conferences.view_oversight_notes", can_view_oversight_notes)
# The manager comments on the contact log or the preparation of an open case that
# has a coordinator; the coordinator asks the region's managers for advice.
add_action(
    "conferences.comment_on_preparation",
    manages_region_of,
    case_is_open & has_accepted_coordinator,
)
add_action("conferences.ask_advice", is_accepted_coordinator, case_is_open)
# One answer per note, by the other side (object: the note).
add_action("conferences.answer_note", answers_note, note_is_open)


def answerable_notes(user, referral, notes):
    """The ids of ``notes`` (of ``referral``) that ``user`` may answer now: the rule
    ``conferences.answer_note``, asked once per kind of note instead of once per note."""
    if not notes:
        return set()
    may = {
        NoteKind.COMMENT: is_accepted_coordinator(user, referral),
        NoteKind.ADVICE_REQUEST: manages_region_of(user, referral),
    }
    return {
        note.pk
        for note in notes
        if may[note.kind] and note.author_id != user.pk and note_is_open(user, note)
    }
