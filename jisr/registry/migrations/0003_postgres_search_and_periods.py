"""PostgreSQL only: trigram indexes for name search, and no overlapping memberships of one person.

- Name search is variant-insensitive through normalised keys (jisr.core.names); trigram GIN indexes make
  `similarity`/`ILIKE '%...%'` lookups on them fast on a national table.
- "A person belongs to at most one household on any date": the partial unique index covers open
  memberships on every database; on PostgreSQL an exclusion constraint also refuses any two periods of
  the same person that overlap. SQLite (the demo) relies on the services' check.
"""

from django.db import migrations

UP = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE INDEX IF NOT EXISTS registry_person_name_ar_key_trgm
    ON registry_person USING gin (name_ar_key gin_trgm_ops);
CREATE INDEX IF NOT EXISTS registry_person_name_lat_key_trgm
    ON registry_person USING gin (name_lat_key gin_trgm_ops);
ALTER TABLE registry_membership ADD CONSTRAINT membership_periods_do_not_overlap
    EXCLUDE USING gist (person_id WITH =, daterange(start, "end", '[)') WITH &&);
"""
DOWN = """
ALTER TABLE registry_membership DROP CONSTRAINT IF EXISTS membership_periods_do_not_overlap;
DROP INDEX IF EXISTS registry_person_name_lat_key_trgm;
DROP INDEX IF EXISTS registry_person_name_ar_key_trgm;
"""


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_history_change_requests_dedup")]
    operations = [migrations.RunPython(up, down)]
