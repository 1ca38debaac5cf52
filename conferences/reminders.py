"""Daily reminders by email. Safe to run twice: each reminder is recorded once.

- To the coordinator: a case in preparation without a contact moment for 14 days.
- To the regional managers: a case without a conference 8 weeks after registration.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from conferences.models import Reminder
from coordinators.selectors import case_coordinator
from ekc.mail import send_after_commit
from referrals.lifecycle import CaseStatus
from referrals.models import Referral
from referrals.notifications import case_url, region_manager_emails
from referrals.selectors import WAITING_FOR_CONFERENCE

QUIET_DAYS = 14
NO_CONFERENCE_WEEKS = 8


def once(kind, referral, about):
    """Record the reminder; False if it was sent before (also by a parallel run)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(kind=kind, referral=referral, about=about)
    except IntegrityError:
        return False
    return True


def quiet_preparations(today):
    """Cases in preparation whose last contact (or first contact) is 14+ days ago."""
    cutoff = today - datetime.timedelta(days=QUIET_DAYS)
    return (
        Referral.objects.filter(status=CaseStatus.PREPARING)
        .annotate(last_contact=Coalesce(Max("contact_moments__on"), "first_contact_on"))
        .filter(last_contact__lte=cutoff)
        .select_related("region")
    )


def late_conferences(now):
    cutoff = now - datetime.timedelta(weeks=NO_CONFERENCE_WEEKS)
    return Referral.objects.filter(
        status__in=WAITING_FOR_CONFERENCE, registered_at__lte=cutoff
    ).select_related("region")


def send_reminders(now=None):
    """Send what is due; returns how many reminders went out."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for referral in quiet_preparations(today):
        coordinator = case_coordinator(referral)
        if coordinator and once("quiet_preparation", referral, referral.last_contact):
            with transaction.atomic():
                send_after_commit(
                    [coordinator.email],
                    "conferences/email/quiet_preparation",
                    {
                        "referral": referral,
                        "days": (today - referral.last_contact).days,
                        "path": case_url(referral),
                    },
                )
            sent += 1
    for referral in late_conferences(now):
        registered_on = timezone.localdate(referral.registered_at)
        if once("no_conference", referral, registered_on):
            with transaction.atomic():
                send_after_commit(
                    region_manager_emails(referral.region),
                    "conferences/email/no_conference",
                    {
                        "referral": referral,
                        "weeks": (today - registered_on).days // 7,
                        "path": case_url(referral),
                    },
                )
            sent += 1
    return sent
