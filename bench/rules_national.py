"""Benchmark: the whole Kingdom through the rules engine — index + ASD + AMO for one month.

    .venv/bin/python bench/rules_national.py [--households N] [--month YYYY-MM] [--population DIR]

Target (issue #4): 9.3 M households / 36 M persons (`jisr synth`, the census size) in under 60 s
wall and under 10 GB peak memory on the 2-core reference machine. The population is generated once
with `jisr synth` (Parquet, not timed; `--population DIR` reuses one). Timed: reading the Parquet
files, then the index (illustrative model; no index is given), ASD, AMO Tadamon and Achamil and the
CNSS family allowances for every household, as `jisr rules run` does. Baseline, same run: reading
the persons and one Polars group-by per household (the floor of any per-household computation).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

NATIONAL = 9_275_038
TARGET_SECONDS, TARGET_GB = 60.0, 10.0


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=NATIONAL)
    parser.add_argument("--month", default="2026-09")
    parser.add_argument("--population", type=Path, help="reuse a `jisr synth` directory")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    from jisr.rules import batch
    from jisr.rules.population import read_directory

    directory = args.population
    if directory is None:  # generated in another process: this one's peak memory is the run's
        directory = Path(tempfile.mkdtemp(prefix="jisr-bench-rules-"))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "jisr.synth", "--households", str(args.households),
             "--seed", str(args.seed), "--out", str(directory), "--format", "parquet"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"population generated in {time.perf_counter() - started:.1f} s: {directory}")

    started = time.perf_counter()
    persons = pl.read_parquet(directory / "persons.parquet", columns=["household_id", "sex"])
    floor = persons.group_by("household_id").agg(pl.len()).height
    floor_seconds = time.perf_counter() - started
    del persons

    started = time.perf_counter()
    households, persons = read_directory(directory, person_ids=False)  # as batch.run reads
    read_seconds = time.perf_counter() - started
    people = persons.height
    del households, persons
    started = time.perf_counter()
    results = batch.run(directory, args.month)  # reads again: the timed run is the whole command
    seconds = time.perf_counter() - started
    peak = peak_gb()

    eligible = int(results["asd_eligible"].sum())
    print(f"households {results.height:,} (floor counted {floor:,}), persons {people:,}")
    print(f"ASD eligible {eligible:,} ({eligible / results.height:.1%}), "
          f"{int(results['asd_total'].sum()) / 100:,.0f} MAD in {args.month}; "
          f"AMO Tadamon {int(results['amo_tadamon_eligible'].sum()):,}")  # fmt: skip
    print(f"read Parquet          : {read_seconds:7.1f} s")
    print(f"read + index + ASD + AMO: {seconds:7.1f} s  (target < {TARGET_SECONDS:.0f} s)")
    print(f"peak memory           : {peak:7.2f} GB (target < {TARGET_GB:.0f} GB)")
    ratio = seconds / floor_seconds
    print(f"baseline (read + group-by floor): {floor_seconds:7.1f} s; ratio {ratio:.1f}×")
    return 0 if seconds < TARGET_SECONDS and peak < TARGET_GB else 1


if __name__ == "__main__":
    sys.exit(main())
