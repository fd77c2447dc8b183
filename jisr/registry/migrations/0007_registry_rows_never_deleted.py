"""Households and persons are never deleted (they leave the register by their status, a person
merged into another keeps their row): PostgreSQL refuses any DELETE on their tables. Payment lines
rely on it instead of a foreign-key check per line (payments 0007). TRUNCATE (the test runner's
flush) is not a DELETE. SQLite (the demo) has no guard: its test flush deletes rows."""

from django.db import migrations

TABLES = ("registry_household", "registry_person")
FORWARD = """
CREATE FUNCTION registry_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted: a household or a person leaves the register by its status', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
""" + "".join(
    f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION registry_refuse_delete();\n"
    for table in TABLES
)
BACKWARD = "".join(f"DROP TRIGGER {table}_never_deleted ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION registry_refuse_delete();"
)


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, None)  # no placeholders: RAISE uses %


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_membership_overlap_trigger")]
    operations = [migrations.RunPython(forward, backward)]
