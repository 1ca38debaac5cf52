"""Reminders of the plan: an evaluation in 7 days, to the coordinator and the
regional managers. Sent once per evaluation date (see conferences.reminders.once)."""

from django.db import transaction

from conferences.reminders import once
from ekc.mail import send_after_commit
from plans.notifications import evaluation_due_recipients
from plans.selectors import evaluations_due_within
from referrals.notifications import case_url

NOTICE_DAYS = 7


def evaluations_in_a_week(today):
    """Evaluation dates within the coming 7 days (a missed run still catches up)."""
    return evaluations_due_within(today, NOTICE_DAYS)


def send_evaluation_reminders(today):
    sent = 0
    for moment in evaluations_in_a_week(today):
        referral = moment.plan.referral
        if once("evaluation_due", referral, moment.due_on):
            with transaction.atomic():
                send_after_commit(
                    evaluation_due_recipients(referral),
                    "plans/email/evaluation_due",
                    {"referral": referral, "moment": moment, "path": case_url(referral)},
                )
            sent += 1
    return sent
