"""Hide safety notes and contact details in change history written before they were masked.

The fields are those registered with ``mask_fields`` in each app's ``apps.py``;
the list is frozen here, as a migration must be.
"""

from django.db import migrations

REDACTED = "[verborgen]"
FIELDS = {
    ("referrals", "networkmember"): ["phone", "email", "safety_note"],
    ("referrals", "referral"): ["address"],
    ("referrals", "involvedprofessional"): ["contact"],
    ("conferences", "conference"): ["address"],
    ("ekc", "user"): ["phone"],
}


def _redact(value):
    return value if value in ("", "None", None) else REDACTED


def redact_history(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for (app_label, model), fields in FIELDS.items():
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None:
            continue
        entries = LogEntry.objects.filter(content_type=content_type).only(
            "pk", "changes", "serialized_data"
        )
        for entry in entries.iterator(chunk_size=1000):
            changed = False
            changes = entry.changes if isinstance(entry.changes, dict) else None
            for field in fields:
                if changes and isinstance(changes.get(field), list):
                    changes[field] = [_redact(value) for value in changes[field]]
                    changed = True
                data = entry.serialized_data
                if isinstance(data, dict) and field in data.get("fields", {}):
                    data["fields"][field] = _redact(data["fields"][field])
                    changed = True
            if changed:
                entry.save(update_fields=["changes", "serialized_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("ekc", "0002_user_may_decide_organization_plans"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(redact_history, migrations.RunPython.noop)]
