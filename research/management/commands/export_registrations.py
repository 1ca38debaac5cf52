import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from research.export import export_records
from research.stats import Filters


class Command(BaseCommand):
    help = "Export cases as pseudonymised JSON Lines (INTERCHANGE.md), one case per line."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the .jsonl file to write")
        parser.add_argument("--from", dest="date_from", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=datetime.date.fromisoformat)
        parser.add_argument("--region", help="region name")

    def handle(self, *args, out, date_from=None, date_to=None, region=None, **options):
        if date_from and date_to and date_from > date_to:
            raise CommandError("--from is after --to.")
        filters = Filters(date_from=date_from, date_to=date_to, region=region)
        count = 0
        with open(out, "w", encoding="utf-8") as handle:
            for record in export_records(filters):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        self.stdout.write(f"{count} cases exported (pseudonymised) to {out}.")
