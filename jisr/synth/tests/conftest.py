"""One synthetic population of 200,000 households, generated once per test session (~3 s)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import pytest

from jisr.synth import BLOCK_HOUSEHOLDS, DEFAULT_AS_OF, communes, generate

SAMPLE_HOUSEHOLDS = 200_000
SAMPLE_SEED = 20_240_901


def completed_years(birth: pl.Expr, as_of: date) -> pl.Expr:
    """Age in completed years at `as_of`, computed independently of the generator."""
    before_birthday = (birth.dt.month() > as_of.month) | (
        (birth.dt.month() == as_of.month) & (birth.dt.day() > as_of.day)
    )
    return (pl.lit(as_of.year) - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64)


@dataclass(frozen=True)
class Population:
    households: pl.DataFrame
    persons: pl.DataFrame  # with `age` and the household's milieu, region_code, size
    communes: pl.DataFrame


def collect_population(
    households: int, seed: int, block_households: int = BLOCK_HOUSEHOLDS
) -> tuple[pl.DataFrame, pl.DataFrame]:
    blocks = list(generate(households, seed, block_households=block_households))
    if not blocks:
        return pl.DataFrame(), pl.DataFrame()
    return (
        pl.concat([block.households for block in blocks]),
        pl.concat([block.persons for block in blocks]),
    )


@pytest.fixture(scope="session")
def population() -> Population:
    households, persons = collect_population(SAMPLE_HOUSEHOLDS, SAMPLE_SEED)
    persons = persons.with_columns(age=completed_years(pl.col("birth_date"), DEFAULT_AS_OF)).join(
        households.select("household_id", "milieu", "region_code", "size"),
        on="household_id",
        how="left",
        maintain_order="left",
    )
    return Population(households=households, persons=persons, communes=communes(SAMPLE_SEED))


@pytest.fixture(scope="session")
def heads(population: Population) -> pl.DataFrame:
    return population.persons.filter(pl.col("relationship") == "head")
