"""Targeting errors: exact figures on a hand-made population, and the shape of the error curve."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jisr.rules.index import ASD_THRESHOLD, IndexModel, PopulationError, evaluate_index
from jisr.rules.index.evaluate import error_curve, evaluate
from jisr.synth import DEFAULT_AS_OF, generate

# Ten households. Poor: consumption below exp(9.743001) = 17,020 MAD; selected: index < 9.743001.
#   1 urban 01  poor     selected        6 rural 01  poor     selected
#   2 urban 01  poor     -  (excluded)   7 rural 02  poor     -  (excluded)
#   3 urban 02  -        selected (incl) 8 rural 02  -        selected (included)
#   4 urban 02  -        -               9 rural 02  -        -
#   5 rural 01  poor     selected       10 rural 01  -        -
HOUSEHOLDS = pl.DataFrame(
    {
        "milieu": ["urban"] * 4 + ["rural"] * 6,
        "region_code": ["01", "01", "02", "02", "01", "01", "02", "02", "02", "01"],
        "latent_consumption_pc": [5000, 6000, 30000, 40000, 7000, 8000, 9000, 25000, 50000, 60000],
    }
)
INDEX = pl.Series("index", [9.0, 10.0, 9.5, 10.5, 9.1, 9.2, 10.1, 9.6, 11.0, 11.2])


def _row(frame: pl.DataFrame, key: str, value: object) -> dict[str, object]:
    return frame.filter(pl.col(key) == value).to_dicts()[0]


def test_errors_on_a_hand_made_population() -> None:
    evaluation = evaluate_index(HOUSEHOLDS, INDEX)
    assert evaluation.summary.to_dicts() == [
        {
            "group": "all",
            "households": 10,
            "poor": 5,
            "selected": 5,
            "poor_selected": 3,
            "poverty_rate": 0.5,
            "coverage": 0.5,
            "exclusion_error": pytest.approx(2 / 5),
            "inclusion_error": pytest.approx(2 / 5),
        }
    ]
    urban = _row(evaluation.by_milieu, "milieu", "urban")
    assert (urban["households"], urban["poor"], urban["selected"], urban["poor_selected"]) == (
        4, 2, 2, 1,
    )  # fmt: skip
    assert urban["exclusion_error"] == pytest.approx(1 / 2)
    assert urban["inclusion_error"] == pytest.approx(1 / 2)
    rural = _row(evaluation.by_milieu, "milieu", "rural")
    assert rural["exclusion_error"] == pytest.approx(1 / 3)
    assert rural["inclusion_error"] == pytest.approx(1 / 3)
    assert rural["coverage"] == pytest.approx(1 / 2)
    region_01 = _row(evaluation.by_region, "region_code", "01")
    assert region_01["exclusion_error"] == pytest.approx(1 / 4)
    assert region_01["inclusion_error"] == 0.0
    assert region_01["coverage"] == pytest.approx(3 / 5)
    region_02 = _row(evaluation.by_region, "region_code", "02")
    assert (region_02["exclusion_error"], region_02["inclusion_error"]) == (1.0, 1.0)


def test_errors_by_decile_of_true_consumption() -> None:
    deciles = evaluate_index(HOUSEHOLDS, INDEX).by_decile  # ten households: one a decile
    assert deciles.get_column("decile").to_list() == list(range(1, 11))
    # Households by rising consumption: 1, 2, 5, 6, 7 (poor), 8, 3, 4, 9, 10.
    assert deciles.get_column("selected").to_list() == [1, 0, 1, 1, 0, 1, 1, 0, 0, 0]
    assert deciles.get_column("exclusion_error").to_list() == [0.0, 1.0, 0.0, 0.0, 1.0] + [None] * 5
    assert deciles.get_column("inclusion_error").to_list() == [
        0.0, None, 0.0, 0.0, None, 1.0, 1.0, None, None, None,
    ]  # fmt: skip


def test_error_curve_on_the_hand_made_population() -> None:
    curve = evaluate_index(HOUSEHOLDS, INDEX, thresholds=[9.05, 9.55, 10.05]).curve
    assert curve.get_column("selected").to_list() == [1, 4, 6]
    assert curve.get_column("poor_selected").to_list() == [1, 3, 4]
    assert curve.get_column("exclusion_error").to_list() == pytest.approx([0.8, 0.4, 0.2])
    assert curve.get_column("inclusion_error").to_list() == pytest.approx([0.0, 1 / 4, 1 / 3])
    assert curve.get_column("coverage").to_list() == pytest.approx([0.1, 0.4, 0.6])


def test_the_threshold_and_the_poverty_line_are_parameters() -> None:
    evaluation = evaluate_index(HOUSEHOLDS, INDEX, threshold=10.05, poverty_line=np.log(10_000))
    summary = evaluation.summary.to_dicts()[0]
    assert (summary["poor"], summary["selected"], summary["poor_selected"]) == (5, 6, 4)
    assert evaluation.threshold == 10.05
    assert ASD_THRESHOLD in evaluation.curve.get_column("threshold").to_list()


@settings(max_examples=100, deadline=None)
@given(
    index=arrays(np.float64, st.integers(1, 300), elements=st.floats(7.0, 13.0)),
    seed=st.integers(0, 2**32 - 1),
    thresholds=st.lists(st.floats(6.0, 14.0), min_size=1, max_size=40),
)
def test_error_curve_is_monotone(index: np.ndarray, seed: int, thresholds: list[float]) -> None:
    poor = np.random.default_rng(seed).random(index.size) < 0.45
    curve = error_curve(index, poor, thresholds)
    assert curve.get_column("threshold").is_sorted()
    assert curve.get_column("selected").is_sorted()
    assert curve.get_column("coverage").is_sorted()
    exclusion = curve.get_column("exclusion_error").drop_nulls()
    assert exclusion.is_sorted(descending=True)
    for row in curve.iter_rows(named=True):  # each point is the direct count
        chosen = index < row["threshold"]
        assert row["selected"] == chosen.sum()
        assert row["poor_selected"] == (chosen & poor).sum()


Frames = tuple[pl.DataFrame, pl.DataFrame]


@pytest.fixture(scope="module")
def population() -> Frames:
    blocks = list(generate(2_000, seed=3))
    return (
        pl.concat([block.households for block in blocks]),
        pl.concat([block.persons for block in blocks]),
    )


def test_evaluate_uses_the_model_on_every_household(population: Frames) -> None:
    households, persons = population
    model = IndexModel.load()
    evaluation = evaluate(households, persons, model=model, as_of=DEFAULT_AS_OF)
    expected = evaluate_index(households, model.predict(households, persons, as_of=DEFAULT_AS_OF))
    assert evaluation.summary.equals(expected.summary)
    assert evaluation.summary.get_column("households").item() == 2_000
    assert evaluation.by_milieu.get_column("households").sum() == 2_000
    assert evaluation.by_region.height == 12
    assert evaluation.by_decile.get_column("households").to_list() == [200] * 10


def test_evaluation_needs_the_true_consumption(population: Frames) -> None:
    households, persons = population
    with pytest.raises(PopulationError, match="latent_consumption_pc"):
        evaluate(households.drop("latent_consumption_pc"), persons)


def test_write_gives_tables_and_charts(tmp_path: Path) -> None:
    evaluation = evaluate_index(HOUSEHOLDS, INDEX)
    written = evaluation.write(tmp_path / "first")
    assert sorted(path.name for path in written) == [
        "by_decile.csv",
        "by_milieu.csv",
        "by_region.csv",
        "error_curve.csv",
        "error_curve.png",
        "error_curve.svg",
        "summary.csv",
    ]
    assert pl.read_csv(tmp_path / "first" / "summary.csv").get_column("poor").item() == 5
    assert (tmp_path / "first" / "error_curve.png").read_bytes().startswith(b"\x89PNG")
    svg = (tmp_path / "first" / "error_curve.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    again = evaluation.write(tmp_path / "second")
    assert again[-1].read_text(encoding="utf-8") == svg  # the same chart, byte for byte
