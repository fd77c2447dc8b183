"""The database itself refuses to change or delete audit events.

PostgreSQL (production): a trigger refuses UPDATE and DELETE. SQLite (the embedded demo): a trigger refuses
UPDATE; DELETE stays possible there because the test runner empties tables with DELETE between tests, and
the ORM refuses deletes anyway (`AuditEventQuerySet`).
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
