from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from ekc.backup import BackupError, backup_check, backup_restore
from ekc.management.commands.backup import private_media_root
from privacy.destruction import register_reapply
from privacy.register import RegisterFileError, register_file, register_read, register_sync


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and an empty "
        "private media folder, checking every checksum first and every table's row count "
        "after. Stop EKC and its workers first. Then the destruction register is "
        "re-applied: files destroyed after the backup was made are destroyed again."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="an ekc-backup-<time>.tar file")
        parser.add_argument(
            "--check",
            action="store_true",
            help="only read the archive and check it against its manifest; change nothing",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace every table of a database that is not empty, and every private file",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        register = parser.add_mutually_exclusive_group()
        register.add_argument(
            "--register",
            metavar="PATH",
            help="the destruction register file to re-apply, e.g. a copy from another "
            "server (default: DESTRUCTION_REGISTER_FILE)",
        )
        register.add_argument(
            "--no-register",
            action="store_true",
            help="do not re-apply a register file (only the restored register table): "
            "files destroyed after the backup was made then come back with their "
            "personal data. Only for an installation that never had the file",
        )

    def handle(self, *args, archive, check, force, database, register, no_register, **options):
        try:
            if check:
                backup_check(archive, log=self.stdout.write)
                self.stdout.write("The archive is whole: every checksum matches its manifest.")
                return
            # Read before anything changes: a missing or damaged file stops the restore.
            entries = {} if no_register else self.register_entries(register, database)
            backup_restore(
                archive,
                connection=connections[database],
                media_root=private_media_root(),
                force=force,
                log=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if database != DEFAULT_DB_ALIAS:
            self.stdout.write("The destruction register was not re-applied (--database).")
            return
        self.migrate_first(database)
        try:
            register_reapply(entries, log=self.stdout.write)
            added = register_sync()
        except RegisterFileError as exc:
            raise CommandError(f"{exc} The restored database is complete.") from exc
        except Exception as exc:
            raise CommandError(
                f"Re-applying the destruction register failed ({exc}). Do not start EKC: "
                "files destroyed after this backup may still be in it. Fix the cause and "
                "restore again with --force."
            ) from exc
        if added:
            self.stdout.write(f"{added} line(s) added to the destruction register file.")

    def register_entries(self, path, database):
        if database != DEFAULT_DB_ALIAS:
            # destroy_case works on the default database only.
            raise CommandError(
                "The destruction register is re-applied to the default database only: "
                "restore into another with --no-register, then never start EKC on it."
            )
        path = path or register_file()
        try:
            return register_read(path)
        except RegisterFileError as exc:
            raise CommandError(
                f"{exc} Without the register, files destroyed after the backup was made "
                "come back. Give a copy with --register PATH (from the old server or its "
                "backup), or --no-register if this installation never had one. Nothing "
                "was changed."
            ) from exc

    def migrate_first(self, database):
        """destroy_case needs this version's tables, which an older backup lacks."""
        executor = MigrationExecutor(connections[database])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Migrating first: the register is re-applied with this version.")
            call_command("migrate", database=database, interactive=False, stdout=self.stdout)
