"""Database routing: research reads may go to a read replica.

Set ``DATABASE_REPLICA_URL`` and the statistics, the research dashboard, the
report and the research exports read from that database (a PostgreSQL streaming
replica). Everything else - every write, and every read for case work, which must
see the latest state - stays on ``default``. Without a replica nothing changes.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

_research_reads = ContextVar("research_reads", default=False)


@contextmanager
def research_reads():
    """Reads in this block (or decorated function) may come from the replica.

    A few seconds of replication lag do not matter for aggregate figures.
    """
    token = _research_reads.set(True)
    try:
        yield
    finally:
        _research_reads.reset(token)


def replica_configured():
    return REPLICA in settings.DATABASES


class ResearchReplicaRouter:
    def db_for_read(self, model, **hints):
        if _research_reads.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary; it is never migrated itself.
        return db != REPLICA
