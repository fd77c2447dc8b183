"""Generate the synthetic population block by block, in memory or into files.

Households are generated in blocks of `block_households` (default BLOCK_HOUSEHOLDS = 2**18 =
262,144 households, about a million persons): each block is drawn, written and dropped, so memory
stays bounded whatever the size of the run. Every value is a function of (seed, household index),
so the content does not depend on the block size, and the first N households of a larger run are
a run of N (prefix-stable). Files are byte-identical for the same seed, number of households,
format, `as_of` and block size (the block size sets the Parquet row groups).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from jisr.reference import CENSUS_2024, regions
from jisr.synth import geography
from jisr.synth._block import attach_cnie, context, draw_block
from jisr.synth._ids import MAX_HOUSEHOLDS
from jisr.synth.schema import HOUSEHOLD_SCHEMA, PERSON_SCHEMA, file_schema

BLOCK_HOUSEHOLDS = 2**18
DEFAULT_AS_OF = date.fromisoformat(CENSUS_2024.reference_day)  # RGPH 2024 reference day
Format = Literal["parquet", "csv"]
FORMATS: tuple[Format, ...] = ("parquet", "csv")
Progress = Callable[[int, int], None]  # (households done, households in the run)


@dataclass(frozen=True)
class Block:
    """One block of the population as Polars frames (dictionary columns decoded to strings)."""

    index: int
    first_household: int  # global index of the block's first household
    households: pl.DataFrame
    persons: pl.DataFrame


@dataclass(frozen=True)
class Summary:
    households: int
    persons: int
    seconds: float
    files: tuple[Path, ...]

    @property
    def households_per_second(self) -> float:
        return self.households / self.seconds if self.seconds > 0 else float("inf")


def _check(households: int, block_households: int) -> None:
    if not 0 <= households <= MAX_HOUSEHOLDS:
        raise ValueError(f"households must be between 0 and {MAX_HOUSEHOLDS}, not {households}")
    if block_households < 1:
        raise ValueError(f"block_households must be positive, not {block_households}")


def arrow_blocks(
    households: int,
    seed: int,
    as_of: date = DEFAULT_AS_OF,
    *,
    block_households: int = BLOCK_HOUSEHOLDS,
) -> Iterator[tuple[pa.Table, pa.Table]]:
    """(households, persons) Arrow tables per block, in household order, CNIE numbers attached."""
    _check(households, block_households)  # now, not at the first iteration
    return _arrow_blocks(households, seed, as_of, block_households)


def _arrow_blocks(
    households: int, seed: int, as_of: date, block_households: int
) -> Iterator[tuple[pa.Table, pa.Table]]:
    ctx = context(seed, as_of)
    issued = np.zeros(len(regions()), dtype=np.int64)
    for first in range(0, households, block_households):
        drawn = draw_block(ctx, first, min(block_households, households - first))
        yield drawn.households, attach_cnie(drawn, issued)


def _decoded(table: pa.Table) -> pl.DataFrame:
    return pl.DataFrame(table.cast(file_schema(table.schema)))


def generate(
    households: int,
    seed: int,
    as_of: date = DEFAULT_AS_OF,
    *,
    block_households: int = BLOCK_HOUSEHOLDS,
) -> Iterator[Block]:
    """The population of `households` households for `seed`, as blocks of Polars frames."""
    tables = arrow_blocks(households, seed, as_of, block_households=block_households)
    return (
        Block(
            index=index,
            first_household=index * block_households,
            households=_decoded(household_table),
            persons=_decoded(person_table),
        )
        for index, (household_table, person_table) in enumerate(tables)
    )


def communes(seed: int) -> pl.DataFrame:
    """The synthetic geography of `seed` (the content of communes.csv)."""
    return pl.read_csv(
        geography.communes_csv(seed).encode(),
        schema_overrides={"code": pl.String, "province_code": pl.String, "region_code": pl.String},
    )


class _TableWriter:
    """Append-only writer of one table to Parquet (zstd, one row group per block) or CSV."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: Format) -> None:
        self._parquet: pq.ParquetWriter | None = None
        self._csv: pa_csv.CSVWriter | None = None
        if fmt == "parquet":
            self._parquet = pq.ParquetWriter(path, schema, compression="zstd", store_schema=False)
        else:
            options = pa_csv.WriteOptions(quoting_style="needed")
            self._csv = pa_csv.CSVWriter(path, schema, write_options=options)

    def write(self, table: pa.Table) -> None:
        if self._parquet is not None:
            self._parquet.write_table(table, row_group_size=table.num_rows or None)
        elif self._csv is not None:
            self._csv.write_table(table)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._csv is not None:
            self._csv.close()


def _write_block(
    writers: tuple[_TableWriter, _TableWriter], households: pa.Table, persons: pa.Table
) -> None:
    writers[0].write(households)
    writers[1].write(persons)


def write(
    out_dir: str | Path,
    households: int,
    seed: int,
    fmt: Format = "parquet",
    as_of: date = DEFAULT_AS_OF,
    progress: Progress | None = None,
    *,
    block_households: int = BLOCK_HOUSEHOLDS,
) -> Summary:
    """Write households.<ext>, persons.<ext> and communes.csv into `out_dir`."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    _check(households, block_households)
    started = time.perf_counter()
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths = (
        directory / f"households.{fmt}",
        directory / f"persons.{fmt}",
        directory / "communes.csv",
    )
    geography.write_communes(paths[2], seed)
    writers = (
        _TableWriter(paths[0], HOUSEHOLD_SCHEMA, fmt),
        _TableWriter(paths[1], PERSON_SCHEMA, fmt),
    )
    persons = done = 0
    # A single writer thread encodes and writes block k while block k + 1 is drawn: Arrow releases
    # the GIL, so the two overlap on the second core; block order (and the bytes) are unchanged.
    pending: Future[None] | None = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="synth-writer") as pool:
            for household_table, person_table in arrow_blocks(
                households, seed, as_of, block_households=block_households
            ):
                if pending is not None:
                    pending.result()
                    if progress is not None:
                        progress(done, households)
                pending = pool.submit(_write_block, writers, household_table, person_table)
                done += household_table.num_rows
                persons += person_table.num_rows
            if pending is not None:
                pending.result()
                if progress is not None:
                    progress(done, households)
    finally:
        for writer in writers:
            writer.close()
    return Summary(
        households=done, persons=persons, seconds=time.perf_counter() - started, files=paths
    )
