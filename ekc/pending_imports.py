"""Imports checked first, then confirmed: the upload waits in the private storage.

The preview keeps the uploaded file under a random token; the confirm form sends
the token back (never the session, so a large file does not travel with every
request). A file belongs to the user who uploaded it: another user's token finds
nothing. Each user has at most one waiting upload per kind: a newer one replaces
it. The confirmation deletes the file whatever happens; ``clean_uploads`` removes
what a crash or an abandoned preview left behind (``ekc.uploads.remove_stale``).
"""

import re
import secrets

from django.core.files.base import ContentFile

from ekc.uploads import delete_file, files_under, private_storage

FOLDER = "imports"
TOKEN = re.compile(r"[0-9a-f]{32}")


class Expired(Exception):
    """The token names no waiting upload of this user (used, replaced or removed)."""


def _folder(kind, user):
    return f"{FOLDER}/{kind}/{user.pk}"


def keep(upload, *, kind, user, suffix):
    """Store ``upload`` (a file, or text) until it is confirmed; returns
    ``(token, name)``. The user's earlier waiting upload of this kind goes."""
    if isinstance(upload, str):
        upload = ContentFile(upload.encode("utf-8"))
    token = secrets.token_hex(16)
    # Streamed to disk in chunks: a large file is never held in memory.
    name = private_storage().save(f"{_folder(kind, user)}/{token}{suffix}", upload)
    for other in list(files_under(_folder(kind, user))):
        if other != name:
            delete_file(other)
    return token, name


def waiting(token, *, kind, user, suffix):
    """The stored name of the user's upload with this token; ``Expired`` if none."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise Expired
    name = f"{_folder(kind, user)}/{token}{suffix}"
    if not private_storage().exists(name):
        raise Expired
    return name


def lines(name):
    """The stored file's lines as text (UTF-8), read as they are needed."""
    with private_storage().open(name, "rb") as handle:
        for raw in handle:
            yield raw.decode("utf-8")


def text(name):
    with private_storage().open(name, "rb") as handle:
        return handle.read().decode("utf-8")


def discard(name):
    """Delete the stored upload (gone already is fine)."""
    delete_file(name)
