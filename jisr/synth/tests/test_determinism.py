"""Same seed, same files; another seed, other data; a run is a prefix of any longer run."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jisr.synth import Format, write
from jisr.synth.tests.conftest import collect_population


def _bytes(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_same_seed_gives_byte_identical_files(tmp_path: Path, fmt: Format) -> None:
    first = write(tmp_path / "a", households=2_500, seed=11, fmt=fmt, block_households=1_000)
    second = write(tmp_path / "b", households=2_500, seed=11, fmt=fmt, block_households=1_000)
    assert first.households == second.households == 2_500
    assert first.persons == second.persons
    assert {path.name for path in first.files} == {
        f"households.{fmt}",
        f"persons.{fmt}",
        "communes.csv",
    }
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_different_seeds_give_different_data(tmp_path: Path) -> None:
    write(tmp_path / "a", households=500, seed=1)
    write(tmp_path / "b", households=500, seed=2)
    for name in ("households.parquet", "persons.parquet", "communes.csv"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()


def test_files_hold_what_generate_yields(tmp_path: Path) -> None:
    write(tmp_path, households=700, seed=5, block_households=300)
    households, persons = collect_population(700, 5, block_households=300)
    assert_frame_equal(pl.read_parquet(tmp_path / "households.parquet"), households)
    assert_frame_equal(pl.read_parquet(tmp_path / "persons.parquet"), persons)
    from_csv = pl.read_csv(tmp_path / "communes.csv", infer_schema=False)
    assert from_csv.columns[0] == "code"


def test_csv_round_trip(tmp_path: Path) -> None:
    write(tmp_path, households=300, seed=5, fmt="csv")
    households, persons = collect_population(300, 5)
    read = pl.read_csv(
        tmp_path / "persons.csv", schema=persons.schema, null_values=[""], try_parse_dates=True
    )
    assert_frame_equal(read, persons)
    assert pl.read_csv(tmp_path / "households.csv", schema=households.schema).height == 300


def test_prefix_stable_and_independent_of_block_size() -> None:
    long_households, long_persons = collect_population(1_200, 9, block_households=500)
    short_households, short_persons = collect_population(450, 9, block_households=128)
    assert_frame_equal(long_households.head(450), short_households)
    assert_frame_equal(long_persons.head(short_persons.height), short_persons)
    whole_households, whole_persons = collect_population(1_200, 9, block_households=4_096)
    assert_frame_equal(long_households, whole_households)
    assert_frame_equal(long_persons, whole_persons)
