"""Audit: change history and the access log (NEN 7513), both through django-auditlog.

Change history: models holding case data are registered with ``auditlog.register``
in their app's ``apps.py`` and get JSON field diffs with the acting user.

Access log: every view, print, export or search that shows a family's personal
data calls :func:`log_access` (or :func:`log_access_many`), which writes an
auditlog entry with action ACCESS: who, when, which record, what kind of access
and from which address. Entries are never edited or deleted by the application;
only administrators can read them (in the management site).
"""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ekc.request_origin import client_address, client_port


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")
    SEARCH = "search", _("found in a search")


def _entry(request, obj, action, detail, content_type):
    user = request.user if request.user.is_authenticated else None
    return LogEntry(
        content_type=content_type,
        object_pk=str(obj.pk),
        object_id=obj.pk if isinstance(obj.pk, int) else None,
        object_repr=str(obj)[:200],
        action=LogEntry.Action.ACCESS,
        actor=user,
        actor_email=user.email if user else None,
        remote_addr=client_address(request),
        remote_port=client_port(request),
        additional_data={"access": str(action), "path": request.path, **(detail or {})},
    )


def log_access(request, obj, action=AccessAction.VIEW, detail=None):
    """Record that ``request.user`` saw ``obj`` (a record with personal data)."""
    content_type = ContentType.objects.get_for_model(obj)
    _entry(request, obj, action, detail, content_type).save()


def log_access_many(request, objects, action=AccessAction.SEARCH, detail=None):
    """Record access to several records at once (a list page or search): one query."""
    objects = list(objects)
    if not objects:
        return
    content_types = ContentType.objects.get_for_models(*objects)
    LogEntry.objects.bulk_create(
        [_entry(request, obj, action, detail, content_types[obj]) for obj in objects]
    )


def access_log_for(obj):
    """The access entries of one record, newest first."""
    return LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.ACCESS)


# Change history: fields that never appear in a diff, not even in part. The
# history still shows that such a field changed, and whether it became empty.
REDACTED = "[verborgen]"


def redact(value):
    """AUDITLOG_MASK_CALLABLE: hide the whole value (auditlog's default keeps half)."""
    return value if value in ("", "None") else REDACTED
