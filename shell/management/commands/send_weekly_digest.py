import datetime

from django.core.management.base import BaseCommand, CommandError

from shell.digest import send_weekly_digests


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "Send the regional managers' weekly digest (see shell/digest.py). Run it on "
        "Monday morning; each manager gets it once per ISO week, so running it again "
        "sends nothing twice. An empty digest is recorded but not sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_date, help="the digest's date (YYYY-MM-DD; default today)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be sent; send nothing"
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        outcomes = send_weekly_digests(today=date, dry_run=dry_run)
        for outcome in outcomes:
            counts = ", ".join(f"{s.kind} {len(s.lines)}" for s in outcome.sections) or "nothing"
            self.stdout.write(f"{outcome.manager.email}: {outcome.result} ({counts})")
        sent = sum(outcome.result == "sent" for outcome in outcomes)
        self.stdout.write(f"{sent} digest(s) sent.")
