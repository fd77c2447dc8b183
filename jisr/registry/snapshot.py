"""The registry as columns (fetch → compute → persist): households and their members on a day, in
the format `jisr synth` writes (docs/formats.md), for the rules engine.

Not scoped: national batches run as the system (`jisr rules run --population db`, jobs). Reads
that serve a user go through `selectors`, which check the scope and audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from jisr.core.snapshot import query_frame

HOUSEHOLD_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "household_id": pl.String(),
    "region_code": pl.String(),
    "commune_code": pl.String(),
    "milieu": pl.String(),
    "housing_type": pl.String(),
    "rooms": pl.Int64(),
    "tenure": pl.String(),
    "water_source": pl.String(),
    "electricity": pl.String(),
    "sanitation": pl.String(),
    **{
        name: pl.Boolean()
        for name in (
            "has_fridge",
            "has_tv",
            "has_satellite",
            "has_washing_machine",
            "has_computer",
            "has_internet",
            "has_car",
            "has_motorbike",
        )
    },
    "mobile_phones": pl.Int64(),
    "spend_water": pl.Float64(),
    "spend_electricity": pl.Float64(),
    "spend_butane": pl.Float64(),
    "spend_telephone": pl.Float64(),
    "formal_family_allowances": pl.Boolean(),
    "index": pl.Float64(),
}
PERSON_COLUMNS: dict[str, pl.DataType] = {
    "person_id": pl.String(),
    "household_id": pl.String(),
    "relationship": pl.String(),
    "sex": pl.String(),
    "birth_date": pl.Date(),
    "death_date": pl.Date(),
    "disability": pl.Boolean(),
    "in_school": pl.Boolean(),
    "school_level": pl.String(),
    "school_sector": pl.String(),
    "father_deceased": pl.Boolean(),
    "social_security": pl.String(),
    "amo": pl.String(),
}
_HOUSEHOLD_SQL = (
    "SELECT h.id, h.rsu_id, h.region_id, h.commune_id, h.milieu, h.housing_type, h.rooms, "
    "h.tenure, h.water_source, h.electricity, h.sanitation, h.has_fridge, h.has_tv, "
    "h.has_satellite, h.has_washing_machine, h.has_computer, h.has_internet, h.has_car, "
    "h.has_motorbike, h.mobile_phones, CAST(h.spend_water AS DOUBLE PRECISION), "
    "CAST(h.spend_electricity AS DOUBLE PRECISION), CAST(h.spend_butane AS DOUBLE PRECISION), "
    "CAST(h.spend_telephone AS DOUBLE PRECISION), h.formal_family_allowances, "
    # a household flagged for recomputation gets a new index: its stored one may be stale
    "CASE WHEN h.needs_recompute THEN NULL ELSE CAST(h.index_value AS DOUBLE PRECISION) END "
    "FROM registry_household h WHERE h.status = 'active'"
)
_PERSON_SQL = (
    "SELECT p.rnp_id, h.rsu_id, m.relationship, p.sex, p.birth_date, p.death_date, "
    "p.disability, p.in_school, p.school_level, p.school_sector, p.father_deceased, "
    "p.social_security, p.amo "
    "FROM registry_membership m JOIN registry_person p ON p.id = m.person_id "
    "JOIN registry_household h ON h.id = m.household_id "
    'WHERE h.status = \'active\' AND m.start <= %s AND (m."end" IS NULL OR m."end" > %s)'
)


def restricted(sql: str, column: str, ids: Sequence[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return sql, []
    marks = ", ".join(["%s"] * len(ids)) or "NULL"
    return f"{sql} AND {column} IN ({marks})", list(ids)


def households_on(
    day: dt.date, household_ids: Sequence[int] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(households, persons) frames: active households (all, or `household_ids`) and the members
    they have on `day`. Households keep their database `id` column."""
    sql, params = restricted(_HOUSEHOLD_SQL, "h.id", household_ids)
    households = query_frame(sql + " ORDER BY h.id", params, HOUSEHOLD_COLUMNS)
    sql, ids = restricted(_PERSON_SQL, "h.id", household_ids)
    persons = query_frame(
        sql + " ORDER BY h.id, p.birth_date, p.id", [day, day, *ids], PERSON_COLUMNS
    )
    return households, persons
