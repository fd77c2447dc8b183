"""Fetch: what the registry already holds for the identifiers of the files, in a few queries.

The files' identifiers are staged in temporary tables and joined with the registry, so only the
matching rows travel (never a whole national table).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db import transaction

from jisr.core import bulk as db
from jisr.geo.models import Commune, Region
from jisr.registry.importer.columns import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, Column, Kind

STRING, INT, BOOL, DATE = pl.String(), pl.Int64(), pl.Boolean(), pl.Date()
DECIMAL = pl.Decimal(12, 2)


def _dtype(column: Column) -> pl.DataType:
    return {
        Kind.BOOL: BOOL,
        Kind.COUNT: INT,
        Kind.AMOUNT: DECIMAL,
        Kind.DATE: DATE,
    }.get(column.kind, STRING)


# The stored fields compared with the files (model field -> type).
HOUSEHOLD_FIELDS: dict[str, pl.DataType] = {
    c.field: _dtype(c) for c in HOUSEHOLD_COLUMNS if c.field and c.field != "rsu_id"
}
PERSON_FIELDS: dict[str, pl.DataType] = {
    c.field: _dtype(c) for c in PERSON_COLUMNS if c.field and c.field != "rnp_id"
}


@dataclass(frozen=True)
class Existing:
    households: pl.DataFrame  # id, rsu_id, status, version, fields
    persons: pl.DataFrame  # id, rnp_id, merged_into_id, fields
    cnie_owners: pl.DataFrame  # cnie, owner (rnp_id)
    memberships: pl.DataFrame  # id, rnp_id, rsu_id, region_id, relationship


def _select(alias: str, fields: dict[str, pl.DataType]) -> str:
    parts = []
    for name, dtype in fields.items():
        column = f"{alias}.{name}"
        if dtype == BOOL:
            column = f"CAST({column} AS INTEGER)"
        elif isinstance(dtype, pl.Decimal):
            column = f"CAST({column} AS TEXT)"
        parts.append(f"{column} AS {name}")
    return ", ".join(parts)


def registry_rows(*, rsu_ids: pl.Series, rnp_ids: pl.Series, cnies: pl.Series) -> Existing:
    """The registry's rows for these identifiers (households, persons, CNIE holders, members)."""
    keys = {
        "h": pl.DataFrame({"ident": rsu_ids.drop_nulls().unique()}),
        "p": pl.DataFrame({"ident": rnp_ids.drop_nulls().unique()}),
        "c": pl.DataFrame({"ident": cnies.drop_nulls().unique()}),
    }
    with (
        transaction.atomic(),
        db.staged("jisr_import_rsu", keys["h"]) as rsu,
        db.staged("jisr_import_rnp", keys["p"]) as rnp,
        db.staged("jisr_import_cnie", keys["c"]) as cnie,
    ):
        household_schema = {
            "id": INT,
            "rsu_id": STRING,
            "status": STRING,
            "version": INT,
            **HOUSEHOLD_FIELDS,
        }
        households = db.frame(
            f"SELECT h.id, h.rsu_id, h.status, h.version, {_select('h', HOUSEHOLD_FIELDS)} "  # noqa: S608
            f"FROM registry_household h JOIN {rsu} k ON k.ident = h.rsu_id",
            household_schema,
        )
        persons = db.frame(
            f"SELECT p.id, p.rnp_id, p.merged_into_id, {_select('p', PERSON_FIELDS)} "  # noqa: S608
            f"FROM registry_person p JOIN {rnp} k ON k.ident = p.rnp_id",
            {"id": INT, "rnp_id": STRING, "merged_into_id": INT, **PERSON_FIELDS},
        )
        owners = db.frame(
            f"SELECT p.cnie, p.rnp_id FROM registry_person p JOIN {cnie} k ON k.ident = p.cnie",  # noqa: S608
            {"cnie": STRING, "owner": STRING},
        )
        # Open memberships of the files' persons and households (one household per person).
        member_schema = {
            "id": INT,
            "rnp_id": STRING,
            "rsu_id": STRING,
            "region_id": STRING,
            "relationship": STRING,
        }
        members = (
            "SELECT m.id, p.rnp_id, h.rsu_id, h.region_id, m.relationship "
            "FROM registry_membership m "
            "JOIN registry_person p ON p.id = m.person_id "
            "JOIN registry_household h ON h.id = m.household_id "
        )
        memberships = pl.concat(
            [
                db.frame(
                    f'{members} JOIN {rnp} k ON k.ident = p.rnp_id WHERE m."end" IS NULL',
                    member_schema,
                ),
                db.frame(
                    f'{members} JOIN {rsu} k ON k.ident = h.rsu_id WHERE m."end" IS NULL',
                    member_schema,
                ),
            ]
        ).unique("id")
    return Existing(households, persons, owners, memberships)


def places() -> tuple[frozenset[str], pl.DataFrame]:
    """Region codes, and the communes with their region and milieu."""
    regions = frozenset(Region.objects.values_list("code", flat=True))
    rows = list(Commune.objects.values_list("code", "region_id", "milieu"))
    communes = pl.DataFrame(
        rows,
        schema={"code": STRING, "commune_region": STRING, "commune_milieu": STRING},
        orient="row",
    )
    return regions, communes
