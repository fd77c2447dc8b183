"""Batch runs: partitions and the Dask backend give exactly the local results."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from jisr.rules import batch
from jisr.rules.population import read_directory


def test_partitions_keep_every_household_with_its_members(small_population: Path) -> None:
    households, persons = read_directory(small_population)
    parts = batch.partitions(households, persons, 7)
    assert sum(h.height for h, _ in parts) == households.height
    assert sum(p.height for _, p in parts) == persons.height
    for h, p in parts:
        assert set(p["household_id"]) <= set(h["household_id"])


def test_partitioned_results_equal_the_whole(small_population: Path) -> None:
    households, persons = read_directory(small_population)
    whole = batch.compute(households, persons, "2026-09")
    pieces = pl.concat(
        [batch.compute(h, p, "2026-09") for h, p in batch.partitions(households, persons, 5)]
    )
    assert_frame_equal(pieces, whole)


def test_dask_local_cluster_gives_identical_results(small_population: Path) -> None:
    local = batch.run(small_population, "2026-09")
    distributed = batch.run(small_population, "2026-09", workers=2)
    assert_frame_equal(distributed, local)
    assert local["asd_school_grant"].sum() > 0  # September: the school grant is in the comparison
