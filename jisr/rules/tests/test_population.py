"""Reading a population directory: codes as Enums, unknown codes refused by name, and the engine
giving the same results on Enum, Categorical and String columns."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jisr.rules import batch
from jisr.rules.population import (
    HOUSEHOLD_CODES,
    PERSON_CODES,
    InputError,
    read_directory,
)


def test_codes_are_read_as_enums_of_their_values(small_population: Path) -> None:
    households, persons = read_directory(small_population)
    for frame, codes in ((households, HOUSEHOLD_CODES), (persons, PERSON_CODES)):
        for name, values in codes.items():
            assert frame.schema[name] == pl.Enum(values), name
    assert persons["school_level"].null_count() == 0  # "" for those not in school
    assert (persons.filter(~pl.col("in_school"))["school_level"] == "").all()


def test_categorical_files_are_read_as_enums_too(small_population: Path, tmp_path: Path) -> None:
    categorical = pl.col("relationship", "sex").cast(pl.Categorical)
    directory = _copy_with(small_population, tmp_path / "cat", "persons", categorical, "parquet")
    assert pl.read_parquet_schema(directory / "persons.parquet")["sex"] == pl.Categorical
    _, persons = read_directory(directory)
    _, expected = read_directory(small_population)
    assert persons.schema == expected.schema
    assert persons.equals(expected)


def test_batches_can_leave_the_person_ids_unread(small_population: Path) -> None:
    _, with_ids = read_directory(small_population)
    _, without = read_directory(small_population, person_ids=False)
    assert "person_id" in with_ids.columns
    assert without.columns == [c for c in with_ids.columns if c != "person_id"]


def _copy_with(source: Path, target: Path, stem: str, change: pl.Expr, fmt: str) -> Path:
    target.mkdir()
    for path in source.glob("*.parquet"):
        shutil.copy(path, target)
    frame = pl.read_parquet(source / f"{stem}.parquet").with_columns(change)
    (target / f"{stem}.parquet").unlink()
    if fmt == "csv":
        frame.write_csv(target / f"{stem}.csv")
    else:
        frame.write_parquet(target / f"{stem}.parquet")
    return target


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_an_unknown_person_code_is_refused_with_its_column_and_value(
    small_population: Path, tmp_path: Path, fmt: str
) -> None:
    first_child = pl.int_range(pl.len()) == pl.arg_where(pl.col("relationship") == "child").first()
    change = pl.when(first_child).then(pl.lit("cousin")).otherwise(pl.col("relationship"))
    directory = _copy_with(
        small_population, tmp_path / "p", "persons", change.alias("relationship"), fmt
    )
    with pytest.raises(InputError, match=r"unknown value\(s\) 'cousin'") as refused:
        read_directory(directory)
    assert refused.value.field == "persons.relationship"


def test_an_unknown_household_code_is_refused(small_population: Path, tmp_path: Path) -> None:
    change = pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("igloo")).otherwise("housing_type")
    directory = _copy_with(
        small_population, tmp_path / "h", "households", change.alias("housing_type"), "parquet"
    )
    with pytest.raises(InputError, match="'igloo'; expected one of modern_house") as refused:
        read_directory(directory)
    assert refused.value.field == "households.housing_type"


def test_csv_codes_stay_text(small_population: Path, tmp_path: Path) -> None:
    directory = _copy_with(small_population, tmp_path / "c", "households", pl.col("size"), "csv")
    households, _ = read_directory(directory)
    assert set(households["region_code"].cast(pl.String)) <= {f"{n:02d}" for n in range(1, 13)}


def _recoded(frame: pl.DataFrame, dtype: pl.DataType | None) -> pl.DataFrame:
    coded = [name for name, type_ in frame.schema.items() if isinstance(type_, pl.Enum)]
    return frame.with_columns(pl.col(coded).cast(dtype)) if dtype else frame


@pytest.mark.parametrize("month", ["2026-03", "2026-09"])
@pytest.mark.parametrize("with_index", [True, False])
def test_enum_categorical_and_string_codes_give_the_same_results(
    small_population: Path, month: str, with_index: bool
) -> None:
    households, persons = read_directory(small_population)
    if not with_index:  # the index model reads the households' codes
        households = households.drop("index")
    enum, categorical, string = (
        batch.compute(_recoded(households, dtype), _recoded(persons, dtype), month)
        for dtype in (None, pl.Categorical(), pl.String())
    )
    assert enum["asd_eligible"].sum() > 0
    assert_frame_equal(categorical, enum)
    assert_frame_equal(string, enum)
