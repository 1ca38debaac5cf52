import pytest
from django.db import connection

from ekc.log_guard import SETTING, log_redaction


def _setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [SETTING])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_log_redaction_lets_through_only_inside_its_block():
    if connection.vendor != "postgresql":
        pytest.skip("the setting exists only on PostgreSQL, where the log triggers read it")
    assert _setting() in (None, "", "off")
    with log_redaction():
        assert _setting() == "on"
    # Still inside the test's transaction: the block must have switched it off again.
    assert _setting() == "off"


@pytest.mark.django_db
def test_log_redaction_switches_off_after_an_error():
    if connection.vendor != "postgresql":
        pytest.skip("the setting exists only on PostgreSQL, where the log triggers read it")
    with pytest.raises(ValueError), log_redaction():
        raise ValueError
    assert _setting() in (None, "", "off")


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the log triggers exist only on PostgreSQL")


@pytest.fixture
def entry(region, regional_manager):
    from auditlog.models import LogEntry

    from ekc.audit import access_log_for, log_access
    from tests.ekc.test_audit import _request

    log_access(_request(regional_manager), region)
    entry = access_log_for(region).get()
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    return entry


def _refused(statement):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        statement()


@pytest.mark.django_db
def test_an_update_or_delete_on_the_log_fails(entry):
    _postgres_only()
    from auditlog.models import LogEntry

    rows = LogEntry.objects.filter(pk=entry.pk)
    _refused(lambda: rows.update(object_repr="Someone else"))
    _refused(lambda: rows.delete())
    with connection.cursor() as cursor:
        _refused(lambda: cursor.execute("UPDATE auditlog_logentry SET remote_addr = '10.0.0.1'"))
        _refused(lambda: cursor.execute("DELETE FROM auditlog_logentry"))
    entry.refresh_from_db()
    assert entry.object_repr == "Overijssel"


@pytest.mark.django_db
def test_destruction_may_rewrite_the_log_inside_log_redaction(entry):
    _postgres_only()
    from auditlog.models import LogEntry

    with log_redaction():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="[vernietigd]")
    entry.refresh_from_db()
    assert entry.object_repr == "[vernietigd]"
    # And after the block, the log is closed again.
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(object_repr="x"))


@pytest.mark.django_db
def test_a_user_with_log_entries_cannot_be_deleted_in_the_database(entry, regional_manager):
    """Deleting a user would set the log's actor to null: refused, so users are
    deactivated instead (the management site offers only that)."""
    _postgres_only()
    _refused(regional_manager.delete)
