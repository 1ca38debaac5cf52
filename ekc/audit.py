"""Audit: change history and the access log (NEN 7513), both through django-auditlog.

Change history: models holding case data are registered with ``auditlog.register``
in their app's ``apps.py`` and get JSON field diffs with the acting user.

Access log: every view, print, export or search that shows a family's personal
data calls :func:`log_access` (or :func:`log_access_many`), which writes an
auditlog entry with action ACCESS: who, when, which record, what kind of access
and from which address. Entries are never edited or deleted by the application;
only administrators can read them (in the management site).
"""

import itertools

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ekc.request_origin import client_address, client_port
from ekc.rules import is_coordinator, is_regional_manager


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")
    SEARCH = "search", _("found in a search")
    # Shown as a row of a list (a work queue, a home page): apart from "viewed", so a
    # family's own view of its log is not flooded by work-queue listings.
    LIST = "list", _("listed")


# Kinds of access that only show a case among others, not the case itself.
LISTING = frozenset({AccessAction.SEARCH, AccessAction.LIST})


def _actor_context(request):
    """Who acted, as they stood at the moment of access (NEN 7513), once per request.

    Roles and organisation change over time; the log keeps them as they were.
    "acting_for" is on whose behalf the actor works: their organisation, or the
    regions they serve for Eigen Kracht, or EKC itself."""
    cached = getattr(request, "_ekc_actor_context", None)
    if cached is not None:
        return cached
    user = request.user
    context = {}
    if user.is_authenticated:
        organization = user.organization.name if user.organization_id else ""
        regions = (
            sorted(user.regions.values_list("name", flat=True))
            if is_regional_manager(user) or is_coordinator(user)
            else []
        )
        if organization:
            acting_for = organization
        elif regions:
            acting_for = "Eigen Kracht " + ", ".join(regions)
        else:
            acting_for = "EKC"
        context = {
            "actor_name": user.get_full_name(),
            "roles": [str(role) for role in user.roles],
            "organisation": organization,
            "regions": regions,
            "acting_for": acting_for,
        }
    request._ekc_actor_context = context
    return context


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
        additional_data={
            "access": str(action),
            "path": request.path,
            **_actor_context(request),
            **(detail or {}),
        },
    )


def log_access(request, obj, action=AccessAction.VIEW, detail=None):
    """Record that ``request.user`` saw ``obj`` (a record with personal data)."""
    content_type = ContentType.objects.get_for_model(obj)
    _entry(request, obj, action, detail, content_type).save()


def log_access_many(request, objects, action=AccessAction.LIST, detail=None):
    """Record access to several records at once (a list page or search): one query
    per 1,000 records."""
    objects = list({(type(obj), obj.pk): obj for obj in objects}.values())
    if not objects:
        return
    content_types = ContentType.objects.get_for_models(*objects)
    LogEntry.objects.bulk_create(
        [_entry(request, obj, action, detail, content_types[obj]) for obj in objects],
        batch_size=1000,
    )


def log_access_to_rows(request, model, rows, action, detail=None):
    """Record access to many records given as (pk, label) pairs, without loading them:
    for exports of thousands of cases. One query per 1,000 records."""
    content_type = ContentType.objects.get_for_model(model)
    entries = (_entry(request, _Row(pk, label), action, detail, content_type) for pk, label in rows)
    while batch := list(itertools.islice(entries, 1000)):
        LogEntry.objects.bulk_create(batch)


def log_change(request, obj, changes):
    """Record in ``obj``'s change history a change that is no field of it (a second
    factor set up or reset): ``changes`` as auditlog's {"what": [old, new]}."""
    user = request.user if request.user.is_authenticated else None
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        object_id=obj.pk if isinstance(obj.pk, int) else None,
        object_repr=str(obj)[:200],
        action=LogEntry.Action.UPDATE,
        changes=changes,
        actor=user,
        actor_email=user.email if user else None,
        remote_addr=client_address(request),
        remote_port=client_port(request),
        additional_data={"path": request.path, **_actor_context(request)},
    )


class _Row:
    def __init__(self, pk, label):
        self.pk, self.label = pk, label

    def __str__(self):
        return self.label


def access_log_for(obj):
    """The access entries of one record, newest first."""
    return LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.ACCESS)


# Change history: fields that never appear in a diff, not even in part. The
# history still shows that such a field changed, and whether it became empty.
REDACTED = "[verborgen]"


def redact(value):
    """AUDITLOG_MASK_CALLABLE: hide the whole value (auditlog's default keeps half)."""
    return value if value in ("", "None") else REDACTED
