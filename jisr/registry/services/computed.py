"""What the rules engine computed back into the registry: the socio-economic index (value, model,
when) and the end of the "needs recomputation" flag.

Not part of the household history: the index is derived data, recomputed whenever the declared
data change; each eligibility decision keeps the index it used.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from jisr.core import bulk

TABLE = "registry_household"


def computed_record(*, values: pl.DataFrame, model: str, snapshot_at: dt.datetime) -> int:
    """`values`: `id` (household) and `index` (null: the household kept its stored index).

    Sets the index where one was computed, and clears `needs_recompute` for the households not
    changed since `snapshot_at` (a household changed meanwhile stays flagged for the next run).
    Returns the number of households updated."""
    if not values.height:
        return 0
    staged = values.select(pl.col("id").cast(pl.Int64), pl.col("index").cast(pl.Float64))
    with bulk.staged("jisr_computed", staged) as stage:
        bulk.execute(
            f'UPDATE {TABLE} SET index_value = s."index", index_model = %s, '  # noqa: S608
            f"index_computed_at = %s FROM {stage} s WHERE {TABLE}.id = s.id "
            'AND s."index" IS NOT NULL',
            [model[:64], snapshot_at],
        )
        return bulk.execute(
            f"UPDATE {TABLE} SET needs_recompute = %s FROM {stage} s "  # noqa: S608
            f"WHERE {TABLE}.id = s.id AND {TABLE}.updated_at <= %s",
            [False, snapshot_at],
        )
