import sys

from django.core.management.base import BaseCommand, CommandError

from coordinators.importer import ImportScope, import_pool, parse_pool


class Command(BaseCommand):
    help = (
        "Import a regional coordinator pool from CSV (format in INTERCHANGE.md). "
        "E-mail changes are shown and must be confirmed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="UTF-8 CSV file with a header row")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm the listed e-mail changes without asking",
        )

    def handle(self, *args, file, yes=False, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        scope = ImportScope.command_line()
        parsed = parse_pool(text, scope=scope)
        if not parsed.ok:
            for line, message in parsed.errors:
                self.stderr.write(f"row {line}: {message}")
            raise CommandError(f"{len(parsed.errors)} error(s); nothing imported.")
        for name in parsed.new_regions:
            self.stdout.write(f"new region: {name}")
        if parsed.email_changes:
            for change in parsed.email_changes:
                self.stdout.write(
                    f"row {change.line}: e-mail of {change.code} changes "
                    f"from {change.old} to {change.new}"
                )
            if not yes and not self._confirmed(len(parsed.email_changes)):
                raise CommandError(
                    "E-mail changes not confirmed; nothing imported. "
                    "Run again and answer yes, or pass --yes."
                )
        created, updated = import_pool(parsed, scope=scope)
        self.stdout.write(f"{created} created, {updated} updated.")

    def _confirmed(self, count):
        if not sys.stdin.isatty():
            return False
        answer = input(f"Change {count} e-mail address(es)? The old addresses are told. [y/N] ")
        return answer.strip().lower() in ("y", "yes", "j", "ja")
