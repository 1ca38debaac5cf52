from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ekc.backup import BackupError, backup_check, backup_restore
from ekc.management.commands.backup import private_media_root


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and an empty "
        "private media folder, checking every checksum first and every table's row count "
        "after. Stop EKC and its workers first."
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

    def handle(self, *args, archive, check, force, database, **options):
        try:
            if check:
                backup_check(archive, log=self.stdout.write)
                self.stdout.write("The archive is whole: every checksum matches its manifest.")
                return
            backup_restore(
                archive,
                connection=connections[database],
                media_root=private_media_root(),
                force=force,
                log=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
