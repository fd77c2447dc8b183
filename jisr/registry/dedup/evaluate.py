"""Precision, recall and F1 of candidate pairs against the corruption ground truth.

A true pair is (duplicate, its original) from the `duplicate_of` column written by
`jisr.registry.dedup.corrupt.inject_duplicates`. Every other predicted pair is a false positive,
including two distinct persons who happen to share names and birth date: in the synthetic
population they are different people, as they may be in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Scores:
    true_pairs: int
    predicted_pairs: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _ordered(pairs: pl.DataFrame, left: str, right: str) -> pl.DataFrame:
    return pairs.select(
        pl.min_horizontal(left, right).alias("a"), pl.max_horizontal(left, right).alias("b")
    ).unique()


def truth_pairs(persons: pl.DataFrame) -> pl.DataFrame:
    """(a, b) person_id pairs, a < b, of each injected duplicate and its original."""
    injected = persons.filter(pl.col("duplicate_of").is_not_null())
    return _ordered(injected, "person_id", "duplicate_of")


def score_pairs(
    candidates: pl.DataFrame, persons: pl.DataFrame, *, threshold: float | None = None
) -> Scores:
    """Scores of `candidates` (person_id_l, person_id_r[, match_probability]) against the truth.

    With `threshold`, only candidates with match_probability >= threshold count as predicted.
    """
    if threshold is not None:
        candidates = candidates.filter(pl.col("match_probability") >= threshold)
    predicted = _ordered(candidates, "person_id_l", "person_id_r")
    truth = truth_pairs(persons)
    hits = predicted.join(truth, on=["a", "b"], how="inner").height
    return Scores(true_pairs=truth.height, predicted_pairs=predicted.height, true_positives=hits)
