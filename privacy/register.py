"""The destruction register as a file: one JSON line per destroyed file.

The register table is in the database, so in every backup; a backup made before a
destruction still holds the file and has no row for it. This file lives outside the
database and the private media (``DESTRUCTION_REGISTER_FILE``) and keeps every
destruction, so a restore can destroy those files again. A line holds only the
pseudonym, the time, the decision and the retention date: no personal data.

Lines are only ever appended. Reading keeps the first line of each pseudonym, so a
line written twice (two processes adding the same missing row) does no harm.
"""

import datetime
import json
import logging
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction

from privacy.models import DestructionDecision, DestructionRecord

logger = logging.getLogger(__name__)


class RegisterFileError(Exception):
    """The register file cannot be written or read; the message says what to do."""


@dataclass(frozen=True)
class Entry:
    pseudonym: str
    destroyed_at: datetime.datetime
    decision: str
    retention_date: datetime.date | None

    @classmethod
    def of(cls, record):
        return cls(record.pseudonym, record.destroyed_at, record.decision, record.retention_date)

    def line(self):
        return json.dumps(
            {
                "pseudonym": self.pseudonym,
                "destroyed_at": self.destroyed_at.isoformat(),
                "decision": self.decision,
                "retention_date": self.retention_date and self.retention_date.isoformat(),
            }
        )


def register_file():
    return Path(settings.DESTRUCTION_REGISTER_FILE)


def append_after_commit(record):
    """Append ``record``'s line once the destruction commits (never for one rolled
    back). A failure is logged and raised from the commit: the case is destroyed
    whole by then, and the next ``register_sync`` adds the missing line."""
    transaction.on_commit(partial(_append_or_fail, [Entry.of(record)]))


def _append_or_fail(entries):
    path = register_file()
    try:
        _append(path, entries)
    except OSError as exc:
        lines = "\n".join(entry.line() for entry in entries)
        logger.error(
            "Could not append to the destruction register file %s (%s). The database "
            "has the rows; `manage.py retention` adds them once the file can be written:\n%s",
            path,
            exc,
            lines,
        )
        raise RegisterFileError(
            f"The destruction register file {path} cannot be written ({exc}); fix it "
            "and run `manage.py retention` again, which adds the missing lines."
        ) from exc


def _append(path, entries):
    """Write the lines at the end of the file and fsync it (and a new file's folder)."""
    new = not path.exists()
    if new:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = "".join(entry.line() + "\n" for entry in entries).encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        # One write with O_APPEND: lines of two processes do not interleave.
        if data:
            os.write(descriptor, data)
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if new:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def register_read(path):
    """The entries of a register file, by pseudonym (the first line of each wins).
    Raises RegisterFileError for a missing file or a damaged line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RegisterFileError(f"The destruction register file {path} does not exist.") from exc
    except OSError as exc:
        raise RegisterFileError(
            f"The destruction register file {path} cannot be read ({exc.strerror})."
        ) from exc
    entries = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = _parse(line)
        except (ValueError, TypeError, KeyError) as exc:
            raise RegisterFileError(
                f"Line {number} of the destruction register file {path} is damaged ({exc})."
            ) from exc
        entries.setdefault(entry.pseudonym, entry)
    return entries


def _parse(line):
    data = json.loads(line)
    destroyed_at = datetime.datetime.fromisoformat(data["destroyed_at"])
    if destroyed_at.tzinfo is None:
        raise ValueError("destroyed_at has no time zone")
    if data["decision"] not in DestructionDecision.values:
        raise ValueError(f"unknown decision {data['decision']!r}")
    pseudonym = data["pseudonym"]
    if not isinstance(pseudonym, str) or not 0 < len(pseudonym) <= 20:
        raise ValueError("pseudonym is not a short text")
    retention_date = data["retention_date"]
    return Entry(
        pseudonym,
        destroyed_at,
        data["decision"],
        retention_date and datetime.date.fromisoformat(retention_date),
    )


def register_sync():
    """Append every row of the register table that the file lacks (rows from before
    the file existed, or from an append that failed); creates the file. Returns how
    many lines were added. Raises RegisterFileError when it cannot be written."""
    path = register_file()
    known = register_read(path) if path.exists() else {}
    missing = []
    for record in DestructionRecord.objects.order_by("destroyed_at", "pk"):
        if record.pseudonym not in known:
            missing.append(Entry.of(record))
            known[record.pseudonym] = missing[-1]
    _append_or_fail(missing)
    return len(missing)
