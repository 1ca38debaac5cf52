"""The access log and the change history are append-only.

On PostgreSQL, triggers refuse UPDATE and DELETE on their tables for the
application. Destruction (Jeugdwet retention, or a request for erasure) must still
replace the personal texts those rows hold: it does so inside `log_redaction()`,
the one exception the triggers let through. On SQLite there are no triggers and
the block only runs in a transaction.
"""

from contextlib import contextmanager

from django.db import connection, transaction

# A custom setting, local to the transaction; the triggers read it.
SETTING = "ekc.log_redaction"


@contextmanager
def log_redaction():
    """Allow rewriting (never inserting fakes into) log rows within this block."""
    with transaction.atomic():
        postgres = connection.vendor == "postgresql"
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
        try:
            yield
        finally:
            if postgres:
                # set_config(..., true) lasts to the end of the outer transaction:
                # switch it off again so nothing after this block is let through.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])
