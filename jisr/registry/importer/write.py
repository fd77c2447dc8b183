"""Persist: the plan written with set-based statements from staging tables, in the caller's
transaction (COPY on PostgreSQL; the same SQL on SQLite, loaded with executemany)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from jisr.core import bulk as db
from jisr.registry.importer.errors import RegistryChanged
from jisr.registry.importer.existing import HOUSEHOLD_FIELDS, PERSON_FIELDS
from jisr.registry.importer.plan import Plan
from jisr.registry.models import EventKind

HOUSEHOLD_TABLE, PERSON_TABLE = "registry_household", "registry_person"
MEMBERSHIP_TABLE, EVENT_TABLE = "registry_membership", "registry_householdevent"
PERSON_STORED = [*PERSON_FIELDS, "name_ar_key", "name_lat_key"]


@dataclass(frozen=True)
class Context:
    """Who writes, when, why (the same for every row of one import)."""

    actor: Any
    actor_id: int | None
    effective: dt.date
    now: dt.datetime
    reason: str
    source: str
    advance: Callable[[int], None] = field(default=lambda rows: None)


# A big statement runs in about this many parts so that the progress bar moves (rate, ETA);
# they are parts of one transaction, not independent batches.
PARTS = 20
MIN_PART_ROWS = 10_000


def _in_parts(sql: str, params: list[Any], frame: pl.DataFrame, stage: str, ctx: Context) -> None:
    """Run `sql` (whose staging table `s` is restricted by `{part}`) over `frame` in parts."""
    size = max(MIN_PART_ROWS, math.ceil(frame.height / PARTS))
    for start in range(0, frame.height, size):
        db.execute(
            sql.replace("{part}", "s.seq >= %s AND s.seq < %s"), [*params, start, start + size]
        )
        ctx.advance(min(size, frame.height - start))


def _numbered(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_row_index("seq").with_columns(pl.col("seq").cast(pl.Int64))


def _columns(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def allocate(table: str, count: int) -> pl.Series:
    """`count` fresh primary keys for `table` (from its sequence on PostgreSQL)."""
    if count == 0:
        return pl.Series("id", [], dtype=pl.Int64)
    if db.postgres():
        # One text value rather than a row per id: reading a million COPY rows one Python call at
        # a time took seconds; this takes a fraction of one.
        text = db.scalar(
            f"SELECT string_agg(nextval(pg_get_serial_sequence('{table}', 'id'))::text, ',') "  # noqa: S608
            f"FROM generate_series(1, {int(count)})"
        )
        return pl.Series("id", np.array(str(text).split(","), dtype=np.int64))
    # SQLite: the write transaction holds the database lock, so the next ids are ours.
    top = db.scalar(f"SELECT MAX(id) FROM {table}") or 0  # noqa: S608
    seq = db.scalar("SELECT seq FROM sqlite_sequence WHERE name = %s", [table]) or 0
    start = max(int(top), int(seq)) + 1
    return pl.Series("id", np.arange(start, start + count, dtype=np.int64))


def households_lock(changed: pl.DataFrame) -> None:
    """Lock the households to update; refuse if any changed since the files were checked."""
    if not changed.height:
        return
    with db.staged("jisr_import_versions", changed.select("id", "version")) as stage:
        lock = " FOR UPDATE OF h" if db.postgres() else ""
        current = db.scalar(
            f"SELECT COUNT(*) FROM (SELECT h.id FROM {HOUSEHOLD_TABLE} h JOIN {stage} s "  # noqa: S608
            f"ON h.id = s.id AND h.version = s.version AND h.status = 'active'{lock}) x"
        )
    if int(current) != changed.height:
        raise RegistryChanged()


def households_insert(frame: pl.DataFrame, ctx: Context) -> None:
    fields = ["id", "rsu_id", *HOUSEHOLD_FIELDS]
    staged = _numbered(frame.select(fields))
    with db.staged("jisr_import_households", staged) as stage:
        _in_parts(
            f"INSERT INTO {HOUSEHOLD_TABLE} ({_columns(fields)}, status, index_model, "  # noqa: S608
            "needs_recompute, version, created_at, updated_at) "
            f"SELECT {_columns(fields)}, 'active', '', %s, 1, %s, %s FROM {stage} s WHERE {{part}}",
            [True, ctx.now, ctx.now],
            staged,
            stage,
            ctx,
        )


def households_update(frame: pl.DataFrame, ctx: Context) -> None:
    fields = list(HOUSEHOLD_FIELDS)
    staged = _numbered(frame.select("id", *fields, "eligibility"))
    with db.staged("jisr_import_households", staged) as stage:
        sets = ", ".join(f'"{name}" = s."{name}"' for name in fields)
        _in_parts(
            f"UPDATE {HOUSEHOLD_TABLE} SET {sets}, version = {HOUSEHOLD_TABLE}.version + 1, "  # noqa: S608
            f"updated_at = %s, needs_recompute = ({HOUSEHOLD_TABLE}.needs_recompute "
            f"OR s.eligibility) FROM {stage} s WHERE {HOUSEHOLD_TABLE}.id = s.id AND {{part}}",
            [ctx.now],
            staged,
            stage,
            ctx,
        )


def persons_insert(frame: pl.DataFrame, ctx: Context) -> None:
    fields = ["id", "rnp_id", *PERSON_STORED]
    staged = _numbered(frame.select(fields))
    with db.staged("jisr_import_persons", staged) as stage:
        _in_parts(
            f"INSERT INTO {PERSON_TABLE} ({_columns(fields)}, created_at, updated_at) "  # noqa: S608
            f"SELECT {_columns(fields)}, %s, %s FROM {stage} s WHERE {{part}}",
            [ctx.now, ctx.now],
            staged,
            stage,
            ctx,
        )


def persons_update(frame: pl.DataFrame, ctx: Context) -> None:
    staged = _numbered(frame.select("id", *PERSON_STORED))
    with db.staged("jisr_import_persons", staged) as stage:
        sets = ", ".join(f'"{name}" = s."{name}"' for name in PERSON_STORED)
        _in_parts(
            f"UPDATE {PERSON_TABLE} SET {sets}, updated_at = %s FROM {stage} s "  # noqa: S608
            f"WHERE {PERSON_TABLE}.id = s.id AND {{part}}",
            [ctx.now],
            staged,
            stage,
            ctx,
        )


def memberships_close(frame: pl.DataFrame, ctx: Context) -> None:
    staged = _numbered(frame.select("id"))
    with db.staged("jisr_import_closed", staged) as stage:
        _in_parts(
            f'UPDATE {MEMBERSHIP_TABLE} SET "end" = CASE WHEN start > %s THEN start '  # noqa: S608
            f"ELSE %s END FROM {stage} s WHERE {MEMBERSHIP_TABLE}.id = s.id AND {{part}}",
            [ctx.effective, ctx.effective],
            staged,
            stage,
            ctx,
        )


def memberships_open(frame: pl.DataFrame, ctx: Context) -> None:
    names = ["person_id", "household_id", "relationship"]
    staged = _numbered(frame.select(names))
    with db.staged("jisr_import_opened", staged) as stage:
        _in_parts(
            f'INSERT INTO {MEMBERSHIP_TABLE} ({_columns(names)}, start, "end") '  # noqa: S608
            f"SELECT {_columns(names)}, %s, NULL FROM {stage} s WHERE {{part}}",
            [ctx.effective],
            staged,
            stage,
            ctx,
        )


def events_insert(frame: pl.DataFrame, ctx: Context) -> None:
    """History rows: household_id, kind, before, after (JSON text), person_id."""
    names = ["household_id", "kind", "before", "after", "person_id"]
    staged = _numbered(frame.select(names))
    with db.staged("jisr_import_events", staged, json=("before", "after")) as stage:
        _in_parts(
            f"INSERT INTO {EVENT_TABLE} (household_id, kind, before, after, person_id, "  # noqa: S608
            "effective, recorded_at, actor_id, reason, source) "
            "SELECT household_id, kind, before, after, person_id, %s, %s, %s, %s, %s "
            f"FROM {stage} s WHERE {{part}}",
            [ctx.effective, ctx.now, ctx.actor_id, ctx.reason, ctx.source],
            staged,
            stage,
            ctx,
        )


def events(plan_ids: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """IMPORTED for each new household (with its head), IMPORT_UPDATED for each changed one."""
    new, changed = plan_ids["households_new"], plan_ids["households_changed"]
    return pl.concat(
        [
            new.select(
                pl.col("id").alias("household_id"),
                pl.lit(EventKind.IMPORTED.value).alias("kind"),
                pl.lit(None, dtype=pl.String).alias("before"),
                "after",
                pl.col("head_id").alias("person_id"),
            ),
            changed.select(
                pl.col("id").alias("household_id"),
                pl.lit(EventKind.IMPORT_UPDATED.value).alias("kind"),
                "before",
                "after",
                pl.lit(None, dtype=pl.Int64).alias("person_id"),
            ),
        ]
    )


def write(plan: Plan, ctx: Context, existing_persons: pl.DataFrame, step: Any) -> pl.Series:
    """Write everything; return the ids of the households whose eligibility may have changed."""
    households_lock(plan.households_changed)
    new_h = plan.households_new.with_columns(
        allocate(HOUSEHOLD_TABLE, plan.households_new.height).alias("id")
    )
    new_p = plan.persons_new.with_columns(
        allocate(PERSON_TABLE, plan.persons_new.height).alias("id")
    )
    household_ids = pl.concat(
        [new_h.select("rsu_id", "id"), plan.households_changed.select("rsu_id", "id")]
    )
    person_ids = pl.concat([new_p.select("rnp_id", "id"), existing_persons.select("rnp_id", "id")])
    new_h = new_h.join(
        person_ids.rename({"rnp_id": "head", "id": "head_id"}), on="head", how="left"
    )
    opened = plan.memberships_opened.join(
        household_ids.rename({"id": "household_id"}), on="rsu_id"
    ).join(person_ids.rename({"id": "person_id"}), on="rnp_id")
    step("households", households_insert, new_h)
    step("households", households_update, plan.households_changed)
    step("persons", persons_insert, new_p)
    step("persons", persons_update, plan.persons_changed)
    step("memberships", memberships_close, plan.memberships_closed)
    step("memberships", memberships_open, opened)
    history = events({"households_new": new_h, "households_changed": plan.households_changed})
    step("history", events_insert, history)
    eligible = plan.households_changed.filter(pl.col("eligibility"))
    return pl.concat([new_h["id"], eligible["id"]])
