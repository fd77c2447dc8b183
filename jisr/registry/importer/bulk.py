"""Bulk-load mode (PostgreSQL): a large import into a small registry writes the rows first and
builds the secondary indexes and constraints afterwards, in the same transaction.

Maintaining a B-tree, a trigram GIN index or a foreign key row by row costs far more than
building it once over the loaded table (one sort, one set-based check): the same trade
`pg_restore` makes. Everything is recreated from the catalogue's own definitions
(`pg_get_indexdef`, `pg_get_constraintdef`), so the schema after the import is exactly the one
before, and every unique and foreign-key constraint is checked over the whole table when it is
re-added: a violation aborts the import, which then writes nothing.

The cost: ALTER TABLE holds ACCESS EXCLUSIVE locks on the registry tables until the import
commits, so nobody can read the registry meanwhile. That is why the mode is chosen only for an
initial load — an import that at least doubles the persons table (or when asked explicitly);
smaller imports into a live registry take the row-by-row path and block nobody.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError

from jisr.core import bulk as db

TABLES = (
    "registry_household",
    "registry_person",
    "registry_membership",
    "registry_householdevent",
)
# The statement-level overlap triggers (migration 0006) are replaced, in bulk mode, by one check
# over the whole table once its person index is back: checking each written part against a table
# without that index would be quadratic.
OVERLAP_TRIGGERS = ("membership_no_overlap_insert", "membership_no_overlap_update")
OVERLAP = (
    "SELECT a.person_id FROM registry_membership a JOIN registry_membership b "
    "ON a.person_id = b.person_id AND a.id < b.id "
    "AND daterange(a.start, a.\"end\", '[)') && daterange(b.start, b.\"end\", '[)') LIMIT 1"
)
# Memory for the index builds of this transaction only (CREATE INDEX sorts in memory up to it).
MAINTENANCE_WORK_MEM = "512MB"


@dataclass(frozen=True)
class Deferred:
    """What was dropped, in the order to recreate it."""

    constraints: list[tuple[str, str, str]]  # (table, name, definition)
    indexes: list[str]  # CREATE INDEX statements


def wanted(*, new_persons: int, explicit: bool | None) -> bool:
    """Bulk mode: asked for, or (by default) when the import at least doubles the persons table."""
    if not db.postgres():
        return False
    if explicit is not None:
        return explicit
    existing = db.scalar(
        "SELECT reltuples::bigint FROM pg_class WHERE oid = 'registry_person'::regclass"
    )
    present = max(int(existing or 0), 0)
    # The planner's estimate may be stale (or -1, never analysed): count exactly unless the
    # table is clearly larger — counting at most ten times the import's rows costs little.
    if present < 10 * new_persons:
        present = int(db.scalar("SELECT COUNT(*) FROM registry_person") or 0)
    return new_persons > 0 and new_persons >= present


def _deferrable(tables: Sequence[str]) -> Deferred:
    names = ", ".join(f"'{table}'::regclass" for table in tables)
    constraints = [
        (str(table), str(name), str(definition))
        for table, name, definition in db.rows(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "  # noqa: S608
            f"FROM pg_constraint WHERE conrelid IN ({names}) AND contype IN ('u', 'f', 'x') "
            "ORDER BY contype DESC, conname"  # unique ('u') before foreign keys ('f')
        )
    ]
    indexes = [
        str(definition)
        for (definition,) in db.rows(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "  # noqa: S608
            f"WHERE i.indrelid IN ({names}) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY i.indexrelid::regclass::text"
        )
    ]
    return Deferred(constraints=constraints, indexes=indexes)


def _index_name(definition: str) -> str:
    # "CREATE [UNIQUE] INDEX name ON ..."
    words = definition.split()
    return words[words.index("INDEX") + 1]


@contextmanager
def deferred_indexes(enabled: bool) -> Iterator[None]:
    """Inside a transaction: drop the secondary indexes and constraints of the registry tables,
    let the block load them, then rebuild everything (and refresh the planner's statistics)."""
    if not enabled:
        yield
        return
    db.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    # ALTER TABLE refuses a table with foreign-key checks still pending in this transaction: run
    # them now (Django's keys are deferred to the commit), and defer them again at the end.
    db.execute("SET CONSTRAINTS ALL IMMEDIATE")
    deferred = _deferrable(TABLES)
    for table, name, _definition in reversed(deferred.constraints):
        db.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for definition in deferred.indexes:
        db.execute(f"DROP INDEX {_index_name(definition)}")
    for trigger in OVERLAP_TRIGGERS:
        db.execute(f"ALTER TABLE registry_membership DISABLE TRIGGER {trigger}")
    yield
    for definition in deferred.indexes:
        db.execute(definition)
    for table, name, definition in deferred.constraints:
        db.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for trigger in OVERLAP_TRIGGERS:
        db.execute(f"ALTER TABLE registry_membership ENABLE TRIGGER {trigger}")
    db.execute("SET CONSTRAINTS ALL DEFERRED")
    clash = db.scalar(OVERLAP)
    if clash is not None:
        raise IntegrityError(f"memberships of person {clash} overlap")
    db.execute(f"ANALYZE {', '.join(TABLES)}")
