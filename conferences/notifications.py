"""The emails of the preparation: the referrer hears the date and place."""

from django.conf import settings
from django.urls import reverse

from conferences.calendar import conference_ics
from ekc.mail import send_after_commit
from referrals.notifications import case_url


def on_commit_scheduled(conference, moved=False):
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
        attachments=[
            (
                f"conferentie-{conference.referral.reference}.ics",
                conference_ics(conference),
                "text/calendar",
            )
        ],
    )
