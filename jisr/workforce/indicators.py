"""The social workforce's indicators, by region and nationally. PURE: Polars only, no Django.

Inputs are whole columns (one row per accredited worker), so the same function serves a region
of ten workers and the national workforce (~35,000 social workers in 2024, CESE); definitions in
docs/workforce.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

NATIONAL = "national"
PER_INHABITANTS = 100_000
# Open cases per worker: the bands of the caseload distribution (lower bounds; the last is open).
CASELOAD_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("caseload_under_10", 0, 9),
    ("caseload_10_19", 10, 19),
    ("caseload_20_29", 20, 29),
    ("caseload_30_plus", 30, None),
)
WORKERS_SCHEMA: dict[str, pl.DataType] = {
    "user_id": pl.Int64(),
    "region": pl.String(),
    "supervisor_id": pl.Int64(),
    "training_hours": pl.Float64(),
}
REGIONS_SCHEMA: dict[str, pl.DataType] = {"region": pl.String(), "population": pl.Int64()}
OpenCases = Mapping[int, int] | Callable[[], Mapping[int, int]]


def _open_cases_frame(open_cases: OpenCases) -> pl.DataFrame:
    counts = open_cases() if callable(open_cases) else open_cases
    return pl.DataFrame(
        {"user_id": list(counts.keys()), "open_cases": list(counts.values())},
        schema={"user_id": pl.Int64, "open_cases": pl.Int64},
    )


def _band(name: str, low: int, high: int | None) -> pl.Expr:
    cases = pl.col("open_cases")
    inside = cases >= low if high is None else cases.is_between(low, high)
    return inside.sum().cast(pl.Int64).alias(name)


def _aggregates() -> list[pl.Expr]:
    return [
        pl.len().cast(pl.Int64).alias("accredited_workers"),
        pl.col("supervisor_id").drop_nulls().n_unique().cast(pl.Int64).alias("supervisors"),
        pl.col("supervisor_id").is_null().sum().cast(pl.Int64).alias("unsupervised_workers"),
        pl.col("training_hours").sum().cast(pl.Float64).alias("training_hours"),
        *(_band(name, low, high) for name, low, high in CASELOAD_BANDS),
    ]


def _ratio(numerator: str, denominator: str, scale: int, digits: int) -> pl.Expr:
    return (
        pl.when(pl.col(denominator) > 0)
        .then((pl.col(numerator) * scale / pl.col(denominator)).round(digits))
        .otherwise(None)
    )


def indicators_compute(
    *, workers: pl.DataFrame, regions: pl.DataFrame, open_cases: OpenCases
) -> pl.DataFrame:
    """One row per region (every region, in the order given) then one `national` row.

    `workers`: one row per accredited worker (`WORKERS_SCHEMA`: user, region of practice,
    supervisor or null, training hours in the year). `regions`: census population by region.
    `open_cases`: open cases per user id (or a callable returning them); absent users have 0.

    Columns: population, accredited_workers, workers_per_100k (2 decimals), supervisors (distinct
    supervisors of those workers), unsupervised_workers, workers_per_supervisor (1 decimal: the
    supervisor : worker ratio is 1 : this), training_hours and training_hours_per_worker
    (1 decimal), and the caseload distribution `caseload_under_10` … `caseload_30_plus`.
    A ratio whose denominator is 0 is null.
    """
    counted = (
        workers.select(list(WORKERS_SCHEMA))
        .cast(WORKERS_SCHEMA)  # type: ignore[arg-type]
        .join(_open_cases_frame(open_cases), on="user_id", how="left")
        .with_columns(pl.col("open_cases").fill_null(0), pl.col("training_hours").fill_null(0.0))
    )
    population = regions.select(list(REGIONS_SCHEMA)).cast(REGIONS_SCHEMA)  # type: ignore[arg-type]
    by_region = counted.group_by("region").agg(_aggregates())
    regional = population.join(by_region, on="region", how="left", maintain_order="left")
    national = counted.select(_aggregates()).with_columns(
        pl.lit(NATIONAL).alias("region"),
        pl.lit(int(population["population"].sum()), dtype=pl.Int64).alias("population"),
    )
    table = pl.concat([regional, national.select(regional.columns)], how="vertical")
    counts = [c for c in table.columns if c not in ("region", "population", "training_hours")]
    table = table.with_columns(
        pl.col(counts).fill_null(0), pl.col("training_hours").fill_null(0.0).round(1)
    )
    return table.with_columns(
        _ratio("accredited_workers", "population", PER_INHABITANTS, 2).alias("workers_per_100k"),
        _ratio("accredited_workers", "supervisors", 1, 1).alias("workers_per_supervisor"),
        _ratio("training_hours", "accredited_workers", 1, 1).alias("training_hours_per_worker"),
    ).select(
        "region",
        "population",
        "accredited_workers",
        "workers_per_100k",
        "supervisors",
        "unsupervised_workers",
        "workers_per_supervisor",
        "training_hours",
        "training_hours_per_worker",
        *(name for name, _low, _high in CASELOAD_BANDS),
    )
