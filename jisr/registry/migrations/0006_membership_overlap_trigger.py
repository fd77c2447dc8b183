"""PostgreSQL only: "a person belongs to at most one household on any date" checked per statement.

Migration 0003 enforced it with an exclusion constraint (GiST on person and period). GiST inserts
made it the single largest cost of a bulk import (building it over a million memberships took
45–65 s on the reference machine, longer than everything else together), so it is replaced by a
statement-level trigger that checks, set-based, only the rows the statement wrote, against the
person's other memberships (through the person_id B-tree index):

- it refuses with SQLSTATE 23P01 (exclusion_violation), which Django raises as IntegrityError,
  exactly like the constraint did;
- concurrent writers: before checking, it locks (FOR NO KEY UPDATE) the persons of the written rows
  that existed before this transaction, so two transactions giving the same person overlapping
  periods are serialised and the second sees the first's rows. Persons created in this transaction
  need no lock: no other transaction can see them, let alone give them a membership.
The partial unique index on open memberships (one open membership per person) stays as it was.
"""

from django.db import migrations

UP = """
ALTER TABLE registry_membership DROP CONSTRAINT IF EXISTS membership_periods_do_not_overlap;
CREATE OR REPLACE FUNCTION registry_membership_no_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    clash record;
BEGIN
    PERFORM 1 FROM registry_person p
     WHERE p.id IN (SELECT person_id FROM written)
       AND p.xmin <> pg_current_xact_id()::xid
     ORDER BY p.id
       FOR NO KEY UPDATE OF p;
    SELECT w.person_id, w.id AS written_id, m.id AS other_id INTO clash
      FROM written w
      JOIN registry_membership m ON m.person_id = w.person_id AND m.id <> w.id
     WHERE daterange(m.start, m."end", '[)') && daterange(w.start, w."end", '[)')
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'membership % of person % overlaps membership %',
            clash.written_id, clash.person_id, clash.other_id
            USING ERRCODE = 'exclusion_violation',
                  CONSTRAINT = 'membership_periods_do_not_overlap';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER membership_no_overlap_insert AFTER INSERT ON registry_membership
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT
    EXECUTE FUNCTION registry_membership_no_overlap();
CREATE TRIGGER membership_no_overlap_update AFTER UPDATE ON registry_membership
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT
    EXECUTE FUNCTION registry_membership_no_overlap();
"""
DOWN = """
DROP TRIGGER IF EXISTS membership_no_overlap_update ON registry_membership;
DROP TRIGGER IF EXISTS membership_no_overlap_insert ON registry_membership;
DROP FUNCTION IF EXISTS registry_membership_no_overlap();
ALTER TABLE registry_membership ADD CONSTRAINT membership_periods_do_not_overlap
    EXCLUDE USING gist (person_id WITH =, daterange(start, "end", '[)') WITH &&);
"""


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, None)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, None)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_household_phone_index")]
    operations = [migrations.RunPython(up, down)]
