"""The outcomes a simulated return reports: per reference, a status and optionally the reason, the
amount, the date and the provider's transaction id (defaults filled in deterministically)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import polars as pl

from jisr.payments.providers.base import OrderHeader

OUTCOME_SCHEMA: dict[str, pl.DataType] = {
    "reference": pl.String(),  # required
    "status": pl.String(),  # required: the provider's statuses (see each provider)
    "reason_code": pl.String(),  # default: the provider's reason for the status
    "amount": pl.Int64(),  # centimes; default: the line's amount
    "date": pl.Date(),  # default: the order's execution date
    "provider_txn_id": pl.String(),  # default: TX + 10 digits, the line's rank in the order
}


def outcome_lines(
    header: OrderHeader,
    lines: pl.DataFrame,
    outcomes: pl.DataFrame,
    statuses: Collection[str],
    default_reason: Mapping[str, str | None],
) -> pl.DataFrame:
    """One row per outcome, in the order of `lines` (checked lines, sorted by reference), with
    every OUTCOME_SCHEMA column filled in."""
    for name in ("reference", "status"):
        if name not in outcomes.columns:
            raise ValueError(f"outcomes need a {name!r} column")
    unknown = set(outcomes["status"].unique().to_list()) - set(statuses)
    if unknown:
        raise ValueError(f"statuses {sorted(map(str, unknown))} are not among {sorted(statuses)}")
    if outcomes["reference"].is_duplicated().any():
        raise ValueError("outcomes give a reference more than once")
    given = outcomes.select(
        pl.col(name).cast(dtype) if name in outcomes.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in OUTCOME_SCHEMA.items()
    )
    ranked = lines.select("reference", "amount").with_row_index("rank")
    joined = ranked.join(given, on="reference", how="inner", suffix="_given", maintain_order="left")
    if joined.height != outcomes.height:
        raise ValueError("outcomes name references that are not lines of the order")
    reasons = pl.col("status").replace_strict(
        dict(default_reason), default=None, return_dtype=pl.String
    )
    return joined.select(
        "reference",
        "status",
        pl.col("reason_code").fill_null(reasons),
        pl.col("amount_given").fill_null(pl.col("amount")).alias("amount"),
        pl.col("date").fill_null(header.execution_date),
        pl.col("provider_txn_id").fill_null(
            pl.concat_str(pl.lit("TX"), pl.col("rank").cast(pl.String).str.zfill(10))
        ),
    )
