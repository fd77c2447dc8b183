"""Invariants that hold for any small run, whatever the seed and the block size."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from jisr.core.identifiers import CNIE_PATTERN, is_valid_rnp_id, is_valid_rsu_id
from jisr.synth import DEFAULT_AS_OF, communes
from jisr.synth.tests.conftest import collect_population, completed_years


@settings(max_examples=30, deadline=None)
@given(
    households=st.integers(min_value=1, max_value=300),
    seed=st.integers(min_value=-(2**40), max_value=2**63),
    block=st.integers(min_value=32, max_value=400),
)
def test_small_runs_are_consistent(households: int, seed: int, block: int) -> None:
    homes, persons = collect_population(households, seed, block_households=block)
    assert homes.height == households
    members = persons.group_by("household_id").agg(
        pl.len().alias("members"), (pl.col("relationship") == "head").sum().alias("heads")
    )
    checked = homes.join(members, on="household_id", how="left")
    assert (checked["members"] == checked["size"]).all()
    assert (checked["heads"] == 1).all()
    assert all(is_valid_rsu_id(value) for value in homes["household_id"])
    assert all(is_valid_rnp_id(value) for value in persons["person_id"])
    assert homes["household_id"].is_unique().all()
    assert persons["person_id"].is_unique().all()
    ages = persons.select(completed_years(pl.col("birth_date"), DEFAULT_AS_OF).alias("age"))["age"]
    holders = persons.filter(pl.col("cnie").is_not_null())
    assert (ages.filter(persons["cnie"].is_not_null()) >= 18).all()
    assert all(CNIE_PATTERN.fullmatch(value) for value in holders["cnie"])
    assert holders["cnie"].is_unique().all()
    assert homes["commune_code"].is_in(communes(seed)["code"].implode()).all()
