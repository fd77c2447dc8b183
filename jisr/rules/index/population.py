"""Read a population directory (households and persons, Parquet or CSV: docs/formats.md).

Only the columns the index needs are read (and `latent_consumption_pc` when the truth is asked
for, to calibrate or evaluate). Any problem with a file — missing, ambiguous, unreadable, a missing
column — is a `PopulationError` naming the file and the column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from jisr.rules.index._composition import PERSON_COLUMNS
from jisr.rules.index.calibrate import TARGET
from jisr.rules.index.errors import PopulationError
from jisr.rules.index.features import ASSETS, HOUSEHOLD_COLUMNS, NUMBERS

# Types of the columns read from CSV (Parquet files carry their own).
_CSV_TYPES: dict[str, pl.DataType] = {
    **{column: pl.String() for column in ("household_id", "region_code", "milieu")},
    **{column: pl.Int64() for column in NUMBERS},
    **{column: pl.Boolean() for column in ASSETS},
    TARGET: pl.Int64(),
    "relationship": pl.String(),
    "sex": pl.String(),
    "birth_date": pl.Date(),
    "disability": pl.Boolean(),
}


@dataclass(frozen=True)
class Population:
    households: pl.DataFrame
    persons: pl.DataFrame
    directory: Path


def _file(directory: Path, table: str) -> Path:
    found = [directory / f"{table}.{ext}" for ext in ("parquet", "csv")]
    found = [path for path in found if path.is_file()]
    if not found:
        raise PopulationError(f"{directory}: no {table}.parquet or {table}.csv")
    if len(found) > 1:
        raise PopulationError(f"{directory}: both {found[0].name} and {found[1].name}; keep one")
    return found[0]


def _read(path: Path, columns: Sequence[str]) -> pl.DataFrame:
    try:
        if path.suffix == ".parquet":
            present = pl.read_parquet_schema(path)
        else:
            present = pl.read_csv(path, n_rows=0, infer_schema=False).schema
    except (OSError, pl.exceptions.PolarsError) as error:
        raise PopulationError(f"{path}: cannot read the file ({error})") from error
    missing = [column for column in columns if column not in present]
    if missing:
        raise PopulationError(f"{path}: missing column(s) {', '.join(missing)}")
    try:
        if path.suffix == ".parquet":
            return pl.read_parquet(path, columns=list(columns))
        return pl.read_csv(
            path,
            columns=list(columns),
            schema_overrides={column: _CSV_TYPES.get(column, pl.String()) for column in columns},
        )
    except (OSError, pl.exceptions.PolarsError) as error:
        raise PopulationError(f"{path}: cannot read the file ({error})") from error


def read_population(directory: Path, *, truth: bool = False) -> Population:
    """The households (with `latent_consumption_pc` if `truth`) and persons of `directory`."""
    if not directory.is_dir():
        raise PopulationError(f"{directory}: no such directory")
    household_columns = [*HOUSEHOLD_COLUMNS, *([TARGET] if truth else [])]
    households = _read(_file(directory, "households"), household_columns)
    persons = _read(_file(directory, "persons"), PERSON_COLUMNS)
    if households.height == 0:
        raise PopulationError(f"{directory}: the households file has no rows")
    return Population(households=households, persons=persons, directory=directory)
