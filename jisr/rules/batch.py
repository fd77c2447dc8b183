"""Batch runs: every household of a population for one month, locally or on Dask distributed.

The same pure function (`compute`) answers one partition or the whole population; the Dask backend
partitions households (with their members) by household, computes each partition on a worker and
gathers the results in the population's order, so both backends give identical frames.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from jisr.rules.engine import Simulation, grouped_rows
from jisr.rules.params import Parameters
from jisr.rules.periods import Month
from jisr.rules.population import read_directory
from jisr.rules.variables import build

PART_HOUSEHOLDS = 1_000_000
# What a batch run writes per household (and the programmes app stores as decisions).
RESULTS = (
    "index",
    "asd_eligible",
    "asd_children",
    "asd_monthly_amount",
    "asd_birth_grant",
    "asd_school_grant",
    "asd_total",
    "amo_tadamon_eligible",
    "amo_achamil_eligible",
    "amo_achamil_contribution",
    "formal_family_allowances",
    "cnss_family_allowances",
)


@functools.cache
def _packaged_parameters() -> Parameters:
    """Parsed once per process (a worker computes many partitions): the YAML takes as long as
    some formulas on a million households. Read only: a reform is applied to a copy."""
    return Parameters.load()


def compute(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    month: str,
    reform: Mapping[str, Any] | None = None,
    variables: Sequence[str] = RESULTS,
) -> pl.DataFrame:
    """One row per household: `household_id` and `variables` (amounts in centimes)."""
    parameters = _packaged_parameters()
    if reform:
        parameters = parameters.with_reform(reform)
    simulation = Simulation(
        build(), parameters, Month.parse(month), households, persons, person_ids=False
    )
    return simulation.calculate(variables)


def run(
    directory: Path,
    month: str,
    *,
    reform: Mapping[str, Any] | None = None,
    variables: Sequence[str] = RESULTS,
    workers: int = 0,
    scheduler: str | None = None,
) -> pl.DataFrame:
    """The whole population of `directory`; on Dask when `workers` > 0 or a scheduler is given."""
    households, persons = read_directory(directory, person_ids=False)
    if workers <= 0 and not scheduler:
        # In parts of at most PART_HOUSEHOLDS: the working columns of one part at a time, so the
        # memory stays near the size of the inputs (36 M persons would otherwise need ~3× more).
        parts = partitions(households, persons, -(-households.height // PART_HOUSEHOLDS))
        del households, persons
        return pl.concat([compute(h, p, month, reform, variables) for h, p in parts])
    return run_dask(households, persons, month, reform, variables, workers, scheduler)


def partitions(
    households: pl.DataFrame, persons: pl.DataFrame, parts: int
) -> list[tuple[pl.DataFrame, pl.DataFrame]]:
    """Contiguous slices of households, each with its members (whatever the persons' order;
    zero-copy slices when the persons come grouped by household in the households' order)."""
    size = -(-households.height // max(parts, 1))
    rows = grouped_rows(households["household_id"], persons["household_id"])
    if rows is not None:
        bounds = np.searchsorted(rows.to_numpy(), np.arange(0, households.height + size, size))
        return [
            (households.slice(number * size, size),
             persons.slice(int(bounds[number]), int(bounds[number + 1] - bounds[number])))
            for number in range(len(bounds) - 1)
            if number * size < households.height
        ]  # fmt: skip
    numbered = households.select("household_id").with_row_index("_part")
    part_of = numbered.with_columns((pl.col("_part") // max(size, 1)).alias("_part"))
    tagged = persons.join(part_of, on="household_id", how="left", maintain_order="left")
    out = []
    for number in range(max(parts, 1)):
        chunk = households.slice(number * size, size)
        if chunk.height:
            members = tagged.filter(pl.col("_part") == number).drop("_part")
            out.append((chunk, members))
    return out


def run_dask(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    month: str,
    reform: Mapping[str, Any] | None,
    variables: Sequence[str],
    workers: int,
    scheduler: str | None,
) -> pl.DataFrame:
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)  # type: ignore[no-untyped-call]
    else:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        parts = partitions(households, persons, max(workers, 1) * 4)
        futures = [
            client.submit(compute, h, p, month, reform, tuple(variables), pure=False)
            for h, p in parts
        ]
        results: list[pl.DataFrame] = client.gather(futures)  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()
    return pl.concat(results)
