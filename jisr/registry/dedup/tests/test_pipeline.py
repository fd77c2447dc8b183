"""The pipeline finds injected duplicates without labels, keeps twins apart and is repeatable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from jisr.registry.dedup.corrupt import inject_duplicates
from jisr.registry.dedup.evaluate import score_pairs
from jisr.registry.dedup.pipeline import (
    DEFAULT_THRESHOLD,
    DedupModel,
    find_candidates,
    load_model,
    person_features,
    predict_pairs,
    save_model,
    train_model,
)
from jisr.registry.dedup.tests.conftest import population
from jisr.synth import DEFAULT_AS_OF

U_PAIRS = 2e6  # enough for 4,000 persons (8 million possible pairs)


@pytest.fixture(scope="module")
def features(labelled: pl.DataFrame) -> pl.DataFrame:
    return person_features(labelled, as_of=DEFAULT_AS_OF)


@pytest.fixture(scope="module")
def trained(features: pl.DataFrame) -> DedupModel:
    return train_model(features, u_pairs=U_PAIRS, seed=7)


@pytest.fixture(scope="module")
def candidates(features: pl.DataFrame, trained: DedupModel) -> pl.DataFrame:
    return predict_pairs(features, trained)


def test_finds_the_injected_duplicates(candidates: pl.DataFrame, labelled: pl.DataFrame) -> None:
    scores = score_pairs(candidates, labelled)
    assert scores.true_pairs > 150
    assert scores.precision >= 0.95
    assert scores.recall >= 0.90


def test_pairs_are_ordered_and_explained(candidates: pl.DataFrame) -> None:
    assert candidates.height > 0
    assert (candidates["person_id_l"] < candidates["person_id_r"]).all()
    assert (candidates["match_probability"] >= DEFAULT_THRESHOLD).all()
    for name in ("first_name", "last_name", "birth_date", "cnie", "place"):
        assert f"gamma_{name}" in candidates.columns
        assert f"mw_{name}" in candidates.columns  # its match weight (log2 Bayes factor)


def test_twins_are_not_taken_for_duplicates(
    candidates: pl.DataFrame, labelled: pl.DataFrame
) -> None:
    persons = labelled.filter(pl.col("duplicate_of").is_null())
    twins = persons.join(persons, on=["household_id", "birth_date"], suffix="_twin").filter(
        pl.col("person_id") < pl.col("person_id_twin"),
        pl.col("first_name_ar") != pl.col("first_name_ar_twin"),
    )
    assert twins.height > 0
    found = twins.join(
        candidates,
        left_on=["person_id", "person_id_twin"],
        right_on=["person_id_l", "person_id_r"],
    )
    assert found.is_empty()


def test_a_saved_model_gives_the_same_pairs(
    tmp_path: Path, features: pl.DataFrame, trained: DedupModel, candidates: pl.DataFrame
) -> None:
    save_model(trained, tmp_path / "model.json")
    again = predict_pairs(features, load_model(tmp_path / "model.json"))
    assert again.select("person_id_l", "person_id_r").equals(
        candidates.select("person_id_l", "person_id_r")
    )


def test_the_whole_pipeline_is_deterministic() -> None:
    persons = inject_duplicates(population(300, seed=11), rate=0.05, seed=11)
    runs = [find_candidates(persons, as_of=DEFAULT_AS_OF, seed=5, threshold=0.01) for _ in "ab"]
    pairs = [run.select("person_id_l", "person_id_r") for run in runs]
    assert pairs[0].equals(pairs[1])
    assert runs[0]["match_probability"].to_list() == pytest.approx(
        runs[1]["match_probability"].to_list(), abs=1e-9
    )


def test_a_population_without_duplicates_gets_a_model() -> None:
    persons = population(100, seed=12)
    candidates = find_candidates(persons, as_of=DEFAULT_AS_OF, seed=1)
    assert candidates.height <= 1  # a chance namesake at most


def test_features_use_space_free_name_keys(persons: pl.DataFrame) -> None:
    frame = persons.head(1).with_columns(
        first_name_lat=pl.lit("Fatima-Ez-Zahra"), last_name_ar=pl.lit("  ")
    )
    features = person_features(frame, as_of=DEFAULT_AS_OF)
    assert features["fn_lat"].item() == "fatimazahra"
    assert features["ln_ar"].item() is None  # no letters: unknown, not a match on ""


def test_refuses_persons_without_the_compared_columns(persons: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        person_features(persons.drop("cnie"), as_of=DEFAULT_AS_OF)


def test_dedup_imports_no_django() -> None:
    code = (
        "import sys, jisr.registry.dedup.pipeline, jisr.registry.dedup.corrupt, "
        "jisr.registry.dedup.evaluate; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
