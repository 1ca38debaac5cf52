"""The emails of the preparation: the referrer and the informing professionals
(those with an email address) hear the date and place, with the calendar file; the
coordinator and the regional manager hear of each other's notes (never their text:
that is read in EKC, behind the login)."""

from django.conf import settings
from django.urls import reverse

from conferences.calendar import conference_ics
from conferences.models import InformingProfessional
from ekc.mail import send_after_commit
from referrals.lifecycle import AssignmentStatus
from referrals.notifications import case_url, region_manager_emails


def _calendar_file(conference):
    return (
        f"conferentie-{conference.referral.reference}.ics",
        conference_ics(conference),
        "text/calendar",
    )


def on_commit_scheduled(conference, moved=False):
    """The date and place to the referrer and to every informing professional with an
    email address, each their own mail (they do not see each other's address).

    The professionals' mail holds what the referrer's holds and less: the case
    reference, never the family, and no link into the app (they have no account).
    """
    _mail_referrer(conference, moved)
    # Queried by the conference's key, not through the relation: the scheduling
    # services hold conferences they just created or locked.
    for professional in InformingProfessional.objects.filter(conference=conference.pk).exclude(
        email=""
    ):
        send_after_commit(
            [professional.email],
            "conferences/email/scheduled_professional",
            {
                "conference": conference,
                "referral": conference.referral,
                "professional": professional,
                "moved": moved,
            },
            attachments=[_calendar_file(conference)],
        )


def _mail_referrer(conference, moved):
    referrer = conference.referral.referrer
    if referrer is None:
        return
    send_after_commit(
        [referrer.email],
        "conferences/email/scheduled",
        {
            "conference": conference,
            "referral": conference.referral,
            "moved": moved,
            "path": case_url(conference.referral),
            "ics": settings.SITE_URL + reverse("conferences:ics", args=[conference.pk]),
        },
        # The calendar file itself, so the date is one click from the calendar.
        attachments=[_calendar_file(conference)],
    )


def _notes_url(referral):
    return settings.SITE_URL + reverse("conferences:preparation", args=[referral.pk]) + "#overleg"


def _note_context(note):
    return {"note": note, "referral": note.referral, "path": _notes_url(note.referral)}


def on_commit_comment(note):
    """The case's coordinator hears of the manager's comment."""
    emails = note.referral.assignments.filter(status=AssignmentStatus.ACCEPTED).values_list(
        "coordinator__user__email", flat=True
    )
    send_after_commit(list(emails), "conferences/email/oversight_comment", _note_context(note))


def on_commit_advice_requested(note):
    """The region's managers hear that the coordinator asks for advice."""
    emails = [e for e in region_manager_emails(note.referral.region_id) if e != note.author.email]
    send_after_commit(emails, "conferences/email/advice_requested", _note_context(note))


def on_commit_answered(note):
    """The note's author hears that it has been answered."""
    send_after_commit([note.author.email], "conferences/email/note_answered", _note_context(note))
