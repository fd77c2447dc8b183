"""Precision and recall against the injected ground truth."""

from __future__ import annotations

import polars as pl
import pytest

from jisr.registry.dedup.evaluate import Scores, score_pairs, truth_pairs

PERSONS = pl.DataFrame(
    {
        "person_id": ["1", "2", "3", "4", "5", "6"],
        "duplicate_of": [None, None, None, "1", "2", "3"],
    },
    schema={"person_id": pl.String, "duplicate_of": pl.String},
)


def _candidates(pairs: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        pairs,
        schema={
            "person_id_l": pl.String,
            "person_id_r": pl.String,
            "match_probability": pl.Float64,
        },
        orient="row",
    )


def test_truth_pairs_are_ordered() -> None:
    assert sorted(truth_pairs(PERSONS).rows()) == [("1", "4"), ("2", "5"), ("3", "6")]


def test_scores_count_pairs_in_either_order_once() -> None:
    candidates = _candidates([("4", "1", 0.99), ("1", "4", 0.99), ("2", "5", 0.9), ("1", "2", 0.6)])
    scores = score_pairs(candidates, PERSONS)
    assert scores == Scores(true_pairs=3, predicted_pairs=3, true_positives=2)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 / 3)


def test_threshold_drops_weak_candidates() -> None:
    candidates = _candidates([("1", "4", 0.99), ("2", "5", 0.9), ("1", "2", 0.6)])
    scores = score_pairs(candidates, PERSONS, threshold=0.8)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(2 / 3)


def test_no_candidates_is_perfect_precision_and_no_recall() -> None:
    scores = score_pairs(_candidates([]), PERSONS)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 0.0, 0.0)
