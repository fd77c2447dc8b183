"""Fixtures for the rules' tests (pure: no database)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from jisr.synth.population import write as synth_write


@pytest.fixture(scope="session")
def small_population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 synthetic households (Parquet) with a given index, spread around the thresholds."""
    directory = tmp_path_factory.mktemp("population")
    synth_write(directory, 300, 11, "parquet")
    households = pl.read_parquet(directory / "households.parquet")
    index = np.random.default_rng(3).normal(9.7, 0.45, households.height)
    households.with_columns(index=pl.Series(index)).write_parquet(directory / "households.parquet")
    return directory
