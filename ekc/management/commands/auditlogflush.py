"""django-auditlog's ``auditlogflush``, refused outside development.

The change history and the access log are evidence (NEN 7513): in production no
command may wipe them. (This command shadows the package's own: ``ekc`` comes
before ``auditlog`` in INSTALLED_APPS.)
"""

from auditlog.management.commands.auditlogflush import Command as AuditlogFlushCommand
from django.conf import settings
from django.core.management.base import CommandError

from ekc.log_guard import log_redaction


class Command(AuditlogFlushCommand):
    help = "Deletes log entries; refused unless DEBUG is on (the logs are kept in production)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The audit log is kept: auditlogflush only runs with DEBUG on (development)."
            )
        with log_redaction():  # the one way past the log's triggers (PostgreSQL)
            return super().handle(*args, **options)
