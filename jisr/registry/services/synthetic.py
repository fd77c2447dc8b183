"""Writes to the registry. The validated bulk import of outside files is `jisr registry import`
(issue 3); `synthetic_population_load` only loads what `jisr.synth` generated, for the demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
from django.db import transaction

from jisr.core import audit
from jisr.core.audit import Actor
from jisr.registry.models import Household, Membership, Person

HOUSEHOLD_FIELDS = (
    "milieu",
    "address",
    "housing_type",
    "rooms",
    "tenure",
    "water_source",
    "electricity",
    "sanitation",
    "has_fridge",
    "has_tv",
    "has_satellite",
    "has_washing_machine",
    "has_computer",
    "has_internet",
    "has_car",
    "has_motorbike",
    "mobile_phones",
)
SPENDING_FIELDS = ("spend_water", "spend_electricity", "spend_butane", "spend_telephone")
PERSON_FIELDS = (
    "first_name_ar",
    "last_name_ar",
    "first_name_lat",
    "last_name_lat",
    "sex",
    "birth_date",
    "nationality",
    "marital_status",
    "disability",
    "in_school",
    "father_deceased",
    "social_security",
    "amo",
)
OPTIONAL_CODES = ("disability_severity", "school_level", "school_sector")


def _read(directory: Path, stem: str) -> pl.DataFrame:
    # Parquet only: it carries the column types, so nothing here re-parses text into booleans/dates.
    return pl.read_parquet(directory / f"{stem}.parquet")


@transaction.atomic
def synthetic_population_load(
    *, directory: Path, start: dt.date, actor: Actor = None, batch_size: int = 5000
) -> tuple[int, int]:
    """Load a `jisr synth` output folder; households already present are skipped (idempotent)."""
    households = _read(directory, "households")
    persons = _read(directory, "persons")
    existing = set(Household.objects.values_list("rsu_id", flat=True))
    households = households.filter(~pl.col("household_id").is_in(list(existing)))
    persons = persons.filter(~pl.col("household_id").is_in(list(existing)))
    Household.objects.bulk_create(
        (
            Household(
                rsu_id=row["household_id"],
                region_id=row["region_code"],
                commune_id=row["commune_code"],
                phone=row.get("phone") or "",
                formal_family_allowances=bool(row.get("cnss_family_allowances")),
                **{field: row[field] for field in HOUSEHOLD_FIELDS},
                **{field: Decimal(int(row[field])) for field in SPENDING_FIELDS},
            )
            for row in households.iter_rows(named=True)
        ),
        batch_size=batch_size,
    )
    Person.objects.bulk_create(
        (
            Person(
                rnp_id=row["person_id"],
                cnie=row["cnie"] or None,
                **{field: row[field] for field in PERSON_FIELDS},
                **{field: row[field] or "" for field in OPTIONAL_CODES},
            )
            for row in persons.iter_rows(named=True)
        ),
        batch_size=batch_size,
    )
    household_pk = dict(Household.objects.values_list("rsu_id", "pk"))
    person_pk = dict(Person.objects.values_list("rnp_id", "pk"))
    Membership.objects.bulk_create(
        (
            Membership(
                person_id=person_pk[row["person_id"]],
                household_id=household_pk[row["household_id"]],
                relationship=row["relationship"],
                start=start,
            )
            for row in persons.select("person_id", "household_id", "relationship").iter_rows(
                named=True
            )
        ),
        batch_size=batch_size,
    )
    audit.record(
        actor=actor,
        action="registry.synthetic_population_loaded",
        after={
            "directory": str(directory),
            "households": households.height,
            "persons": persons.height,
        },
    )
    return households.height, persons.height
