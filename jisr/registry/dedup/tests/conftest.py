"""A small labelled population: synthetic persons with injected duplicates (no database)."""

from __future__ import annotations

import polars as pl
import pytest

from jisr.registry.dedup.corrupt import inject_duplicates
from jisr.synth import generate


def population(households: int, seed: int) -> pl.DataFrame:
    """Persons of `households` synthetic households, with their commune and region."""
    blocks = list(generate(households=households, seed=seed))
    persons = pl.concat([block.persons for block in blocks])
    homes = pl.concat([block.households for block in blocks])
    return persons.join(
        homes.select("household_id", "commune_code", "region_code"),
        on="household_id",
        maintain_order="left",
    )


@pytest.fixture(scope="session")
def persons() -> pl.DataFrame:
    """About 4,000 persons."""
    return population(1_000, seed=7)


@pytest.fixture(scope="session")
def labelled(persons: pl.DataFrame) -> pl.DataFrame:
    """The persons and 5% injected duplicates (about 200 true pairs)."""
    return inject_duplicates(persons, rate=0.05, seed=7)
