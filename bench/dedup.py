"""Benchmark: probable duplicates among 1 M synthetic persons with 2% injected duplicates.

    .venv/bin/python bench/dedup.py [--persons 1000000] [--rate 0.02] [--seed 1]
                                    [--threshold T] [--chunks N] [--save-model PATH]

Targets: precision >= 0.95 and recall >= 0.90 at 1 M persons, in under 600 s on the 2-core
reference machine. The population comes from `jisr.synth.generate`, the duplicates from
`jisr.registry.dedup.corrupt` (docs/dedup.md). Stages are timed separately: normalise (name keys
and features), train (u by random sampling, m by EM, no labels), predict (blocking and scoring).
Baselines, measured in the same run on the same data: exact-match deduplication on (family name,
first name, birth date), as written and on the normalised Latin keys (`jisr.core.names`) — what
a unique index or a GROUP BY would catch, and what Splink adds to it.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from typing import TypeVar

import polars as pl

from jisr.registry.dedup.corrupt import inject_duplicates
from jisr.registry.dedup.evaluate import Scores, score_pairs
from jisr.registry.dedup.pipeline import (
    DEFAULT_THRESHOLD,
    U_PAIRS,
    person_features,
    predict_pairs,
    save_model,
    train_model,
)
from jisr.synth import DEFAULT_AS_OF, generate

TARGET_PRECISION = 0.95
TARGET_RECALL = 0.90
TARGET_SECONDS = 600.0
PERSONS_PER_HOUSEHOLD = 3.89  # measured mean of jisr.synth households
SWEEP = (0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99)

T = TypeVar("T")


def _timed(label: str, times: dict[str, float], work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    times[label] = time.perf_counter() - start
    print(f"  {label:<10} {times[label]:8.1f} s", flush=True)
    return result


def _population(persons: int, seed: int) -> pl.DataFrame:
    blocks = list(generate(households=round(persons / PERSONS_PER_HOUSEHOLD), seed=seed))
    people = pl.concat([block.persons for block in blocks])
    homes = pl.concat([block.households for block in blocks])
    return people.join(
        homes.select("household_id", "commune_code", "region_code"),
        on="household_id",
        maintain_order="left",
    )


def _exact_pairs(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Pairs of persons equal on every key column (nulls never match)."""
    ids = frame.select("person_id", *keys).drop_nulls(keys)
    return (
        ids.join(ids, on=keys, suffix="_r")
        .filter(pl.col("person_id") < pl.col("person_id_r"))
        .select(pl.col("person_id").alias("person_id_l"), "person_id_r")
    )


def _baseline(persons: pl.DataFrame, keys: pl.DataFrame | None) -> tuple[Scores, float]:
    """Exact match on (family name, first name, birth date): as written, or on the Latin keys
    of `keys` (the pipeline's features, computed once per distinct spelling)."""
    start = time.perf_counter()
    if keys is None:
        frame = persons.select(
            "person_id", "birth_date", last="last_name_lat", first="first_name_lat"
        )
    else:
        frame = keys.select(
            person_id="unique_id", birth_date="birth_date", last="ln_lat", first="fn_lat"
        )
    pairs = _exact_pairs(frame, ["last", "first", "birth_date"])
    return score_pairs(pairs, persons), time.perf_counter() - start


def _line(label: str, scores: Scores, seconds: float | None = None) -> str:
    timing = f"  {seconds:7.1f} s" if seconds is not None else ""
    return (
        f"  {label:<34} pairs {scores.predicted_pairs:>8,}  precision {scores.precision:.4f}"
        f"  recall {scores.recall:.4f}  F1 {scores.f1:.4f}{timing}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--u-pairs", type=float, default=U_PAIRS)
    parser.add_argument("--chunks", type=int, default=1, help="score in chunks x chunks pieces")
    parser.add_argument("--save-model", help="write the trained model JSON here")
    args = parser.parse_args()

    times: dict[str, float] = {}
    print("stages")
    population = _timed("generate", times, lambda: _population(args.persons, args.seed))
    persons = _timed(
        "inject", times, lambda: inject_duplicates(population, rate=args.rate, seed=args.seed)
    )
    features = _timed("normalise", times, lambda: person_features(persons, as_of=DEFAULT_AS_OF))
    model = _timed(
        "train", times, lambda: train_model(features, seed=args.seed, u_pairs=args.u_pairs)
    )
    lowest = min(SWEEP[0], args.threshold)
    candidates = _timed(
        "predict",
        times,
        lambda: predict_pairs(features, model, threshold=lowest, chunks=args.chunks),
    )
    if args.save_model:
        save_model(model, args.save_model)

    scores = score_pairs(candidates, persons, threshold=args.threshold)
    pipeline_seconds = times["normalise"] + times["train"] + times["predict"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\npersons                {persons.height:>12,}")
    print(f"injected duplicates    {scores.true_pairs:>12,}")
    at = f"(match_probability >= {args.threshold})"
    print(f"candidate pairs        {scores.predicted_pairs:>12,}  {at}")
    print(f"precision              {scores.precision:>12.4f}")
    print(f"recall                 {scores.recall:>12.4f}")
    print(f"F1                     {scores.f1:>12.4f}")
    print(f"pipeline wall time     {pipeline_seconds:>12.1f} s  (normalise + train + predict)")
    print(f"peak RSS               {peak / 1024**3:>12.2f} GiB")

    print("\nthreshold sweep (same candidates)")
    for threshold in SWEEP:
        print(
            _line(
                f"match_probability >= {threshold}",
                score_pairs(candidates, persons, threshold=threshold),
            )
        )

    print("\nbaselines (same run, same persons)")
    raw, raw_seconds = _baseline(persons, None)
    keyed, join_seconds = _baseline(persons, features)
    keyed_seconds = times["normalise"] + join_seconds
    print(_line("exact names as written + birth date", raw, raw_seconds))
    print(_line("exact Latin keys + birth date", keyed, keyed_seconds) + "  (incl. normalise)")
    print(_line("Splink (this pipeline)", scores, pipeline_seconds))
    print(
        f"  ratio Splink / exact keys: recall x{scores.recall / max(keyed.recall, 1e-9):.2f}, "
        f"precision x{scores.precision / max(keyed.precision, 1e-9):.2f}, "
        f"time x{pipeline_seconds / max(keyed_seconds, 1e-9):.0f}"
    )

    met = (
        scores.precision >= TARGET_PRECISION
        and scores.recall >= TARGET_RECALL
        and pipeline_seconds <= TARGET_SECONDS
    )
    print(
        f"\ntarget precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL}, "
        f"time <= {TARGET_SECONDS:.0f} s: {'MET' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
