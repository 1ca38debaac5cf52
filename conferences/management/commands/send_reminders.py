from django.core.management.base import BaseCommand

from conferences.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send the daily reminders (quiet preparations, late conferences). Run it daily "
        "(cron or a timer); running it twice sends nothing twice."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
