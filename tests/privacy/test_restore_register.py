"""A restore re-applies the destruction register: a file destroyed after the backup
was made is destroyed again, so restoring an older backup brings no family back."""

import io
import json
import uuid
from contextlib import contextmanager

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend
from django.test import override_settings

from ekc.backup import backup_create, connection_like
from ekc.models import Organization, OrganizationType, Region
from plans.models import FamilyPlan
from privacy.destruction import case_pseudonym, destroy_case
from privacy.models import DestructionDecision, DestructionRecord
from privacy.register import register_read
from referrals.models import NetworkMember, Referral
from tests import factories
from tests.conftest import make_user

# pg_dump reads in a session of its own, so the data is committed once for the
# module (as in tests/ekc/test_backup.py); every test runs in a transaction that is
# rolled back, and restores into a new database of its own.
pytestmark = pytest.mark.django_db

SCAN = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def quiet(message):
    pass


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, tmp_path_factory):
    """Committed: case "after" (a submitted plan with its scan and network) that the
    tests destroy after the backup, case "before" destroyed before it, and case "kept";
    and the backup. Yields the cases by name and the archive."""
    media_root = tmp_path_factory.mktemp("private")
    storage = FileSystemStorage(location=media_root)
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        DESTRUCTION_REGISTER_FILE=tmp_path_factory.mktemp("register") / "register.jsonl",
    )
    with django_db_blocker.unblock(), fast:
        migrated = connection.creation.serialize_db_to_string()
        region = Region.objects.create(name="Gelderland")
        organization = Organization.objects.create(
            name="Veilig Thuis Gelderland", type=OrganizationType.YOUTH_CARE, region=region
        )
        manager = make_user("manager@ekc.test", regions=[region], is_regional_manager=True)
        coordinator = factories.coordinator(region, "C001")
        plan = factories.submitted_plan(manager, organization, coordinator, family_name="Vermeulen")
        factories.network(plan.referral, coordinator.user, size=2)
        plan.scan = storage.save(
            plan.scan.field.generate_filename(plan, "scan.png"), ContentFile(SCAN)
        )
        plan.save(update_fields=["scan"])
        before = factories.registered(manager, organization, family_name="Smit")
        destroy_case(before, decision=DestructionDecision.RETENTION)
        kept = factories.registered(manager, organization, family_name="Bakker")
        archive = backup_create(
            tmp_path_factory.mktemp("backups"),
            connection=connection,
            media_root=media_root,
            log=quiet,
        )
        cases = {
            name: Referral.objects.get(pk=case.pk)
            for name, case in [("after", plan.referral), ("before", before), ("kept", kept)]
        }
    yield cases, archive
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migrated)


@contextmanager
def restoring_into_an_empty_database(tmp_path):
    """For the block, the default database is a new empty one (the restore's target,
    as after `createdb`); dropped afterwards. The test's own database is left alone."""
    if connection.vendor == "sqlite":
        name, maintenance = str(tmp_path / "restored.sqlite3"), None
    else:
        name = f"{connection.settings_dict['NAME']}_register_{uuid.uuid4().hex[:8]}"
        maintenance = connection_like(connection, name="postgres")
        with maintenance.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict = {**connection.settings_dict, "NAME": name}
    target = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, alias=DEFAULT_DB_ALIAS
    )
    original = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = target
    try:
        yield target
    finally:
        connections[DEFAULT_DB_ALIAS] = original
        target.close()
        if maintenance is not None:
            with maintenance.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            maintenance.close()


def every_text(db):
    """Every value of every row of every table, as one text to search in."""
    with db.cursor() as cursor:
        rows = []
        for table in db.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")
            rows += cursor.fetchall()
    return repr(rows)


def destroy_after_the_backup(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return destroy_case(case, decision=DestructionDecision.REQUEST)


def restore(archive, *options):
    out = io.StringIO()
    call_command("restore", str(archive), *options, stdout=out)
    return out.getvalue()


def test_a_file_destroyed_after_the_backup_is_destroyed_again_by_the_restore(
    source, settings, tmp_path, django_capture_on_commit_callbacks
):
    cases, archive = source
    scan = FamilyPlan.objects.get(referral=cases["after"]).scan.name
    record = destroy_after_the_backup(cases["after"], django_capture_on_commit_callbacks)

    with restoring_into_an_empty_database(tmp_path) as restored:
        output = restore(archive)
        after = Referral.objects.get(pk=cases["after"].pk)
        assert after.destroyed_at == record.destroyed_at  # the original time
        assert after.reference is None and after.family_name == ""
        assert not NetworkMember.objects.filter(referral=after).exists()
        again = DestructionRecord.objects.get(pseudonym=record.pseudonym)
        assert again.destroyed_at == record.destroyed_at
        assert again.decision == DestructionDecision.REQUEST
        assert again.retention_date == record.retention_date
        text = every_text(restored)
        for personal in ("Vermeulen", cases["after"].reference, "Tante Esra", "Lid 1"):
            assert personal not in text, personal
        # The rest is as it was in the backup.
        assert DestructionRecord.objects.filter(pseudonym=cases["before"].pseudonym).count() == 1
        assert Referral.objects.get(pk=cases["kept"].pk).family_name == "Bakker"
    assert f"Destroyed again: {record.pseudonym}" in output
    assert "1 file(s) destroyed again" in output
    assert scan and not (tmp_path / "private" / scan).exists()  # the restored scan is gone too
    # The file now also has the row that was destroyed before the backup (that
    # destruction wrote to another file).
    assert set(register_read(settings.DESTRUCTION_REGISTER_FILE)) == {
        record.pseudonym,
        cases["before"].pseudonym,
    }


def test_without_the_register_file_the_restore_stops_before_it_changes_anything(
    source, settings, tmp_path, django_capture_on_commit_callbacks
):
    cases, archive = source
    record = destroy_after_the_backup(cases["after"], django_capture_on_commit_callbacks)
    copy = tmp_path / "from-the-old-server.jsonl"
    settings.DESTRUCTION_REGISTER_FILE.rename(copy)

    with restoring_into_an_empty_database(tmp_path) as restored:
        with pytest.raises(CommandError, match="does not exist.*--register PATH"):
            restore(archive)
        assert restored.introspection.table_names() == []
        assert not (tmp_path / "private").exists()

        output = restore(archive, "--register", str(copy))
        assert Referral.objects.get(pk=cases["after"].pk).destroyed_at == record.destroyed_at
    assert f"Destroyed again: {record.pseudonym}" in output
    # This server's register file now holds the entries too.
    assert set(register_read(settings.DESTRUCTION_REGISTER_FILE)) == {
        record.pseudonym,
        cases["before"].pseudonym,
    }


def test_no_register_restores_the_backup_as_it_was(
    source, settings, tmp_path, django_capture_on_commit_callbacks
):
    cases, archive = source
    destroy_after_the_backup(cases["after"], django_capture_on_commit_callbacks)
    settings.DESTRUCTION_REGISTER_FILE.unlink()

    with restoring_into_an_empty_database(tmp_path):
        output = restore(archive, "--no-register")
        # Why --no-register must be asked for: the file destroyed since is back.
        assert Referral.objects.get(pk=cases["after"].pk).family_name == "Vermeulen"
        assert Referral.objects.get(pk=cases["before"].pk).destroyed_at is not None
    assert "Destroyed again" not in output
    assert set(register_read(settings.DESTRUCTION_REGISTER_FILE)) == {cases["before"].pseudonym}


def test_a_damaged_register_file_stops_the_restore_before_it_changes_anything(
    source, settings, tmp_path
):
    _, archive = source
    settings.DESTRUCTION_REGISTER_FILE.write_text('{"pseudonym": "P-1"}\n')
    with restoring_into_an_empty_database(tmp_path) as restored:
        with pytest.raises(CommandError, match="Line 1 .* is damaged"):
            restore(archive)
        assert restored.introspection.table_names() == []


def test_an_entry_older_than_a_case_with_its_pseudonym_does_not_destroy_that_case(
    source, settings, tmp_path
):
    cases, archive = source
    kept = cases["kept"]
    lines = [
        # A draft's number can come back after a restore, and so its pseudonym.
        {"pseudonym": case_pseudonym(kept), "destroyed_at": "2001-01-01T00:00:00+00:00"},
        {"pseudonym": "P-000000000000000000", "destroyed_at": "2001-01-02T00:00:00+00:00"},
    ]
    settings.DESTRUCTION_REGISTER_FILE.write_text(
        "".join(
            json.dumps({**line, "decision": "request", "retention_date": None}) + "\n"
            for line in lines
        )
    )
    with restoring_into_an_empty_database(tmp_path):
        output = restore(archive)
        assert Referral.objects.get(pk=kept.pk).family_name == "Bakker"
        assert DestructionRecord.objects.filter(pseudonym="P-000000000000000000").exists()
    assert "0 file(s) destroyed again" in output
    assert "2 entries name no case of this backup" in output


def test_checking_an_archive_needs_no_register_file(source, settings):
    assert not settings.DESTRUCTION_REGISTER_FILE.exists()
    assert "every checksum matches" in restore(source[1], "--check")


def test_register_and_no_register_cannot_be_given_together(source, tmp_path):
    with pytest.raises(CommandError, match="not allowed with argument"):
        restore(source[1], "--no-register", "--register", str(tmp_path / "r.jsonl"))
