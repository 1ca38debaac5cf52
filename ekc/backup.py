"""Backups: the database and the private media (scans of plans, research reports)
together in one archive with a manifest, and their restore into an empty database.

An archive is an uncompressed tar (the PostgreSQL dump is compressed already, scans
are images and PDFs) with mode 0600, named after its time only:

    ekc-backup-20260102T023000Z.tar
        database.dump       pg_dump's custom format (PostgreSQL), or
        database.sqlite3    a copy made with SQLite's online backup API
        private-media/...   every file under the private storage's location
        manifest.json       last: when, which code and migrations, the rows of every
                            table, and the size and SHA-256 of every other member
    ekc-backup-20260102T023000Z.tar.sha256   the archive's own checksum (sha256sum -c)

Both databases are copied consistently while EKC runs: PostgreSQL is dumped from a
snapshot in which the rows are counted too, SQLite's copy is counted itself. The
database is copied before the files, so a scan uploaded in between is in the files
but not in the database, which does no harm.

A restore reads the whole archive and checks every checksum before it changes
anything, refuses a database that has tables and a media folder that has files
(unless forced), loads the database, checks the row count of every table against the
manifest, and only then puts the files in place.
"""

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = "ekc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "private-media"
DATABASE_MEMBER = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ARCHIVE_NAME = re.compile(r"^ekc-backup-\d{8}T\d{6}Z\.tar$")
CHUNK = 1024 * 1024
# How long an SQLite copy waits for a lock before it gives up (instead of for ever).
SQLITE_LOCK_WAIT_SECONDS = 60


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# Making a backup -------------------------------------------------------------------


def backup_create(destination, *, connection, media_root, keep=None, log=print):
    """Write one archive of the database and the private media; return its path.

    destination: a directory (created with mode 0700 if missing; the archive is named
    ekc-backup-<UTC time>.tar) or a file name ending in .tar that does not exist yet.
    The archive is written under a temporary name in the same directory and renamed
    when complete, so a file with the final name is always a whole backup. keep: with
    a directory, delete all but that many newest EKC archives there afterwards.
    Logs no connection details, only what was backed up.
    """
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    if keep is not None and keep < 1:
        raise BackupError("--keep must be 1 or more.")
    created_at = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    destination = Path(destination)
    if destination.suffix == ".tar":
        directory, archive = destination.parent, destination
        if keep is not None:
            raise BackupError("--keep needs a directory as the destination, not a file.")
    else:
        directory = destination
        archive = directory / f"ekc-backup-{created_at:%Y%m%dT%H%M%SZ}.tar"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if archive.exists():
        raise BackupError(f"{archive} exists already; nothing was overwritten.")
    media_root = Path(media_root)
    member = DATABASE_MEMBER[vendor]

    with tempfile.TemporaryDirectory(dir=directory, prefix=".ekc-backup-") as work:
        work = Path(work)
        if vendor == "postgresql":
            database, tables, migrations = _dump_postgresql(connection, work / member)
        else:
            database, tables, migrations = _copy_sqlite(connection, work / member)
        log(f"Database ({vendor}): {len(tables)} tables, {sum(tables.values())} rows.")

        partial = work / "archive.tar"
        with (
            _HashingWriter(partial) as out,
            tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar,
        ):
            database.update(member=member, **_add_file(tar, work / member, member))
            files = _add_media(tar, media_root)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created_at.isoformat(),
                "ekc_version": _ekc_version(),
                "django_version": django.get_version(),
                "database": database,
                "migrations": migrations,
                "tables": tables,
                "media": {"files": files, "bytes": sum(f["bytes"] for f in files)},
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        log(f"Private media: {len(files)} files, {manifest['media']['bytes']} bytes.")
        os.replace(partial, archive)
    _write_private(_checksum_file(archive), f"{out.hexdigest()}  {archive.name}\n".encode())
    _sync_directory(directory)
    log(f"Backup written: {archive} ({archive.stat().st_size} bytes).")
    if keep is not None:
        _prune(directory, keep, log)
    return archive


def _dump_postgresql(connection, target):
    """pg_dump from an exported snapshot; the rows and migrations are read in it too."""
    pg_dump = _tool("pg_dump")
    # A session of its own: the snapshot lives as long as its transaction.
    session = connection.copy()
    try:
        session.set_autocommit(False)
        with session.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                _pg_environment(connection),
            )
        tables = _count_rows(session)
        migrations = _applied_migrations(session)
        session.rollback()
    finally:
        session.close()
    database = {
        "vendor": "postgresql",
        "server_version": server_version,
        "tool": _run([pg_dump, "--version"], None).strip(),
    }
    return database, tables, migrations


def _copy_sqlite(connection, target):
    """SQLite's online backup API: a consistent copy while others read and write."""
    connection.ensure_connection()
    started = time.monotonic()

    def give_up_when_locked(status, remaining, total):
        waited = time.monotonic() - started
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and (
            waited > SQLITE_LOCK_WAIT_SECONDS
        ):
            raise BackupError(
                f"The SQLite database stayed locked for {waited:.0f} seconds (by a long "
                "write, or a transaction of this process); no backup was made."
            )

    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy, progress=give_up_when_locked, sleep=0.05)
    finally:
        copy.close()
    os.chmod(target, 0o600)
    # Counted in the copy itself; no journal options, so no -wal file appears beside it.
    copied = connection_like(connection, name=str(target), options={})
    try:
        tables = _count_rows(copied)
        migrations = _applied_migrations(copied)
    finally:
        copied.close()
    database = {"vendor": "sqlite", "server_version": sqlite3.sqlite_version}
    return database, tables, migrations


def _add_media(tar, media_root):
    files = []
    if not media_root.is_dir():
        return files
    for directory, subdirectories, names in os.walk(media_root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(media_root).as_posix()
            files.append({"path": relative, **_add_file(tar, path, f"{MEDIA}/{relative}")})
    return files


def _add_file(tar, path, name):
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"bytes": info.size, "sha256": reader.hexdigest()}


def _add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


def _prune(directory, keep, log):
    archives = sorted(p for p in directory.iterdir() if ARCHIVE_NAME.match(p.name))
    for old in archives[: max(len(archives) - keep, 0)]:
        old.unlink()
        _checksum_file(old).unlink(missing_ok=True)
        log(f"Removed old backup {old.name}.")


# Checking and restoring ------------------------------------------------------------


def backup_check(archive, *, log=print):
    """Read the whole archive and check it against its manifest; change nothing.

    Returns the manifest. Raises BackupError for a damaged or foreign archive, or one
    made by a newer version of EKC (with migrations this code does not know).
    """
    with _Archive(archive) as opened:
        for name, expected in opened.expected.items():
            with opened.tar.extractfile(opened.members[name]) as handle:
                digest = _copy_hashing(handle, None)
            _require_checksum(name, expected, digest)
    log(_summary(opened.manifest))
    return opened.manifest


def backup_restore(archive, *, connection, media_root, force=False, log=print):
    """Restore an archive into an empty database and an empty media folder.

    Stop the application and its workers first. Refuses a database with tables or a
    media folder with files unless force: then every table in that database and every
    file in that folder is replaced. Nothing changes until every member has been read
    and checked; the row count of every table is checked against the manifest after
    the database is loaded, and only then are the files moved in. Returns the manifest.
    """
    media_root = Path(media_root)
    with _Archive(archive) as opened:
        manifest = opened.manifest
        log(_summary(manifest))
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"This is a {vendor} backup; it cannot be restored into {connection.vendor}."
            )
        tables = connection.introspection.table_names()
        if tables and not force:
            raise BackupError(
                f"The database is not empty ({len(tables)} tables). Restore into a new, "
                "empty database, or pass --force to replace everything in this one."
            )
        if media_root.is_dir() and any(media_root.iterdir()) and not force:
            raise BackupError(
                f"The private media folder {media_root} is not empty. Restore into an "
                "empty folder, or pass --force to replace the files in it."
            )

        media_root.mkdir(mode=0o700, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=media_root, prefix=".restoring-"))
        try:
            for entry in manifest["media"]["files"]:
                *folders, name = PurePosixPath(entry["path"]).parts
                folder = staging
                for part in folders:  # one by one: mkdir(parents=True) ignores the mode
                    folder = folder / part
                    folder.mkdir(mode=0o700, exist_ok=True)
                _extract(opened, f"{MEDIA}/{entry['path']}", folder / name)
            with tempfile.TemporaryDirectory(prefix="ekc-restore-") as work:
                database_file = Path(work) / manifest["database"]["member"]
                _extract(opened, manifest["database"]["member"], database_file)
                if vendor == "postgresql":
                    _restore_postgresql(connection, database_file, drop=tables)
                else:
                    _restore_sqlite(connection, database_file)
            _verify_rows(connection, manifest["tables"])
            log(
                f"Database restored: {len(manifest['tables'])} tables, "
                f"{sum(manifest['tables'].values())} rows, every count as in the manifest."
            )
            for old in media_root.iterdir():
                if old == staging:
                    continue
                if old.is_dir() and not old.is_symlink():
                    shutil.rmtree(old)
                else:
                    old.unlink()
            for new in staging.iterdir():
                os.replace(new, media_root / new.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    log(f"Private media restored: {len(manifest['media']['files'])} files in {media_root}.")
    pending = _pending_migrations({(app, name) for app, name in manifest["migrations"]})
    if pending:
        log(
            f"This version of EKC has {len(pending)} migrations the backup does not have: "
            "run `manage.py migrate` before starting EKC."
        )
    return manifest


def _restore_postgresql(connection, dump, *, drop):
    pg_restore = _tool("pg_restore")
    if drop:
        names = ", ".join(connection.ops.quote_name(name) for name in drop)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
    connection.close()
    _run(
        [
            pg_restore,
            "--no-password",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        _pg_environment(connection),
    )


def _restore_sqlite(connection, copy):
    # The backup API replaces the whole database, pages and schema, in one step.
    source = sqlite3.connect(copy)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()
    name = connection.settings_dict["NAME"]
    if Path(name).is_file():
        os.chmod(name, 0o600)


def _verify_rows(connection, expected):
    found = _count_rows(connection)
    if found != expected:
        differences = [
            f"{table}: {expected.get(table, 'absent')} in the backup, "
            f"{found.get(table, 'absent')} restored"
            for table in sorted(set(expected) | set(found))
            if expected.get(table) != found.get(table)
        ]
        raise BackupError(
            "The restored database does not match the manifest; do not use it. "
            + "; ".join(differences)
        )


def _extract(opened, name, path):
    """Write one member to a new file (mode 0600), checking its checksum."""
    member = opened.members[name]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out, opened.tar.extractfile(member) as handle:
        digest = _copy_hashing(handle, out)
    _require_checksum(name, opened.expected[name], digest)
    os.utime(path, (member.mtime, member.mtime))


class _Archive:
    """An opened archive: its manifest, its members and their expected checksums."""

    def __init__(self, path):
        self.path = Path(path)

    def __enter__(self):
        if not self.path.is_file():
            raise BackupError(f"{self.path} is not a file.")
        sidecar = _checksum_file(self.path)
        if sidecar.is_file():
            expected = (sidecar.read_text().split() or [""])[0]
            with open(self.path, "rb") as handle:
                _require_checksum(self.path.name, {"sha256": expected}, _copy_hashing(handle))
        try:
            self.tar = tarfile.open(self.path, mode="r:")
        except tarfile.TarError as exc:
            raise BackupError(f"{self.path} is not an EKC backup: {exc}") from exc
        try:
            self._read()
        except BaseException:
            self.tar.close()
            raise
        return self

    def __exit__(self, *exc_info):
        self.tar.close()

    def _read(self):
        listed = self.tar.getmembers()
        self.members = {member.name: member for member in listed}
        if MANIFEST not in self.members:
            raise BackupError(f"{self.path} is not an EKC backup: it has no manifest.")
        try:
            with self.tar.extractfile(self.members[MANIFEST]) as handle:
                manifest = json.load(handle)
            if manifest.get("format") != FORMAT:
                raise ValueError("not an EKC manifest")
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"This backup has format version {manifest.get('format_version')}; "
                    f"this version of EKC reads version {FORMAT_VERSION}. Restore it with "
                    f"EKC {manifest.get('ekc_version')}."
                )
            database = manifest["database"]
            if database["member"] != DATABASE_MEMBER.get(database["vendor"]):
                raise ValueError("unknown database member")
            expected = {database["member"]: database}
            for entry in manifest["media"]["files"]:
                expected[f"{MEDIA}/{_safe_relative(entry['path'])}"] = entry
            tables = manifest["tables"]
            migrations = {(app, name) for app, name in manifest["migrations"]}
            if not all(isinstance(count, int) for count in tables.values()):
                raise ValueError("row counts are not numbers")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BackupError(f"The manifest of {self.path} is damaged: {exc}.") from exc
        untouched = len(listed) == len(self.members) and all(m.isfile() for m in listed)
        if not untouched or set(self.members) != set(expected) | {MANIFEST}:
            raise BackupError(
                f"{self.path} holds other members than its manifest lists; it is not "
                "an untouched EKC backup."
            )
        unknown = migrations - set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        if unknown:
            raise BackupError(
                f"This backup was made by a newer version of EKC ({manifest['ekc_version']}): "
                f"{len(unknown)} of its migrations are unknown here, e.g. "
                f"{'.'.join(sorted(unknown)[0])}. Restore it with that version."
            )
        self.manifest, self.expected = manifest, expected


def _safe_relative(path):
    """A file name inside the media folder, exactly as the backup wrote it."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or pure.as_posix() != path or path == "." or ".." in pure.parts:
        raise ValueError(f"unsafe file name {path!r}")
    return path


def _require_checksum(name, expected, digest):
    if digest != expected["sha256"]:
        raise BackupError(
            f"{name} does not match its checksum: the backup is damaged. Nothing was changed."
        )


def _summary(manifest):
    return (
        f"Backup of {manifest['created_at']} (EKC {manifest['ekc_version']}, "
        f"{manifest['database']['vendor']}): {len(manifest['tables'])} tables, "
        f"{sum(manifest['tables'].values())} rows, {len(manifest['media']['files'])} files."
    )


# Shared helpers --------------------------------------------------------------------


def connection_like(connection, *, name, options=None):
    """A new connection (not in django.db.connections) with the settings of this one
    but another database: a copy to count in, or a database to restore into."""
    settings_dict = {**connection.settings_dict, "NAME": name}
    if options is not None:
        settings_dict["OPTIONS"] = options
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=name)


def _count_rows(connection):
    """Rows per table, for every table in the database (not only Django's models)."""
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(connection):
    # In SQL, not through MigrationRecorder: its queries need a configured alias.
    table = MigrationRecorder.Migration._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return []
        cursor.execute(f"SELECT app, name FROM {connection.ops.quote_name(table)}")
        return sorted([app, name] for app, name in cursor.fetchall())


def _pending_migrations(applied):
    """This code's migrations that a database with these applied ones lacks."""
    pending = []
    for key, migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items():
        done = key in applied or (
            migration.replaces and all(tuple(old) in applied for old in migration.replaces)
        )
        if not done:
            pending.append(key)
    return pending


def _ekc_version():
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _tool(name):
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client tools of the server's "
            "major version or newer (Debian: apt-get install postgresql-client)."
        )
    return path


def _pg_environment(connection):
    """Connection details for pg_dump and pg_restore in their environment, never on the
    command line (where every user of the machine sees them)."""
    settings_dict = connection.settings_dict
    _, extra = type(connection.client).settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(extra or {})}
    variables = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGDATABASE": "NAME"}
    for variable, key in variables.items():
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run(command, environment):
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
    return result.stdout


def _checksum_file(archive):
    return archive.with_name(archive.name + ".sha256")


def _write_private(path, data):
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def _sync_directory(directory):
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_hashing(source, target=None):
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file to read from that hashes what was read (tarfile reads exactly the size)."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data

    def hexdigest(self):
        return self.digest.hexdigest()


class _HashingWriter:
    """A new file with mode 0600 that hashes what is written, synced when closed."""

    def __init__(self, path):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.handle, self.digest = os.fdopen(descriptor, "wb"), hashlib.sha256()

    def write(self, data):
        self.digest.update(data)
        return self.handle.write(data)

    def hexdigest(self):
        return self.digest.hexdigest()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
        finally:
            self.handle.close()
