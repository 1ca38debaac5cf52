import time

from django.core.management.base import BaseCommand, CommandError

from shell.interchange import import_lines, vacuum_after_load, validate_lines


class Command(BaseCommand):
    help = (
        "Import historic registrations (JSON Lines, INTERCHANGE.md). The whole file is "
        "checked first; a file with any error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a UTF-8 .jsonl file, one case per line")

    def handle(self, *args, file, **options):
        def lines():
            # Opened anew for each pass, so the file is never held in memory.
            with open(file, encoding="utf-8") as handle:
                yield from handle

        started = time.monotonic()
        try:
            validation = validate_lines(lines)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        if not validation.ok:
            for line, message in validation.errors:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(f"{len(validation.errors)} error(s); nothing imported.")
        created, skipped = import_lines(validation)
        vacuum_after_load(created)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{created} cases imported, {skipped} already present, in {seconds:.1f} s "
            f"({created / seconds:.0f} cases/s)."
        )
