from django.core.management.base import BaseCommand
from django.utils import timezone

from ekc import pending_imports
from ekc.uploads import remove_stale
from plans.scans import remove_orphan_scans


class Command(BaseCommand):
    help = (
        "Delete leftover uploads older than a day: registration imports never confirmed "
        "(or left by a crash) and scans of plans that no plan points to. Run it daily; "
        "a file a plan still uses is never deleted."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        imports = remove_stale(pending_imports.FOLDER, now=now)
        scans = remove_orphan_scans(now=now)
        self.stdout.write(f"{imports} import upload(s) and {scans} scan(s) removed.")
