from django.core.management.base import BaseCommand
from django.utils import timezone

from conferences.reminders import send_reminders
from ekc.editing import forget_old_submissions
from plans.reminders import send_evaluation_reminders
from research.models import SurveyInvitation
from research.surveys import send_survey_reminders


class Command(BaseCommand):
    help = (
        "Send the daily reminders: quiet preparations, late conferences, evaluations in "
        "a week; clears spent survey e-mail addresses. Run it daily (cron or a timer); "
        "running it twice sends nothing twice."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        sent = (
            send_reminders(now=now)
            + send_evaluation_reminders(timezone.localdate(now))
            + send_survey_reminders(now=now)
        )
        self.stdout.write(f"{sent} reminder(s) sent.")
        # The one-time tokens of forms sent long ago are no longer needed, nor the
        # e-mail addresses of survey links that were answered or have expired.
        forget_old_submissions(now)
        SurveyInvitation.forget_spent_addresses(now)
