"""Benchmark: a national payment order (4 M lines) in each provider's format, and its return.

    .venv/bin/python bench/payment_files.py [--lines 4000000] [--seed 1] [--keep DIR]

Target (issue #5): writing the order for 4 M lines in well under 60 s on the 2-core reference
machine. The lines are synthetic and valid (keyed RIBs, mobile numbers, pickup codes), generated
with whole-column expressions. Each provider writes to a file on disk (checks, text, SHA-256 and
I/O included). Baseline, measured in the same run on the same frame: Polars' `write_csv` of the
lines, the floor for turning a frame into a file. Then a return for every line (90 % paid, the rest
failed, unclaimed or pending as the format allows) is simulated and read back, checks included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

from jisr.core.identifiers import rib_key_expr
from jisr.payments.providers import OrderHeader, OrderSummary, provider

T = TypeVar("T")
NAMES = [
    "Fatima Zahra El Idrissi", "Mohamed Benali", "Aicha Ait Ouarab", "Youssef El Amrani",
    "Khadija Oulad Ali", "Hassan Tazi", "Naima Bennani", "Abdelkader Zerouali",
    "Meryem Lahlou", "Rachid Ait Baha", "Soukaina El Fassi", "Omar Chraibi",
]  # fmt: skip
HEADER = OrderHeader(
    message_id="ASD-2026-03-BENCH",
    cycle_id="202603",
    programme="ASD",
    month="2026-03",
    created_at=dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC),
    execution_date=dt.date(2026, 3, 25),
    debtor_name="Agence Nationale du Registre Social",
    debtor_rib="011519000001205000534921",
    debtor_agent_bic="BKAMMAMR",
)


def _timed(label: str, work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:7.1f} s", flush=True)
    return result, seconds


def synthetic_lines(count: int, seed: int, methods: list[str]) -> pl.DataFrame:
    rng = np.random.default_rng(seed)

    def digits(width: int) -> pl.Series:
        return pl.Series(rng.integers(0, 10**width, count)).cast(pl.String).str.zfill(width)

    banks = ["007", "011", "013", "022", "145", "190", "225", "230"]
    frame = pl.DataFrame(
        {
            "index": pl.int_range(count, eager=True),
            "bank": pl.Series(rng.choice(banks, count)),
            "city": digits(3),
            "account_high": digits(8),
            "account_low": digits(8),
            "method": pl.Series(rng.choice(methods, count)),
            "name": pl.Series(NAMES).gather(rng.integers(0, len(NAMES), count)),
            "cnie": digits(6),
            "phone": digits(8),
            "pickup": digits(9),
            "amount": pl.Series(rng.choice([50000, 35000, 30000, 100000, 25000], count)),
            "region": pl.Series(rng.integers(1, 13, count)).cast(pl.String).str.zfill(2),
        }
    )
    index = pl.col("index").cast(pl.String).str.zfill(10)
    body = pl.concat_str("bank", "city", "account_high", "account_low")
    method = pl.col("method")
    return frame.select(
        reference=pl.concat_str(pl.lit("P"), index),
        household_id=pl.concat_str(pl.lit("H"), index),
        beneficiary_name="name",
        beneficiary_cnie=pl.concat_str(pl.lit("BK"), "cnie"),
        method="method",
        rib=pl.when(method == "bank").then(pl.concat_str(body, rib_key_expr(body))),
        phone=pl.when(method == "wallet").then(pl.concat_str(pl.lit("+2126"), "phone")),
        pickup_code=pl.when(method == "cash").then(pl.concat_str(pl.lit("C"), "pickup")),
        amount=pl.col("amount").cast(pl.Int64),
        region_code="region",
    )


def outcomes_for(lines: pl.DataFrame, statuses: list[str], seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    weights = np.array([0.9] + [0.1 / (len(statuses) - 1)] * (len(statuses) - 1))
    return lines.select("reference").with_columns(
        status=pl.Series(rng.choice(statuses, lines.height, p=weights))
    )


def run_case(
    name: str, methods: list[str], statuses: list[str], count: int, seed: int, directory: Path
) -> None:
    print(f"{name}: {count:,} lines ({', '.join(methods)})", flush=True)
    lines, _ = _timed("generate lines", lambda: synthetic_lines(count, seed, methods))
    baseline_path = directory / f"{name}-baseline.csv"
    _, floor = _timed("baseline: Polars write_csv", lambda: lines.write_csv(baseline_path))
    target = provider(name)
    order_path = directory / f"{HEADER.message_id}.{target.extension}"

    def write_order() -> OrderSummary:
        with order_path.open("wb") as out:
            return target.write_order(HEADER, lines, out)

    summary, seconds = _timed("write order", write_order)
    size, base = summary.size / 1e6, baseline_path.stat().st_size / 1e6
    print(
        f"  order {size:,.0f} MB in {seconds:.1f} s ({size / seconds:,.0f} MB/s); baseline "
        f"{base:,.0f} MB in {floor:.1f} s ({base / floor:,.0f} MB/s); time ratio "
        f"{seconds / floor:.1f}× the baseline; target < 60 s {'met' if seconds < 60 else 'NOT met'}"
    )
    outcomes = outcomes_for(lines, statuses, seed)
    data, _ = _timed("simulate return", lambda: target.simulate_return(HEADER, lines, outcomes))
    returned, seconds = _timed("read return", lambda: target.read_return(data, expected=HEADER))
    print(
        f"  return {len(data) / 1e6:,.0f} MB read in {seconds:.1f} s: "
        f"{returned.lines.height:,} final, {returned.pending.height:,} pending",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=4_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temp dir")
    args = parser.parse_args()
    cases = [
        ("bank_pain001", ["bank"], ["paid", "failed", "pending"]),
        ("cash_wallet_csv", ["wallet", "cash"], ["paid", "failed", "unclaimed"]),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        for name, methods, statuses in cases:
            run_case(name, methods, statuses, args.lines, args.seed, directory)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak RSS {peak:.1f} GB")


if __name__ == "__main__":
    main()
