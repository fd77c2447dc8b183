"""Benchmark: the whole Kingdom (9,275,038 households, RGPH 2024) to Parquet with `jisr.synth`.

    .venv/bin/python bench/synth_national.py [--households N] [--out DIR] [--seed S]

Targets: under 300 s and under 12 GB peak memory on the 2-core reference machine. The generation
runs in a child process (`python -m jisr.synth`) whose wall time and peak RSS are measured
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss). Baseline, measured in the same run: a bare
pyarrow Parquet write of the same number of rows, with the same schemas, row groups and
compression, filled with trivial data — the I/O floor that no generator can beat.
"""

from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from jisr.reference import CENSUS_2024
from jisr.synth import BLOCK_HOUSEHOLDS
from jisr.synth.schema import HOUSEHOLD_SCHEMA, PERSON_SCHEMA

TARGET_SECONDS = 300.0
TARGET_PEAK_BYTES = 12 * 1024**3


def _trivial_table(schema: pa.Schema, rows: int) -> pa.Table:
    """`rows` rows of `schema`: zeros, false, and one short string per column."""
    columns = []
    for field in schema:
        if pa.types.is_dictionary(field.type):
            indices = pa.array(np.zeros(rows, dtype=field.type.index_type.to_pandas_dtype()))
            columns.append(pa.DictionaryArray.from_arrays(indices, pa.array(["x"])))
        elif pa.types.is_string(field.type):
            offsets = np.arange(0, 8 * (rows + 1), 8, dtype=np.int32)
            data = np.full(8 * rows, ord("0"), dtype=np.uint8)
            columns.append(
                pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data))
            )
        elif pa.types.is_boolean(field.type):
            columns.append(pa.array(np.zeros(rows, dtype=np.bool_)))
        elif pa.types.is_date32(field.type):
            columns.append(pa.array(np.zeros(rows, dtype=np.int32), type=pa.date32()))
        else:
            columns.append(pa.array(np.zeros(rows, dtype=field.type.to_pandas_dtype())))
    return pa.Table.from_arrays(columns, schema=schema)


def write_floor(out: Path, households: int, persons: int) -> None:
    """The baseline: write trivial tables with the generator's schemas and block layout."""
    blocks = max(1, math.ceil(households / BLOCK_HOUSEHOLDS))
    for name, schema, rows in (
        ("households", HOUSEHOLD_SCHEMA, households),
        ("persons", PERSON_SCHEMA, persons),
    ):
        per_block = math.ceil(rows / blocks)
        table = _trivial_table(schema, per_block)
        with pq.ParquetWriter(
            out / f"{name}.parquet", schema, compression="zstd", store_schema=False
        ) as writer:
            for start in range(0, rows, per_block):
                part = table.slice(0, min(per_block, rows - start))
                writer.write_table(part, row_group_size=part.num_rows)


def _run_child(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _ratio(value: float, target: float) -> str:
    return f"{value / target:.2f} of target"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=CENSUS_2024.households)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--out", type=Path, help="keep the files here (default: a temporary folder)"
    )
    parser.add_argument(
        "--floor-only", nargs=3, metavar=("DIR", "HOUSEHOLDS", "PERSONS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.floor_only:
        write_floor(Path(args.floor_only[0]), int(args.floor_only[1]), int(args.floor_only[2]))
        return 0
    with tempfile.TemporaryDirectory(prefix="jisr-synth-bench-") as scratch:
        out = args.out or Path(scratch) / "synth"
        python = sys.executable
        seconds = _run_child(
            [
                python,
                "-m",
                "jisr.synth",
                "--households",
                str(args.households),
                "--seed",
                str(args.seed),
                "--out",
                str(out),
            ]
        )
        # ru_maxrss is in KiB on Linux; it is the largest of the children waited for so far, so it
        # is read before the baseline child runs.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        persons = pq.ParquetFile(out / "persons.parquet").metadata.num_rows
        households = pq.ParquetFile(out / "households.parquet").metadata.num_rows
        floor_dir = Path(scratch) / "floor"
        floor_dir.mkdir()
        floor = _run_child(
            [python, __file__, "--floor-only", str(floor_dir), str(households), str(persons)]
        )
        size = sum(f.stat().st_size for f in out.iterdir())
    print(f"jisr.synth national benchmark: {households:,} households, {persons:,} persons")
    print(f"  seconds        {seconds:10.1f}   ({_ratio(seconds, TARGET_SECONDS)}: 300 s)")
    # The rates needed to write this many rows within the time target.
    household_rate, person_rate = households / TARGET_SECONDS, persons / TARGET_SECONDS
    print(f"  households/s   {households / seconds:10,.0f}   (target {household_rate:,.0f}/s: "
          f"{households / seconds / household_rate:.1f}x)")  # fmt: skip
    print(f"  persons/s      {persons / seconds:10,.0f}   (target {person_rate:,.0f}/s: "
          f"{persons / seconds / person_rate:.1f}x)")  # fmt: skip
    print(f"  peak RSS       {peak / 1024**3:10.2f} GB ({_ratio(peak, TARGET_PEAK_BYTES)}: 12 GB)")
    print(f"  output size    {size / 1024**3:10.2f} GB")
    print(f"  parquet floor  {floor:10.1f} s    (synth / floor = {seconds / floor:.1f}x)")
    return 0 if seconds <= TARGET_SECONDS and peak <= TARGET_PEAK_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
