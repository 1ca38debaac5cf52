"""Backup and restore: a backup of realistic data restored into an empty database
gives every table, every row and every private file back, on SQLite and PostgreSQL."""

import hashlib
import io
import json
import re
import shutil
import stat
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from ekc import backup
from ekc.backup import (
    BackupError,
    backup_check,
    backup_create,
    backup_restore,
    connection_like,
)
from ekc.models import Organization, OrganizationType, Region
from research.models import DashboardSnapshot, ResearchReport
from tests import factories
from tests.conftest import make_user

# pg_dump reads in a session of its own, so the data must be committed: it is made
# once for the module (a flush after every test costs seconds on PostgreSQL), and
# every test runs in a transaction that is rolled back.
pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it)"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant")

SCAN = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
REPORT = b"%PDF-1.7\n" + b"\x00\xff" * 500


def quiet(message):
    pass


@pytest.fixture(scope="module", autouse=True)
def _sqlite_tests_begin_deferred(django_db_setup, django_db_blocker):
    """On SQLite each test's transaction begins IMMEDIATE (the settings), taking the
    write lock, and SQLite's backup API cannot copy a database while its own connection
    writes. These tests only read the source, so here they begin DEFERRED."""
    if connection.vendor != "sqlite":
        yield
        return
    with django_db_blocker.unblock():
        connection.ensure_connection()
    mode, connection.transaction_mode = connection.transaction_mode, None
    yield
    connection.transaction_mode = mode


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, tmp_path_factory):
    """A case up to a submitted plan with its scan, a research report and a dashboard
    snapshot, committed: most tables hold rows, and two folders of the
    private media hold files. Yields the plan, the media folder and a backup of both."""
    media_root = tmp_path_factory.mktemp("private")
    storage = FileSystemStorage(location=media_root)
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        migrated = connection.creation.serialize_db_to_string()
        region = Region.objects.create(name="Overijssel")
        organization = Organization.objects.create(
            name="Bureau Jeugdzorg Overijssel", type=OrganizationType.YOUTH_CARE, region=region
        )
        manager = make_user("manager@ekc.test", regions=[region], is_regional_manager=True)
        coordinator = factories.coordinator(region, "C001", languages=("nl", "tr"))
        researcher = make_user("researcher@ekc.test", is_researcher=True)
        plan = factories.submitted_plan(manager, organization, coordinator)
        factories.network(plan.referral, coordinator.user, size=3)
        # Stored as the upload and the report task store them, in their own folders.
        name = plan.scan.field.generate_filename(plan, "scan.png")
        plan.scan = storage.save(name, ContentFile(SCAN))
        plan.save(update_fields=["scan"])
        report = ResearchReport.objects.create(requested_by=researcher, filters={"region": "1"})
        report.file = storage.save("reports/report.pdf", ContentFile(REPORT))
        report.save(update_fields=["file"])
        DashboardSnapshot.objects.create(key="k" * 64, language="nl", payload=[{"stats": {}}, []])
        archive = backup_create(
            tmp_path_factory.mktemp("backups"),
            connection=connection,
            media_root=media_root,
            log=quiet,
        )
    yield plan, media_root, archive
    # Back to the rows the migrations made (the cost-benefit defaults, for one), as
    # Django's serialized_rollback does: a bare flush would leave later tests without.
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migrated)


@pytest.fixture
def media_root(source, settings):
    """The source's private media, where the commands look for them."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": source[1], "base_url": None},
        },
    }
    return source[1]


@pytest.fixture
def archive(source, tmp_path):
    """A copy of the source's backup, for a test to change if it likes."""
    copy = tmp_path / source[2].name
    shutil.copy(source[2], copy)
    shutil.copy(sidecar_of(source[2]), sidecar_of(copy))
    return copy


@pytest.fixture
def empty_database(tmp_path):
    """A connection to a new database without tables, dropped afterwards."""
    if connection.vendor == "sqlite":
        target = connection_like(connection, name=str(tmp_path / "restored.sqlite3"))
        yield target
        target.close()
        return
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    # Outside the test's transaction: CREATE DATABASE cannot run in one.
    maintenance = connection_like(connection, name="postgres")
    with maintenance.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    target = connection_like(connection, name=name)
    try:
        yield target
    finally:
        target.close()
        with maintenance.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.close()


def sidecar_of(archive):
    return archive.with_name(archive.name + ".sha256")


def rows_of_every_table(db):
    """Every row of every table, in a stable order, for comparing two databases."""
    with db.cursor() as cursor:
        contents = {}
        for table in sorted(db.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")
            rows = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            contents[table] = sorted(rows, key=repr)
    return contents


def files_under(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in Path(root).rglob("*")
        if path.is_file()
    }


def restore_gives_back_every_row_and_file(tmp_path, source, empty_database):
    plan, media_root, _ = source
    before = rows_of_every_table(connection)
    model_tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    assert model_tables <= set(before), "every model's table is compared"
    filled = {table for table, rows in before.items() if rows}
    assert {"referrals_referral", "plans_familyplan", "plans_agreement"} <= filled
    assert len(filled) >= 20, "the data reaches many tables"
    files = files_under(media_root)
    assert set(files) == {plan.scan.name, "reports/report.pdf"}
    # Made now, from the same data as the module's backup.
    archive = backup_create(
        tmp_path / "backups", connection=connection, media_root=media_root, log=quiet
    )

    restored_media = tmp_path / "restored-media"
    backup_restore(archive, connection=empty_database, media_root=restored_media, log=quiet)

    after = rows_of_every_table(empty_database)
    assert set(after) == set(before)
    for table in before:
        assert after[table] == before[table], table
    assert files_under(restored_media) == files
    assert (restored_media / plan.scan.name).read_bytes() == SCAN
    for path in restored_media.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


@on_sqlite
def test_sqlite_backup_restores_every_table_row_and_file_into_an_empty_database(
    tmp_path, source, empty_database
):
    restore_gives_back_every_row_and_file(tmp_path, source, empty_database)


@on_postgresql
def test_postgresql_backup_restores_every_table_row_and_file_into_an_empty_database(
    tmp_path, source, empty_database
):
    restore_gives_back_every_row_and_file(tmp_path, source, empty_database)


def test_the_archive_is_private_and_names_no_connection_details(source):
    _, media_root, archive = source
    assert re.fullmatch(r"ekc-backup-\d{8}T\d{6}Z\.tar", archive.name)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(sidecar_of(archive).stat().st_mode) == 0o600
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert sidecar_of(archive).read_text() == f"{digest}  {archive.name}\n"
    manifest = read_manifest(archive)
    text = json.dumps(manifest)
    for key in ("NAME", "HOST", "USER", "PASSWORD"):
        value = connection.settings_dict[key]
        if value:
            assert not re.search(rf"\b{re.escape(str(value))}\b", text), key
    counts = {table: len(rows) for table, rows in rows_of_every_table(connection).items()}
    assert manifest["tables"] == counts
    assert ["plans", "0001_initial"] in manifest["migrations"]
    assert manifest["ekc_version"] == "0.1.0"
    assert manifest["database"]["vendor"] == connection.vendor
    assert {f["path"] for f in manifest["media"]["files"]} == set(files_under(media_root))


def test_the_backup_folder_is_made_private(tmp_path, source):
    _, media_root, _ = source
    archive = backup_create(
        tmp_path / "new", connection=connection, media_root=media_root, log=quiet
    )
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in archive.parent.iterdir()) == [
        archive.name,
        archive.name + ".sha256",
    ]


@on_sqlite
def test_a_locked_sqlite_database_fails_the_backup_instead_of_waiting_for_ever(
    tmp_path, source, monkeypatch
):
    monkeypatch.setattr(backup, "SQLITE_LOCK_WAIT_SECONDS", 0.2)
    Region.objects.create(name="Drenthe")  # this test's transaction now writes
    with pytest.raises(BackupError, match="stayed locked"):
        backup_create(tmp_path / "b", connection=connection, media_root=source[1], log=quiet)
    assert list((tmp_path / "b").iterdir()) == []


def test_restore_refuses_a_database_in_use_and_changes_nothing(tmp_path, archive):
    before = rows_of_every_table(connection)
    with pytest.raises(BackupError, match="The database is not empty"):
        backup_restore(archive, connection=connection, media_root=tmp_path / "m", log=quiet)
    assert rows_of_every_table(connection) == before
    assert not (tmp_path / "m").exists()


def test_restore_refuses_a_media_folder_with_files(tmp_path, archive, empty_database):
    target = tmp_path / "m"
    (target / "old").mkdir(parents=True)
    (target / "old" / "stale.png").write_bytes(b"stale")
    with pytest.raises(BackupError, match="The private media folder .* is not empty"):
        backup_restore(archive, connection=empty_database, media_root=target, log=quiet)
    assert empty_database.introspection.table_names() == []
    assert files_under(target) == {"old/stale.png": b"stale"}


def test_forced_restore_replaces_every_table_and_file(tmp_path, source, archive, empty_database):
    with empty_database.cursor() as cursor:
        cursor.execute("CREATE TABLE leftover (id integer)")
        cursor.execute("CREATE TABLE plans_familyplan (id integer)")
        cursor.execute("INSERT INTO plans_familyplan VALUES (1), (2), (3)")
    target = tmp_path / "m"
    (target / "old").mkdir(parents=True)
    (target / "old" / "stale.png").write_bytes(b"stale")
    with pytest.raises(BackupError, match="The database is not empty"):
        backup_restore(archive, connection=empty_database, media_root=target, log=quiet)

    backup_restore(archive, connection=empty_database, media_root=target, force=True, log=quiet)

    assert rows_of_every_table(empty_database) == rows_of_every_table(connection)
    assert files_under(target) == files_under(source[1])


def test_a_damaged_scan_is_found_before_anything_changes(tmp_path, archive, empty_database):
    damaged = rewrite(archive, tmp_path / "damaged.tar", member_change=flip_last_byte_of_scan)
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_check(damaged, log=quiet)
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_restore(damaged, connection=empty_database, media_root=tmp_path / "m", log=quiet)
    assert empty_database.introspection.table_names() == []
    assert list((tmp_path / "m").iterdir()) == []


def test_a_changed_archive_fails_its_own_checksum(archive):
    data = bytearray(archive.read_bytes())
    data[-1] ^= 1  # in the tar's end padding: only the archive's own checksum sees it
    archive.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_check(archive, log=quiet)


def test_restore_checks_every_table_against_the_manifest(tmp_path, archive, empty_database):
    def one_plan_more(manifest):
        manifest["tables"]["plans_familyplan"] += 1

    wrong = rewrite(archive, tmp_path / "wrong.tar", manifest_change=one_plan_more)
    with pytest.raises(BackupError, match="plans_familyplan: 2 in the backup, 1 restored"):
        backup_restore(wrong, connection=empty_database, media_root=tmp_path / "m", log=quiet)
    # The files are not put in place beside a database that does not match.
    assert list((tmp_path / "m").iterdir()) == []


def test_a_backup_of_a_newer_version_is_refused(tmp_path, archive, empty_database):
    def newer(manifest):
        manifest["migrations"].append(["plans", "9999_from_the_future"])

    future = rewrite(archive, tmp_path / "future.tar", manifest_change=newer)
    with pytest.raises(BackupError, match="made by a newer version of EKC"):
        backup_restore(future, connection=empty_database, media_root=tmp_path / "m", log=quiet)
    assert empty_database.introspection.table_names() == []


@pytest.mark.parametrize("path", ["../../etc/cron.d/evil", "/etc/passwd", "plans/./x.png"])
def test_a_file_name_outside_the_media_folder_is_refused(tmp_path, archive, path):
    def escape(manifest):
        manifest["media"]["files"][0]["path"] = path

    evil = rewrite(archive, tmp_path / "evil.tar", manifest_change=escape)
    with pytest.raises(BackupError, match="unsafe file name"):
        backup_check(evil, log=quiet)


def test_a_member_the_manifest_does_not_list_is_refused(tmp_path, archive):
    extra = rewrite(archive, tmp_path / "extra.tar", extra_member=("private-media/x", b"x"))
    with pytest.raises(BackupError, match="other members than its manifest lists"):
        backup_check(extra, log=quiet)


def test_keep_removes_only_older_ekc_backups(tmp_path, source):
    directory = tmp_path / "backups"
    directory.mkdir()
    for stamp in ("20250101T000000Z", "20250102T000000Z", "20250103T000000Z"):
        (directory / f"ekc-backup-{stamp}.tar").write_bytes(b"old")
        (directory / f"ekc-backup-{stamp}.tar.sha256").write_text("x")
    (directory / "notes.txt").write_text("not ours")
    newest = backup_create(
        directory, connection=connection, media_root=source[1], keep=2, log=quiet
    )
    assert sorted(p.name for p in directory.iterdir()) == [
        "ekc-backup-20250103T000000Z.tar",
        "ekc-backup-20250103T000000Z.tar.sha256",
        newest.name,
        newest.name + ".sha256",
        "notes.txt",
    ]


def test_the_commands_back_up_check_and_refuse_a_database_in_use(tmp_path, media_root):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    assert "Backup written:" in out.getvalue()
    assert "Private media: 2 files" in out.getvalue()
    (archive,) = (tmp_path / "backups").glob("*.tar")
    out = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert "every checksum matches" in out.getvalue()
    # The destruction register file is read first (tests/privacy/test_restore_register.py).
    with pytest.raises(CommandError, match="destruction register file .* does not exist"):
        call_command("restore", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(archive), "--no-register", stdout=io.StringIO())
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(archive), stdout=io.StringIO())


def read_manifest(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def flip_last_byte_of_scan(name, data):
    if name.endswith(".png"):
        return data[:-1] + bytes([data[-1] ^ 1])
    return data


def rewrite(archive, target, *, manifest_change=None, member_change=None, extra_member=None):
    """A copy of an archive with its manifest or a member changed (and no .sha256)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json" and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
            elif member_change:
                data = member_change(member.name, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
        if extra_member:
            info = tarfile.TarInfo(extra_member[0])
            info.size = len(extra_member[1])
            out.addfile(info, io.BytesIO(extra_member[1]))
    return target
