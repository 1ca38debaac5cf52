"""The access log and the change history (django-auditlog's one table) refuse UPDATE
and DELETE on PostgreSQL (NEN 7513: the log itself is protected).

The one exception is ``ekc.log_guard.log_redaction()``: destruction replaces the
personal texts of a destroyed case's log rows inside it. A database administrator
can still remove rows on purpose (``ALTER TABLE ... DISABLE TRIGGER``), never the
application by accident. TRUNCATE, which only a flush of a test or development
database uses, is not a row change and is not refused.
"""

from django.db import migrations

TABLE = "auditlog_logentry"
FUNCTION = "ekc_refuse_log_rewrite"
TRIGGER = "ekc_append_only"

CREATE = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('ekc.log_redaction', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % refused: the log is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only destruction (ekc.log_guard.log_redaction) may rewrite log rows.';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

DROP = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("ekc", "0004_formsubmission"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP))]
