"""Checks across rows, across the two files and against the registry, by joins and group-bys.

Each function returns bad cells (line, column, code, detail) of one file.
"""

from __future__ import annotations

import polars as pl

from jisr.core.access import Scope
from jisr.registry import choices as c
from jisr.registry.importer.existing import Existing
from jisr.registry.importer.reading import LINE

HEAD, SPOUSE = c.Relationship.HEAD.value, c.Relationship.SPOUSE.value


def _cells(
    frame: pl.DataFrame, column: str, code: str, detail: pl.Expr | None = None
) -> pl.DataFrame:
    return frame.select(
        pl.col(LINE),
        pl.lit(column).alias("column"),
        pl.lit(code).alias("code"),
        (detail if detail is not None else pl.lit(None, dtype=pl.String)).alias("detail"),
    )


def duplicates(frame: pl.DataFrame, column: str, code: str) -> pl.DataFrame:
    """Every row whose value of `column` appears more than once, with the lines it appears on."""
    repeated = frame.filter(pl.col(column).is_not_null() & pl.col(column).is_duplicated())
    if not repeated.height:
        return _cells(repeated, column, code)
    lines = repeated.group_by(column).agg(
        pl.col(LINE).sort().cast(pl.String).str.join(", ").alias("lines")
    )
    return _cells(repeated.join(lines, on=column), column, code, pl.col("lines"))


def household_checks(households: pl.DataFrame, persons: pl.DataFrame) -> list[pl.DataFrame]:
    """Duplicate ids, a head for each household, as many persons as its size."""
    counts = persons.group_by("household_id").agg(
        pl.len().alias("persons"), (pl.col("relationship") == HEAD).sum().alias("heads")
    )
    joined = households.join(counts, on="household_id", how="left").with_columns(
        pl.col("persons").fill_null(0), pl.col("heads").fill_null(0)
    )
    known = pl.col("household_id").is_not_null()
    return [
        duplicates(households, "household_id", "duplicate_id"),
        _cells(joined.filter(known & (pl.col("heads") == 0)), "household_id", "no_head"),
        _cells(
            joined.filter(
                known & pl.col("size").is_not_null() & (pl.col("size") != pl.col("persons"))
            ),
            "size",
            "size",
            pl.col("persons").cast(pl.String),
        ),
    ]


def person_checks(persons: pl.DataFrame, households: pl.DataFrame) -> list[pl.DataFrame]:
    """Duplicates, the household exists in the file, one head, one spouse, coherent flags."""
    in_file = pl.col("household_id").is_in(households["household_id"].drop_nulls().implode())
    well_formed = pl.col("__e_household_id").is_null()
    per_household = pl.col("relationship").count().over("household_id", "relationship")
    disability, severity = pl.col("disability"), pl.col("disability_severity")
    in_school = pl.col("in_school")
    level, sector = pl.col("school_level"), pl.col("school_sector")
    return [
        duplicates(persons, "person_id", "duplicate_id"),
        duplicates(persons, "cnie", "duplicate_cnie"),
        _cells(persons.filter(well_formed & ~in_file), "household_id", "unknown_household"),
        _cells(
            persons.filter(
                pl.col("household_id").is_not_null()
                & (pl.col("relationship") == HEAD)
                & (per_household > 1)
            ),
            "relationship",
            "many_heads",
        ),
        _cells(
            persons.filter(
                pl.col("household_id").is_not_null()
                & (pl.col("relationship") == SPOUSE)
                & (per_household > 1)
            ),
            "relationship",
            "many_spouses",
        ),
        _cells(
            persons.filter(~disability & severity.is_not_null()),
            "disability_severity",
            "severity_without_disability",
        ),
        _cells(
            persons.filter(
                disability & severity.is_null() & pl.col("__e_disability_severity").is_null()
            ),
            "disability_severity",
            "disability_without_severity",
        ),
        *(
            _cells(
                persons.filter(~in_school & value.is_not_null()),
                name,
                "school_without_enrolment",
            )
            for name, value in (("school_level", level), ("school_sector", sector))
        ),
        *(
            _cells(
                persons.filter(in_school & value.is_null() & pl.col(f"__e_{name}").is_null()),
                name,
                "enrolment_without_school",
            )
            for name, value in (("school_level", level), ("school_sector", sector))
        ),
    ]


def household_registry_checks(
    households: pl.DataFrame, existing: Existing, scope: Scope
) -> list[pl.DataFrame]:
    """A dissolved household cannot be re-imported; an existing one must be in the user's scope."""
    known = households.join(
        existing.households.select("rsu_id", "status", pl.col("region_id").alias("old_region")),
        left_on="household_id",
        right_on="rsu_id",
    )
    found = [
        _cells(
            known.filter(pl.col("status") != c.HouseholdStatus.ACTIVE), "household_id", "dissolved"
        )
    ]
    if not scope.national:
        outside = ~pl.col("old_region").is_in(sorted(scope.regions))
        found.append(_cells(known.filter(outside), "household_id", "household_out_of_scope"))
    return found


def person_registry_checks(
    persons: pl.DataFrame, existing: Existing, scope: Scope
) -> list[pl.DataFrame]:
    """One household per person; merged records; a CNIE held by someone else."""
    members = persons.join(
        existing.memberships.select(
            "rnp_id", pl.col("rsu_id").alias("current"), pl.col("region_id").alias("current_region")
        ),
        left_on="person_id",
        right_on="rnp_id",
    )
    visible = scope.national | pl.col("current_region").is_in(sorted(scope.regions))
    moved = members.filter(pl.col("current") != pl.col("household_id"))
    merged = persons.join(
        existing.persons.filter(pl.col("merged_into_id").is_not_null()).select("rnp_id"),
        left_on="person_id",
        right_on="rnp_id",
    )
    taken = persons.join(existing.cnie_owners, on="cnie").filter(
        pl.col("owner") != pl.col("person_id")
    )
    return [
        _cells(
            moved,
            "household_id",
            "other_household",
            pl.when(visible).then(pl.col("current")).otherwise(pl.lit("—")),
        ),
        _cells(merged, "person_id", "merged_person"),
        _cells(taken, "cnie", "cnie_taken"),
    ]
