from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ekc.backup import BackupError, backup_create


def private_media_root():
    """The folder of the case files (STORAGES["private"], PRIVATE_MEDIA_ROOT)."""
    location = getattr(storages["private"], "location", None)
    if location is None:
        raise CommandError(
            'The private files (STORAGES["private"]) are not on a file system; back them '
            "up with the tools of their store."
        )
    return location


class Command(BaseCommand):
    help = (
        "Back up the database and the private media (scans of plans, reports) into one "
        "archive with a manifest (mode 0600). Safe while EKC runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            help="a directory (the archive is named ekc-backup-<UTC time>.tar) or a new .tar file",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="afterwards delete all but the N newest EKC backups in the directory",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, destination, keep, database, **options):
        try:
            backup_create(
                destination,
                connection=connections[database],
                media_root=private_media_root(),
                keep=keep,
                log=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
