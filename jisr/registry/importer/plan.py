"""Compute: from the valid rows and the registry's rows, what to create, update, open and close.

Pure functions on frames (no database): the same code plans ten households or a million.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from jisr.core.names import arabic_key_expr, latin_key_expr
from jisr.registry.importer import history as h
from jisr.registry.importer.columns import HOUSEHOLD_COLUMNS, PERSON_COLUMNS
from jisr.registry.importer.existing import HOUSEHOLD_FIELDS, PERSON_FIELDS, Existing

MEMBER_KEYS = ["rnp_id", "rsu_id", "relationship"]
BLANK_WHEN_NULL = ("phone", "disability_severity", "school_level", "school_sector")
ELIGIBILITY_HOUSEHOLD = [
    c.field for c in HOUSEHOLD_COLUMNS if c.field in HOUSEHOLD_FIELDS and c.eligibility
]
ELIGIBILITY_PERSON = [c.field for c in PERSON_COLUMNS if c.field in PERSON_FIELDS and c.eligibility]


@dataclass(frozen=True)
class Plan:
    households_new: pl.DataFrame  # rsu_id, fields, after (JSON), head (rnp_id)
    households_changed: pl.DataFrame  # id, version, fields, eligibility, before, after (JSON)
    persons_new: pl.DataFrame  # rnp_id, fields, name keys
    persons_changed: pl.DataFrame  # id, fields, name keys
    memberships_closed: pl.DataFrame  # id
    memberships_opened: pl.DataFrame  # rnp_id, rsu_id, relationship
    households_unchanged: int


def stored_households(valid: pl.DataFrame) -> pl.DataFrame:
    """File columns renamed to the model's fields; optional codes blank rather than null."""
    renames = {c.name: c.field for c in HOUSEHOLD_COLUMNS if c.field}
    frame = valid.select(list(renames)).rename(renames)
    return frame.with_columns(
        pl.col(n).fill_null("") for n in BLANK_WHEN_NULL if n in frame.columns
    )


def stored_persons(valid: pl.DataFrame) -> pl.DataFrame:
    renames = {c.name: c.field for c in PERSON_COLUMNS if c.field}
    frame = valid.select(*renames, pl.col("household_id").alias("rsu_id"), "relationship")
    frame = frame.rename(renames)
    return frame.with_columns(
        pl.col(n).fill_null("") for n in BLANK_WHEN_NULL if n in frame.columns
    )


def name_keys(persons: pl.DataFrame) -> pl.DataFrame:
    """Add `name_ar_key`/`name_lat_key`, normalising each distinct full name once."""
    out = persons
    for script, key, expr in (
        ("ar", "name_ar_key", arabic_key_expr),
        ("lat", "name_lat_key", latin_key_expr),
    ):
        full = pl.concat_str(f"first_name_{script}", pl.lit(" "), f"last_name_{script}")
        out = out.with_columns(full.alias("_full"))
        distinct = out.select(pl.col("_full").unique()).with_columns(expr("_full").alias(key))
        out = out.join(distinct, on="_full", how="left").drop("_full")
    return out


def _members(
    existing: Existing, files: pl.DataFrame, valid_rsu: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame]:
    current = existing.memberships.filter(pl.col("rsu_id").is_in(valid_rsu.implode()))
    closed = current.join(files, on=MEMBER_KEYS, how="anti")
    opened = files.join(current, on=MEMBER_KEYS, how="anti")
    return closed, opened


def _member_changes(closed: pl.DataFrame, opened: pl.DataFrame) -> pl.DataFrame:
    """Per household: members' relationships before and after (null: not a member)."""
    both = closed.select("rsu_id", "rnp_id", pl.col("relationship").alias("old")).join(
        opened.select("rsu_id", "rnp_id", pl.col("relationship").alias("new")),
        on=["rsu_id", "rnp_id"],
        how="full",
        coalesce=True,
    )
    return both.group_by("rsu_id").agg(
        h.keyed_value(pl.col("rnp_id"), h.quoted_or_null(pl.col("old")))
        .sort()
        .str.join(",")
        .alias("members_before"),
        h.keyed_value(pl.col("rnp_id"), h.quoted_or_null(pl.col("new")))
        .sort()
        .str.join(",")
        .alias("members_after"),
    )


def _person_changes(persons: pl.DataFrame, existing: Existing) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(changed persons with their new values, per household the JSON of what changed)."""
    old = existing.persons.select(
        "id", "rnp_id", *(pl.col(n).alias(n + h.OLD) for n in PERSON_FIELDS)
    )
    joined = persons.join(old, on="rnp_id")
    joined = joined.filter(h.any_changed(PERSON_FIELDS))
    changes = joined.select(
        "rsu_id",
        h.keyed(pl.col("rnp_id"), h.field_members(PERSON_FIELDS, side="old")).alias("before"),
        h.keyed(pl.col("rnp_id"), h.field_members(PERSON_FIELDS, side="new")).alias("after"),
        h.any_changed(ELIGIBILITY_PERSON).alias("eligibility"),
    )
    per_household = changes.group_by("rsu_id").agg(
        pl.col("before").sort().str.join(",").alias("persons_before"),
        pl.col("after").sort().str.join(",").alias("persons_after"),
        pl.col("eligibility").any().alias("persons_eligibility"),
    )
    return joined.select("id", *PERSON_FIELDS, "rnp_id"), per_household


def _household_changes(
    households: pl.DataFrame, existing: Existing, members: pl.DataFrame, persons: pl.DataFrame
) -> pl.DataFrame:
    old = existing.households.select(
        "id", "rsu_id", "version", *(pl.col(n).alias(n + h.OLD) for n in HOUSEHOLD_FIELDS)
    )
    joined = (
        households.join(old, on="rsu_id")
        .join(members, on="rsu_id", how="left")
        .join(persons, on="rsu_id", how="left")
    )
    own = h.any_changed(HOUSEHOLD_FIELDS)
    others = pl.col("members_before").is_not_null() | pl.col("persons_before").is_not_null()
    joined = joined.filter(own | others)
    eligibility = (
        h.any_changed(ELIGIBILITY_HOUSEHOLD)
        | pl.col("members_before").is_not_null()
        | pl.col("persons_eligibility").fill_null(False)
    )
    return joined.select(
        "id",
        "version",
        "rsu_id",
        *HOUSEHOLD_FIELDS,
        eligibility.alias("eligibility"),
        h.obj(
            h.field_members(HOUSEHOLD_FIELDS, side="old"),
            h.section("members", pl.col("members_before")),
            h.section("persons", pl.col("persons_before")),
        ).alias("before"),
        h.obj(
            h.field_members(HOUSEHOLD_FIELDS, side="new"),
            h.section("members", pl.col("members_after")),
            h.section("persons", pl.col("persons_after")),
        ).alias("after"),
    )


def plan(households: pl.DataFrame, persons: pl.DataFrame, existing: Existing) -> Plan:
    """What the import changes, from valid file rows (as stored) and the registry's rows."""
    known_households = households["rsu_id"].is_in(existing.households["rsu_id"].implode())
    new_households = households.filter(~known_households)
    known_persons = persons["rnp_id"].is_in(existing.persons["rnp_id"].implode())
    files = persons.select(MEMBER_KEYS)
    closed, opened = _members(existing, files, households["rsu_id"])
    changed_persons, person_changes = _person_changes(persons.filter(known_persons), existing)
    changed = _household_changes(
        households.filter(known_households),
        existing,
        _member_changes(
            closed, opened.filter(pl.col("rsu_id").is_in(existing.households["rsu_id"].implode()))
        ),
        person_changes,
    )
    heads = persons.filter(pl.col("relationship") == "head").select(
        "rsu_id", pl.col("rnp_id").alias("head")
    )
    sizes = persons.group_by("rsu_id").agg(pl.len().alias("members"))
    new_households = new_households.join(heads, on="rsu_id", how="left").join(
        sizes, on="rsu_id", how="left"
    )
    new_households = new_households.with_columns(
        pl.struct("rsu_id", "head", pl.col("commune_id").alias("commune"), "members")
        .struct.json_encode()
        .alias("after")
    ).drop("members")
    return Plan(
        households_new=new_households,
        households_changed=changed,
        persons_new=name_keys(persons.filter(~known_persons).drop("rsu_id", "relationship")),
        persons_changed=name_keys(changed_persons),
        memberships_closed=closed.select("id"),
        memberships_opened=opened,
        households_unchanged=int(known_households.sum()) - changed.height,
    )
