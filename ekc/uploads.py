"""Uploaded files in the private storage: removed as soon as nothing needs them.

A file that a row stops using is deleted only after that change has committed,
and only if no committed row points to it then. Files that a crash or a killed
process left behind (an upload saved, its transaction never committed) are swept
up by ``manage.py clean_uploads`` once they are older than ``STALE_AFTER``, so that
a request still in flight never loses its file.
"""

import datetime
import logging

from django.core.files.storage import storages
from django.db import transaction

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(days=1)


def private_storage():
    return storages["private"]


def delete_file(name):
    """Delete one stored file; a file that is already gone is fine."""
    if name:
        private_storage().delete(name)


def delete_after_commit(name, *, still_used):
    """Delete the stored file ``name`` once the current transaction commits, unless
    ``still_used(name)`` (asked then, against committed data) says a row points to it.
    Nothing is deleted when the transaction rolls back."""
    if not name:
        return

    def delete():
        if not still_used(name):
            delete_file(name)

    transaction.on_commit(delete)


def files_under(folder):
    """Every file below ``folder`` of the private storage (recursively), as storage names."""
    storage = private_storage()
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from files_under(f"{folder}/{sub}")


def remove_stale(folder, *, now, in_use=frozenset()):
    """Delete the files below ``folder`` older than ``STALE_AFTER`` that are not in
    ``in_use`` (a set of storage names, or a callable returning one, asked after the
    folder has been listed). Returns how many files were deleted."""
    storage = private_storage()
    stale = [
        name for name in files_under(folder) if storage.get_modified_time(name) < now - STALE_AFTER
    ]
    if not stale:
        return 0
    used = in_use() if callable(in_use) else in_use
    removed = 0
    for name in stale:
        if name not in used:
            storage.delete(name)
            removed += 1
    if removed:
        logger.info("Removed %s stale file(s) from %s/", removed, folder)
    return removed
