from django.core.management.base import BaseCommand, CommandError

from coordinators.importer import import_pool, parse_pool


class Command(BaseCommand):
    help = "Import a regional coordinator pool from CSV (format in INTERCHANGE.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="UTF-8 CSV file with a header row")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        parsed = parse_pool(text)
        if not parsed.ok:
            for line, message in parsed.errors:
                self.stderr.write(f"row {line}: {message}")
            raise CommandError(f"{len(parsed.errors)} error(s); nothing imported.")
        created, updated = import_pool(parsed)
        self.stdout.write(f"{created} created, {updated} updated.")
