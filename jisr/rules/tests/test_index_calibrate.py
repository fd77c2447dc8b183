"""Calibration recovers known coefficients, and fits a usable model on a synthetic population."""

from __future__ import annotations

from pathlib import Path
from statistics import NormalDist

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jisr.rules.index import FEATURE_NAMES, IndexModel, PopulationError, fit_milieu
from jisr.rules.index.calibrate import Method, calibrate
from jisr.rules.index.features import REGION_CODES
from jisr.synth import DEFAULT_AS_OF, generate

ROWS = 4_000
NOISE = 0.05


def _known_linear_model(
    seed: int, const: float, scale: float
) -> tuple[pl.DataFrame, np.ndarray, dict[str, float], dict[str, float]]:
    """Random features, coefficients and region effects; y = the linear model + normal noise."""
    rng = np.random.default_rng(seed)
    features = pl.DataFrame({name: rng.normal(size=ROWS) for name in FEATURE_NAMES}).with_columns(
        region_code=pl.Series(rng.choice(REGION_CODES, size=ROWS)),
        milieu=pl.lit("urban"),
    )
    drawn = rng.uniform(-scale, scale, len(FEATURE_NAMES))
    coefficients = dict(zip(FEATURE_NAMES, drawn, strict=True))
    regions = {code: 0.0 if code == "01" else rng.uniform(-0.5, 0.5) for code in REGION_CODES}
    target = (
        const
        + features.select(FEATURE_NAMES).to_numpy() @ np.array(list(coefficients.values()))
        + features.get_column("region_code").replace_strict(regions).to_numpy()
        + rng.normal(scale=NOISE, size=ROWS)
    )
    return features, target, coefficients, regions


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    const=st.floats(8.0, 11.0),
    scale=st.floats(0.01, 1.0),
)
def test_ols_recovers_known_coefficients(seed: int, const: float, scale: float) -> None:
    features, target, coefficients, regions = _known_linear_model(seed, const, scale)
    fit = fit_milieu(features, target, milieu="urban", method="ols")
    assert fit.coefficients.const == pytest.approx(const, abs=0.02)
    for name, value in coefficients.items():
        assert fit.coefficients.coefficients[name] == pytest.approx(value, abs=0.01)
    for code, value in regions.items():
        assert fit.coefficients.regions[code] == pytest.approx(value, abs=0.02)
    # The share of the variance the model explains is what the noise leaves (small slopes mean a
    # small signal, hence a lower R², whatever the fit).
    expected = 1 - NOISE**2 / float(np.var(target))
    assert fit.r_squared == pytest.approx(expected, abs=0.02)


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), quantile=st.sampled_from([0.25, 0.4, 0.5, 0.75]))
def test_quantile_regression_recovers_slopes_and_the_noise_quantile(
    seed: int, quantile: float
) -> None:
    features, target, coefficients, regions = _known_linear_model(seed, 9.5, 0.3)
    fit = fit_milieu(features, target, milieu="urban", method="quantile", quantile=quantile)
    # With normal noise the conditional quantile is the mean shifted by the noise's quantile.
    shift = NOISE * NormalDist().inv_cdf(quantile)
    assert fit.coefficients.const == pytest.approx(9.5 + shift, abs=0.02)
    for name, value in coefficients.items():
        assert fit.coefficients.coefficients[name] == pytest.approx(value, abs=0.015)
    for code, value in regions.items():
        assert fit.coefficients.regions[code] == pytest.approx(value, abs=0.03)


def test_a_feature_constant_in_the_sample_is_left_out() -> None:
    features, target, _, _ = _known_linear_model(1, 9.5, 0.3)
    constant = features.with_columns(housing_type_shanty=pl.lit(0.0))
    fit = fit_milieu(constant, target, milieu="rural", method="ols")
    assert "housing_type_shanty" in fit.dropped
    assert "housing_type_shanty" not in fit.coefficients.coefficients


Frames = tuple[pl.DataFrame, pl.DataFrame]


@pytest.fixture(scope="module")
def population() -> Frames:
    blocks = list(generate(3_000, seed=21))
    return (
        pl.concat([block.households for block in blocks]),
        pl.concat([block.persons for block in blocks]),
    )


@pytest.mark.parametrize("method", ["ols", "quantile"])
def test_calibrate_fits_a_usable_model(tmp_path: Path, population: Frames, method: Method) -> None:
    households, persons = population
    calibration = calibrate(
        households, persons, method=method, quantile=0.4, as_of=DEFAULT_AS_OF,
        fitted_on={"seed": 21},
    )  # fmt: skip
    model = calibration.model
    assert model.illustrative
    assert model.fitted_on["method"] == method
    assert model.fitted_on["seed"] == 21
    assert model.fitted_on["sample"] == 3_000
    assert set(calibration.fits) == {"urban", "rural"}
    index = model.predict(households, persons, as_of=DEFAULT_AS_OF).to_numpy()
    truth = np.log(households.get_column("latent_consumption_pc").to_numpy())
    assert np.corrcoef(index, truth)[0, 1] ** 2 > 0.4  # a proxy, far better than nothing
    if method == "quantile":  # about 40 % of households below their predicted 40th percentile
        assert 0.3 < np.mean(truth < index) < 0.5
    again = IndexModel.load(model.dump(tmp_path / "fitted.yaml"))
    assert np.allclose(again.predict(households, persons, as_of=DEFAULT_AS_OF), index, atol=1e-4)


def test_calibrate_on_a_sample(population: Frames) -> None:
    households, persons = population
    model = calibrate(households, persons, method="ols", sample=1_000, as_of=DEFAULT_AS_OF).model
    assert model.fitted_on["sample"] == 1_000
    assert model.fitted_on["households"] == 3_000
    fits = model.fitted_on["fit"]
    assert fits["urban"]["households"] + fits["rural"]["households"] == 1_000


def test_calibrate_refuses_bad_input(population: Frames) -> None:
    households, persons = population
    with pytest.raises(PopulationError, match="latent_consumption_pc"):
        calibrate(households.drop("latent_consumption_pc"), persons)
    with pytest.raises(PopulationError, match="latent_consumption_pc: 1 value"):
        calibrate(
            households.with_columns(
                pl.when(pl.int_range(pl.len()) == 0)
                .then(0)
                .otherwise(pl.col("latent_consumption_pc"))
                .alias("latent_consumption_pc")
            ),
            persons,
        )
    with pytest.raises(ValueError, match="quantile"):
        calibrate(households, persons, method="quantile", quantile=1.5)
    with pytest.raises(ValueError, match="method"):
        calibrate(households, persons, method="lasso")  # type: ignore[arg-type]
