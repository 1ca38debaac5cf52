"""List, and with --apply destroy, the files whose retention has ended."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from privacy.destruction import destroy_case
from privacy.models import DestructionDecision
from privacy.register import RegisterFileError, register_sync
from privacy.retention import due_for_destruction


class Command(BaseCommand):
    help = (
        "Lists the cases whose retention date (RETENTION_YEARS after the file's last "
        "change) is on or before --date (today) and that have no legal hold; --apply "
        "destroys them and records each in the destruction register and its file "
        "(DESTRUCTION_REGISTER_FILE), after adding to the file any row it lacks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--apply", action="store_true", help="destroy the files listed")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        try:
            on_date = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from None
        if options["apply"]:
            # Before destroying anything: a register file that cannot be written
            # stops the run here, and lines a failed run could not write are added.
            try:
                added = register_sync()
            except RegisterFileError as exc:
                raise CommandError(str(exc)) from exc
            if added:
                self.stderr.write(f"{added} line(s) added to the destruction register file.")
        due = due_for_destruction(on_date)
        rows = []
        for referral in due:
            row = {
                "case": referral.pk,
                "reference": referral.reference,
                "last_change": referral.last_changed_at.date().isoformat(),
                "retention_date": referral.retention_date.isoformat(),
            }
            if options["apply"]:
                try:
                    record = destroy_case(referral, decision=DestructionDecision.RETENTION)
                except RegisterFileError as exc:
                    # That case is destroyed whole; its line is added by the next run.
                    raise CommandError(
                        f"{exc} {len(rows) + 1} file(s) were destroyed before this stopped."
                    ) from exc
                row = {**row, "reference": None, "destroyed_as": record.pseudonym}
            rows.append(row)
        if options["json"]:
            self.stdout.write(json.dumps({"applied": options["apply"], "cases": rows}, indent=2))
            return
        verb = "destroyed" if options["apply"] else "due for destruction"
        for row in rows:
            name = row.get("destroyed_as") or row["reference"] or f"draft {row['case']}"
            self.stdout.write(
                f"{name}  last change {row['last_change']}  retention {row['retention_date']}"
            )
        self.stdout.write(f"{len(rows)} file(s) {verb}.")
