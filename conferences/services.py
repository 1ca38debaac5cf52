"""The coordinator's work: contact moments, the network, scheduling and the day.

Every function checks the actor's right and the case's state, works in one
transaction, records a case event, and mails after the commit.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conferences import notifications
from conferences.models import (
    CONFERENCE_LIFECYCLE,
    FIRST_CONFERENCE_KINDS,
    NOTE_LIFECYCLE,
    NOTE_MAX_LENGTH,
    Attendance,
    Conference,
    ContactMoment,
    InformingProfessional,
    NoteKind,
    OversightNote,
    Participant,
)
from conferences.rules import invitations_open, schedulable_kinds
from ekc.editing import bump_version_or_refuse, bump_versions_or_refuse
from ekc.rules import require_action
from referrals.lifecycle import CASE_LIFECYCLE, Transition
from referrals.models import Invitation, NetworkMember
from referrals.services import (
    TransitionError,
    lock_case,
    record_event,
    referral_start_preparation,
    transition,
)

# Invitation on the day -> attendance when nothing else is ticked.
DEFAULT_ATTENDANCE = {
    Invitation.DECLINED: Attendance.DECLINED,
    Invitation.EXCLUDED: Attendance.EXCLUDED,
}

INVITATIONS_CLOSED = gettext_lazy(
    "The conference has been held: who came counts now, invitations can no longer be changed."
)


@transaction.atomic
def contact_log(*, referral, actor, on, method, minutes, member=None, professional="", note=""):
    """Log a contact moment. The first one starts the preparation of the case."""
    referral = lock_case(referral)
    require_action("conferences.prepare_conference", actor, referral)
    if on > timezone.localdate():
        raise ValueError("A contact moment cannot be in the future.")
    if member is not None and member.referral_id != referral.pk:
        raise ValueError("That person is not in this case's network.")
    if member is None and not professional.strip():
        raise ValueError("Say with whom the contact was.")
    moment = ContactMoment.objects.create(
        referral=referral,
        on=on,
        member=member,
        professional=professional.strip(),
        method=method,
        minutes=minutes,
        note=note,
        recorded_by=actor,
    )
    if CASE_LIFECYCLE.can(referral.status, Transition.START_PREPARATION):
        referral_start_preparation(referral=referral, actor=actor, first_contact_on=on)
    return moment


@transaction.atomic
def member_save(*, referral, actor, member=None, version=None, **fields):
    """Add someone to the network, or change them. Excluding needs a reason; the
    invitation changes only while a conference is still to come (TransitionError).

    A change needs the ``version`` of ``member`` it was made on; raises ``StaleEdit``
    (nothing saved) when someone else changed them since.
    """
    referral = lock_case(referral)
    require_action("conferences.prepare_conference", actor, referral)
    if (
        "invitation" in fields
        and (member is None or fields["invitation"] != member.invitation)
        and not invitations_open(referral)
    ):
        raise TransitionError(str(INVITATIONS_CLOSED))
    if (
        fields.get("invitation") == Invitation.EXCLUDED
        and not fields.get("exclusion_reason", "").strip()
    ):
        raise ValueError("Excluding someone needs a reason.")
    if "invitation" in fields and fields["invitation"] != Invitation.EXCLUDED:
        fields["exclusion_reason"] = ""
    if member is None:
        member = NetworkMember.objects.create(referral=referral, **fields)
        record_event(
            referral=referral,
            actor=actor,
            kind="network_added",
            details={"relation": member.relation},
        )
    else:
        if member.referral_id != referral.pk:
            raise PermissionDenied
        member.version = bump_version_or_refuse(NetworkMember, member.pk, version)
        for name, value in fields.items():
            setattr(member, name, value)
        member.save(update_fields=list(fields))
    return member


@transaction.atomic
def invitations_save(*, referral, actor, invitations):
    """Save the invitations of the network list at once: one save for everyone.

    ``invitations`` maps a network member's id to ``(version, invitation)``, the
    version the list was read at. Only the members whose invitation changes are
    written. All or nothing: a member not in this case's network is refused
    (PermissionDenied); when someone changed one of the changed members since,
    raises ``StaleEdit``; excluding needs a reason, given on the person's own form
    (ValueError). Only while a conference is still to come (TransitionError after).
    Records one case event with the new invitations. Returns the members changed.
    """
    referral = lock_case(referral)
    require_action(
        "conferences.invite_network",
        actor,
        referral,
        refused=lambda: TransitionError(str(INVITATIONS_CLOSED)),
    )
    members = NetworkMember.objects.filter(referral=referral, pk__in=list(invitations))
    members = {member.pk: member for member in members}
    if len(members) != len(invitations):
        raise PermissionDenied
    changed, versions = [], {}
    for pk, (version, invitation) in invitations.items():
        member = members[pk]
        if invitation == member.invitation:
            continue
        if invitation not in Invitation.values:
            raise ValueError(f"Unknown invitation {invitation!r}.")
        if invitation == Invitation.EXCLUDED:
            raise ValueError("Excluding someone needs a reason.")
        member.invitation, member.exclusion_reason = invitation, ""
        changed.append(member)
        versions[pk] = version
    if not changed:
        return []
    for pk, version in bump_versions_or_refuse(NetworkMember, versions).items():
        members[pk].version = version
    NetworkMember.objects.bulk_update(changed, ["invitation", "exclusion_reason"])
    record_event(
        referral=referral,
        actor=actor,
        kind="invitations_changed",
        details={"invitations": {str(m.pk): m.invitation for m in changed}},
    )
    return changed


def is_first_conference(kind):
    return kind in FIRST_CONFERENCE_KINDS


@transaction.atomic
def conference_schedule(
    *,
    referral,
    actor,
    kind,
    starts_at,
    location_type,
    address="",
    languages=(),
    interpreter=False,
    interpreter_note="",
    food="",
    rituals="",
    professionals=(),
):
    """Schedule a conference and email the referrer the date and place.

    A first conference (family group or restorative) needs an accepted
    coordinator and moves the case to "conference scheduled". A follow-up
    conference is added after the plan, with the same network; the first
    conference stays as it was.
    """
    referral = lock_case(referral)
    require_action(
        "conferences.schedule_conference",
        actor,
        referral,
        refused=_("A conference can only be scheduled once a coordinator has accepted the case."),
    )
    if kind not in schedulable_kinds(referral):
        if not is_first_conference(kind):
            raise TransitionError(_("A follow-up conference comes after the first conference."))
        raise TransitionError(_("This case already has its conference; add a follow-up instead."))
    conference = Conference.objects.create(
        referral=referral,
        kind=kind,
        starts_at=starts_at,
        location_type=location_type,
        address=address,
        languages=list(languages),
        interpreter=interpreter,
        interpreter_note=interpreter_note,
        food=food,
        rituals=rituals,
        created_by=actor,
    )
    InformingProfessional.objects.bulk_create(
        [InformingProfessional(conference=conference, **p) for p in professionals]
    )
    details = {"conference": conference.pk, "kind": kind, "starts_at": starts_at.isoformat()}
    if is_first_conference(kind):
        transition(referral=referral, actor=actor, transition=Transition.SCHEDULE, details=details)
    else:
        record_event(referral=referral, actor=actor, kind="follow_up_scheduled", details=details)
    notifications.on_commit_scheduled(conference)
    return conference


@transaction.atomic
def conference_reschedule(*, conference, actor, version, **fields):
    """Change the date, place or the family's choices of a conference not yet held.

    ``version`` is the conference's version the change was made on: when someone
    else changed it since, raises ``StaleEdit`` and saves and mails nothing. A new
    date is mailed to the referrer once, after the commit.
    """
    referral = lock_case(conference.referral)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    conference.referral = referral
    require_action(
        "conferences.change_conference",
        actor,
        conference,
        refused=_("This conference has been held; it cannot be changed."),
    )
    conference.version = bump_version_or_refuse(Conference, conference.pk, version)
    moved = "starts_at" in fields and fields["starts_at"] != conference.starts_at
    for name, value in fields.items():
        setattr(conference, name, value)
    conference.save(update_fields=list(fields))
    record_event(
        referral=referral,
        actor=actor,
        kind="conference_changed",
        details={"conference": conference.pk, "starts_at": conference.starts_at.isoformat()},
    )
    if moved:
        notifications.on_commit_scheduled(conference, moved=True)
    return conference


def duration_of(start, end):
    """Minutes from the start of phase 1 to the end of phase 3."""
    day = datetime.date(2000, 1, 1)  # any day: only the times matter
    minutes = datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)
    return int(minutes.total_seconds() // 60)


def check_phases(phases):
    """The three phases must follow each other, each ending after it starts."""
    order = [
        phases["information_start"],
        phases["information_end"],
        phases["private_time_start"],
        phases["private_time_end"],
        phases["presentation_start"],
        phases["presentation_end"],
    ]
    if any(t is None for t in order):
        raise ValueError("All six times are needed.")
    if any(later < earlier for earlier, later in zip(order, order[1:], strict=False)):
        raise ValueError("The phases must follow each other in time.")


@transaction.atomic
def conference_hold(*, conference, actor, held_on, phases, attendance, professionals_present=()):
    """Log the conference day: the three phases, who came, which professionals informed.

    ``attendance`` maps network member id to an Attendance code; members not in it
    get one from their invitation (declined or excluded) or "absent". The duration
    is computed from the phase times. A first conference moves the case to
    "conference held".
    """
    referral = lock_case(conference.referral)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    conference.referral = referral
    require_action(
        "conferences.hold_conference",
        actor,
        conference,
        refused=_("This conference day has already been logged."),
    )
    if held_on > timezone.localdate():
        raise ValueError("A conference cannot be logged before it happens.")
    check_phases(phases)
    for name, value in phases.items():
        setattr(conference, name, value)
    conference.held_on = held_on
    conference.duration_minutes = duration_of(
        phases["information_start"], phases["presentation_end"]
    )
    CONFERENCE_LIFECYCLE.move(conference, "hold")
    conference.save()
    members = list(referral.network_members.all())
    Participant.objects.bulk_create(
        [
            Participant(
                conference=conference,
                member=member,
                relation=member.relation,
                attendance=attendance.get(
                    member.pk, DEFAULT_ATTENDANCE.get(member.invitation, Attendance.ABSENT)
                ),
            )
            for member in members
        ]
    )
    present = set(professionals_present)
    for professional in conference.professionals.all():
        professional.present = professional.pk in present
        professional.save(update_fields=["present"])
    details = {"conference": conference.pk, "duration_minutes": conference.duration_minutes}
    if conference.is_first and CASE_LIFECYCLE.can(referral.status, Transition.HOLD):
        transition(referral=referral, actor=actor, transition=Transition.HOLD, details=details)
    elif conference.is_first:
        raise TransitionError(_("The case is not waiting for its conference."))
    else:
        record_event(referral=referral, actor=actor, kind="follow_up_held", details=details)
    return conference


def preparation_summary(referral, moments):
    """Total hours and days since the last contact, from the case's contact moments."""
    total = sum(m.minutes for m in moments)
    last = max((m.on for m in moments), default=None)
    return {
        "hours": round(total / 60, 1),
        "days_since_last": (timezone.localdate() - last).days if last else None,
        "count": len(moments),
    }


# Notes between the regional manager and the coordinator.

NOTE_ANSWERED = gettext_lazy("This has already been answered.")


def _note_text(text):
    text = (text or "").strip()
    if not text:
        raise ValueError("A note needs a text.")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValueError(f"A note has at most {NOTE_MAX_LENGTH} characters.")
    return text


def _write_note(*, referral, actor, kind, text, contact_moment, event):
    if contact_moment is not None and contact_moment.referral_id != referral.pk:
        raise ValueError("That contact moment is not of this case.")
    note = OversightNote.objects.create(
        referral=referral,
        contact_moment=contact_moment,
        kind=kind,
        text=_note_text(text),
        author=actor,
    )
    details = {"note": note.pk}
    if contact_moment is not None:
        details["contact_on"] = contact_moment.on.isoformat()
    record_event(referral=referral, actor=actor, kind=event, details=details)
    return note


@transaction.atomic
def note_comment(*, referral, actor, text, contact_moment=None):
    """The regional manager comments on the preparation, or on one of its contact
    moments. Only a manager of the case's region, while the case is open and has a
    coordinator (PermissionDenied otherwise); an empty text is a ValueError. Records
    the event ``oversight_comment`` and mails the coordinator after the commit."""
    referral = lock_case(referral)
    require_action(
        "conferences.comment_on_preparation",
        actor,
        referral,
        refused=_("A comment needs an open case with a coordinator."),
    )
    note = _write_note(
        referral=referral,
        actor=actor,
        kind=NoteKind.COMMENT,
        text=text,
        contact_moment=contact_moment,
        event="oversight_comment",
    )
    notifications.on_commit_comment(note)
    return note


@transaction.atomic
def note_ask_advice(*, referral, actor, text, contact_moment=None):
    """The case's coordinator asks the region's managers for advice (optionally
    about one contact moment). Only the accepted coordinator of an open case
    (PermissionDenied otherwise). Records ``advice_requested`` and mails the
    region's managers after the commit."""
    referral = lock_case(referral)
    require_action(
        "conferences.ask_advice",
        actor,
        referral,
        refused=_("Advice can only be asked on an open case."),
    )
    note = _write_note(
        referral=referral,
        actor=actor,
        kind=NoteKind.ADVICE_REQUEST,
        text=text,
        contact_moment=contact_moment,
        event="advice_requested",
    )
    notifications.on_commit_advice_requested(note)
    return note


@transaction.atomic
def note_answer(*, note, actor, text):
    """Answer a note, once: the coordinator answers a comment, a manager of the
    region a request for advice (PermissionDenied for anyone else). A second answer
    is a TransitionError and changes nothing. Records ``oversight_comment_answered``
    or ``advice_answered`` and mails the note's author after the commit."""
    referral = lock_case(note.referral)
    note = OversightNote.objects.select_for_update().get(pk=note.pk)
    note.referral = referral
    require_action("conferences.answer_note", actor, note, refused=NOTE_ANSWERED)
    note.answer = _note_text(text)
    NOTE_LIFECYCLE.move(note, "answer", refused=str(NOTE_ANSWERED))
    note.answered_by = actor
    note.answered_at = timezone.now()
    note.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    kind = "oversight_comment_answered" if note.is_comment else "advice_answered"
    record_event(referral=referral, actor=actor, kind=kind, details={"note": note.pk})
    notifications.on_commit_answered(note)
    return note
