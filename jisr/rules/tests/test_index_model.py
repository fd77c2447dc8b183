"""The index model: one value per household, in order; the milieu's coefficients; sane signs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jisr.rules.index import (
    DEFAULT_MODEL_PATH,
    FEATURE_NAMES,
    IndexModel,
    MilieuCoefficients,
    ModelFileError,
    PopulationError,
)
from jisr.rules.index._composition import completed_years, composition
from jisr.rules.index.features import ASSETS, REGION_CODES
from jisr.synth import DEFAULT_AS_OF, generate

AS_OF = DEFAULT_AS_OF  # the synthetic population's reference day


Frames = tuple[pl.DataFrame, pl.DataFrame]


@pytest.fixture(scope="module")
def population() -> Frames:
    blocks = list(generate(3_000, seed=11))
    return (
        pl.concat([block.households for block in blocks]),
        pl.concat([block.persons for block in blocks]),
    )


@pytest.fixture(scope="module")
def model() -> IndexModel:
    return IndexModel.load()


def _flat(const_urban: float, const_rural: float) -> IndexModel:
    def milieu(const: float) -> MilieuCoefficients:
        return MilieuCoefficients(const, {}, dict.fromkeys(REGION_CODES, 0.0))

    return IndexModel("flat", "0", True, "", milieu(const_urban), milieu(const_rural))


def test_packaged_model_is_illustrative_and_documents_every_feature() -> None:
    data = yaml.safe_load(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    assert data["illustrative"] is True
    assert "ILLUSTRATIVE" in data["description"]
    assert "not the official" in data["description"]
    assert list(data["features"]) == list(FEATURE_NAMES)
    assert {"seed", "households", "date", "method"} <= set(data["fitted_on"])
    for milieu in ("urban", "rural"):
        assert set(data[milieu]["coefficients"]) <= set(data["features"])
        assert sorted(data[milieu]["regions"]) == list(REGION_CODES)
    assert DEFAULT_MODEL_PATH.read_text(encoding="utf-8").startswith("# ILLUSTRATIVE")


def test_predict_gives_one_float_per_household_in_order(
    population: Frames, model: IndexModel
) -> None:
    households, persons = population
    index = model.predict(households, persons, as_of=AS_OF)
    assert index.name == "index"
    assert index.dtype == pl.Float64
    assert index.len() == households.height
    assert index.null_count() == 0
    assert index.is_finite().all()
    assert index.equals(model.predict(households, persons, as_of=AS_OF))  # deterministic
    # The value on the scale of the thresholds: ln of MAD a person a year.
    assert 8.0 < float(index.median()) < 11.5  # type: ignore[arg-type]


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_predict_follows_the_households_order(
    population: Frames, model: IndexModel, seed: int
) -> None:
    """Shuffling the households (and the persons) shuffles the index the same way."""
    households, persons = population
    expected = model.predict(households, persons, as_of=AS_OF)
    order = np.random.default_rng(seed).permutation(households.height)
    shuffled = households[order]
    persons_shuffled = persons.sample(fraction=1.0, shuffle=True, seed=seed)
    index = model.predict(shuffled, persons_shuffled, as_of=AS_OF)
    assert np.allclose(index.to_numpy(), expected.to_numpy()[order], rtol=0, atol=1e-12)


def test_urban_and_rural_coefficients_are_applied_by_milieu(population: Frames) -> None:
    households, persons = population
    index = _flat(10.0, 5.0).predict(households, persons, as_of=AS_OF)
    urban = households.get_column("milieu") == "urban"
    assert (index.filter(urban) == 10.0).all()
    assert (index.filter(~urban) == 5.0).all()


def test_predict_is_the_milieu_formula_applied_to_the_features(
    population: Frames, model: IndexModel
) -> None:
    households, persons = population
    features = model.features(households, persons, as_of=AS_OF)
    index = model.predict(households, persons, as_of=AS_OF).to_numpy()
    for milieu in ("urban", "rural"):
        rows = features.filter(pl.col("milieu") == milieu)
        coefficients = model.coefficients_for(milieu)
        weights = np.array([coefficients.coefficients.get(name, 0.0) for name in FEATURE_NAMES])
        expected = (
            coefficients.const
            + rows.select(FEATURE_NAMES).to_numpy() @ weights
            + rows.get_column("region_code").replace_strict(dict(coefficients.regions)).to_numpy()
        )
        mask = (features.get_column("milieu") == milieu).to_numpy()
        assert np.allclose(index[mask], expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("asset", ASSETS)
def test_owning_an_asset_raises_the_index(
    population: Frames, model: IndexModel, asset: str
) -> None:
    households, persons = population
    without = model.predict(households.with_columns(pl.lit(False).alias(asset)), persons)
    with_it = model.predict(households.with_columns(pl.lit(True).alias(asset)), persons)
    assert (with_it > without).all()


def test_another_phone_and_a_fridge_and_a_car_raise_the_index(
    population: Frames, model: IndexModel
) -> None:
    households, persons = population
    richer = households.with_columns(
        pl.col("mobile_phones") + 1, has_fridge=pl.lit(True), has_car=pl.lit(True)
    )
    poorer = households.with_columns(has_fridge=pl.lit(False), has_car=pl.lit(False))
    assert (model.predict(richer, persons) > model.predict(poorer, persons)).all()


def test_features_are_one_row_per_household_in_order(population: Frames, model: IndexModel) -> None:
    households, persons = population
    features = model.features(households, persons, as_of=AS_OF)
    assert features.height == households.height
    assert features.get_column("household_id").equals(households.get_column("household_id"))
    assert features.columns == ["household_id", "milieu", "region_code", *FEATURE_NAMES]
    sizes = households.get_column("size").cast(pl.Float64)
    assert features.get_column("size").equals(sizes, check_names=False)
    assert features.select(pl.col("share_children", "share_elderly").is_between(0, 1).all()).row(
        0
    ) == (True, True)


# --- Composition from the persons -----------------------------------------------------------------


def _person(
    household: str, relationship: str, sex: str, born: date, disability: bool = False
) -> dict[str, object]:
    return {
        "household_id": household,
        "relationship": relationship,
        "sex": sex,
        "birth_date": born,
        "disability": disability,
    }


def test_composition_counts_children_elderly_and_the_head() -> None:
    households = pl.DataFrame({"household_id": ["A", "B"]})
    persons = pl.DataFrame(
        [
            _person("A", "head", "F", date(1964, 3, 1)),  # 60 on 1 March 2024
            _person("A", "child", "M", date(2009, 3, 2), disability=True),  # 14, 15 the day after
            _person("A", "child", "F", date(2009, 3, 1)),  # 15 that day
            _person("B", "head", "M", date(1964, 3, 2)),  # 59 until the next day
        ]
    )
    counts = composition(households, persons, date(2024, 3, 1))
    assert counts.to_dicts() == [
        {"n": 3, "children": 1, "elderly": 1, "disabled": 1, "head_female": 1, "head_age": 60},
        {"n": 1, "children": 0, "elderly": 0, "disabled": 0, "head_female": 0, "head_age": 59},
    ]
    # The same by the general path (persons not grouped by household).
    assert composition(households, persons.reverse(), date(2024, 3, 1)).equals(counts)


@settings(max_examples=200, deadline=None)
@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    as_of=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
)
def test_completed_years(born: date, as_of: date) -> None:
    days = np.array([(born - date(1970, 1, 1)).days], dtype=np.int32)
    expected = as_of.year - born.year - ((born.month, born.day) > (as_of.month, as_of.day))
    assert completed_years(days, as_of).tolist() == [expected]


def test_a_household_without_a_head_or_without_persons_is_refused() -> None:
    households = pl.DataFrame({"household_id": ["A", "B"]})
    headless = pl.DataFrame(
        [_person("A", "head", "F", date(1980, 1, 1)), _person("B", "child", "F", date(2010, 1, 1))]
    )
    with pytest.raises(PopulationError, match=r"no head.*\['B'\]"):
        composition(households, headless, AS_OF)
    with pytest.raises(PopulationError, match=r"no person.*\['B'\]"):
        composition(households, headless.head(1), AS_OF)


def test_missing_columns_and_bad_codes_are_refused(population: Frames, model: IndexModel) -> None:
    households, persons = population
    with pytest.raises(PopulationError, match=r"households: missing column.*rooms"):
        model.predict(households.drop("rooms"), persons)
    with pytest.raises(PopulationError, match=r"persons: missing column.*birth_date"):
        model.predict(households, persons.drop("birth_date"))
    with pytest.raises(PopulationError, match=r"households.milieu: .*'suburban'"):
        model.predict(households.with_columns(milieu=pl.lit("suburban")), persons)
    with pytest.raises(PopulationError, match=r"households.housing_type"):
        model.predict(households.with_columns(housing_type=pl.lit("castle")), persons)
    with pytest.raises(
        PopulationError, match=r"persons: empty value\(s\) in column\(s\) disability"
    ):
        model.predict(households, persons.with_columns(disability=pl.lit(None, pl.Boolean)))
    with pytest.raises(PopulationError, match=r"persons.birth_date: expected dates"):
        model.predict(households, persons.with_columns(pl.col("birth_date").cast(pl.String)))


# --- The model file -------------------------------------------------------------------------------


def test_model_file_round_trip(tmp_path: Path, population: Frames, model: IndexModel) -> None:
    households, persons = population
    again = IndexModel.load(model.dump(tmp_path / "model.yaml"))
    assert again.urban == model.urban
    assert again.rural == model.rural
    assert again.predict(households, persons).equals(model.predict(households, persons))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["urban"]["coefficients"].update(has_yacht=1.0), "unknown feature"),
        (lambda d: d["rural"]["regions"].pop("07"), r"missing \['07'\]"),
        (lambda d: d["urban"].update(const="high"), "const: expected a number"),
        (lambda d: d.pop("rural"), "missing key 'rural'"),
    ],
)
def test_malformed_model_files_are_refused(
    tmp_path: Path, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    data = yaml.safe_load(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ModelFileError, match=message):
        IndexModel.load(path)


def test_missing_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="cannot read"):
        IndexModel.load(tmp_path / "nowhere.yaml")


def test_the_index_package_imports_no_django() -> None:
    code = (
        "import sys, jisr.rules.index, jisr.rules.index.cli, jisr.rules.index.evaluate; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
