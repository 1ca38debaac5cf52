import datetime
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from research.stats import Filters, compute


class Command(BaseCommand):
    help = "The statistics of a cohort (INTERCHANGE.md, statistics contract)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--from", dest="date_from", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=datetime.date.fromisoformat)
        parser.add_argument("--region", help="region name")
        parser.add_argument("--occasion", help="occasion code")

    def handle(
        self, *args, json=False, date_from=None, date_to=None, region=None, occasion=None, **options
    ):
        if date_from and date_to and date_from > date_to:
            raise CommandError("--from is after --to.")
        figures = compute(
            Filters(date_from=date_from, date_to=date_to, region=region, occasion=occasion)
        )
        if json:
            self.stdout.write(jsonlib.dumps(figures, ensure_ascii=False))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {value}")
