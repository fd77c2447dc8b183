"""Fit the index's coefficients on a population whose consumption is known (the synthetic one).

The target is ln(latent_consumption_pc), the scale of the official thresholds. Urban and rural
households are fitted separately, each with its region effects (region dummies against the first
region present, whose effect is 0). Two estimators (statsmodels):

- `ols`: ordinary least squares, the textbook proxy means test — the conditional *mean*;
- `quantile`: quantile regression (QuantReg) at a chosen quantile, e.g. 0.4 — the conditional
  quantile, which Brown, Ravallion & van de Walle (2018) found to exclude fewer of the poor when
  the poverty line lies below the middle of the distribution.

Fitting uses a uniform sample of at most `sample` households (deterministic), which is plenty for
about 50 coefficients a milieu and keeps QuantReg to seconds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from jisr.rules.index.errors import PopulationError
from jisr.rules.index.features import FEATURE_NAMES, MILIEUX, REGION_CODES
from jisr.rules.index.model import (
    IndexModel,
    MilieuCoefficients,
    first_of_this_month,
    household_features,
    today,
)

Method = Literal["ols", "quantile"]
METHODS: tuple[Method, ...] = ("ols", "quantile")
TARGET = "latent_consumption_pc"
DEFAULT_QUANTILE = 0.4
DEFAULT_SAMPLE = 200_000
SAMPLE_SEED = 0  # fixed: the same population and sample size give the same coefficients
MODEL_NAME = "jisr-illustrative-pmt"


@dataclass(frozen=True)
class Fit:
    """One milieu's fit: its coefficients and how well they fit the sample."""

    milieu: str
    households: int
    coefficients: MilieuCoefficients
    dropped: tuple[str, ...]  # features or regions constant in the sample: coefficient 0
    r_squared: float  # OLS: R²; quantile: Koenker-Machado pseudo R²
    seconds: float


@dataclass(frozen=True)
class Calibration:
    model: IndexModel
    fits: Mapping[str, Fit] = field(default_factory=dict)  # by milieu


def log_consumption(households: pl.DataFrame) -> npt.NDArray[np.float64]:
    """The target: natural log of the latent annual consumption per person."""
    if TARGET not in households.columns:
        raise PopulationError(f"households: missing column {TARGET} (the consumption to fit on)")
    consumption = households.get_column(TARGET).cast(pl.Float64)
    bad = consumption.is_null() | (consumption <= 0)
    if bad.any():
        raise PopulationError(f"households.{TARGET}: {int(bad.sum()):,} value(s) empty or <= 0")
    values: npt.NDArray[np.float64] = np.log(consumption.to_numpy().astype(np.float64))
    return values


def sample_households(
    households: pl.DataFrame, persons: pl.DataFrame, size: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A uniform sample of `size` households (in their original order) and their persons."""
    if households.height <= size:
        return households, persons
    rows = np.sort(
        np.random.default_rng(SAMPLE_SEED).choice(households.height, size=size, replace=False)
    )
    chosen = households[rows]
    members = persons.filter(
        pl.col("household_id").is_in(chosen.get_column("household_id").implode())
    )
    return chosen, members


@dataclass(frozen=True)
class _Design:
    matrix: npt.NDArray[np.float64]  # constant, features kept, region dummies
    features: list[str]  # kept
    regions: list[str]  # present; the first is the reference (effect 0)
    dropped: list[str]  # features constant in the sample, regions absent from it


def _design(features: pl.DataFrame) -> _Design:
    """Constant, features and region dummies; columns constant in the sample are left out."""
    values = features.select(FEATURE_NAMES).to_numpy()
    varying = np.ptp(values, axis=0) > 0
    region = features.get_column("region_code")
    present = [code for code in REGION_CODES if (region == code).any()]
    dummies = [(region == code).to_numpy().astype(np.float64) for code in present[1:]]
    return _Design(
        matrix=np.column_stack([np.ones(features.height), values[:, varying], *dummies]),
        features=[name for name, keep in zip(FEATURE_NAMES, varying, strict=True) if keep],
        regions=present,
        dropped=[name for name, keep in zip(FEATURE_NAMES, varying, strict=True) if not keep]
        + [f"region {code}" for code in REGION_CODES if code not in present],
    )


def fit_milieu(
    features: pl.DataFrame,
    target: npt.NDArray[np.float64],
    *,
    milieu: str,
    method: Method = "quantile",
    quantile: float = DEFAULT_QUANTILE,
) -> Fit:
    """Fit one milieu: `features` as from `IndexModel.features` (with region_code), `target` the
    log consumption of the same rows."""
    if features.height == 0:
        raise PopulationError(f"households: no {milieu} household to fit on")
    import statsmodels.api as sm  # seconds to import: only when fitting

    started = time.perf_counter()
    design = _design(features)
    if method == "ols":
        result = sm.OLS(target, design.matrix).fit()
        r_squared = float(result.rsquared)
    elif method == "quantile":
        result = sm.QuantReg(target, design.matrix).fit(q=quantile, max_iter=5_000)
        r_squared = float(result.prsquared)
    else:
        raise ValueError(f"unknown method {method!r}: choose among {METHODS}")
    params = [float(value) for value in np.asarray(result.params, dtype=np.float64)]
    kept = len(design.features)
    regions = dict.fromkeys(REGION_CODES, 0.0)
    regions.update(zip(design.regions[1:], params[1 + kept :], strict=True))
    coefficients = MilieuCoefficients(
        const=params[0],
        coefficients=dict(zip(design.features, params[1 : 1 + kept], strict=True)),
        regions=regions,
    )
    return Fit(
        milieu=milieu,
        households=features.height,
        coefficients=coefficients,
        dropped=tuple(design.dropped),
        r_squared=r_squared,
        seconds=time.perf_counter() - started,
    )


def calibrate(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    *,
    method: Method = "quantile",
    quantile: float = DEFAULT_QUANTILE,
    sample: int = DEFAULT_SAMPLE,
    as_of: date | None = None,
    description: str | None = None,
    fitted_on: Mapping[str, Any] | None = None,
) -> Calibration:
    """Fit an index model on households with `latent_consumption_pc` (and their persons)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: choose among {METHODS}")
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be strictly between 0 and 1, not {quantile}")
    if sample < 1:
        raise ValueError(f"sample must be positive, not {sample}")
    reference = as_of or first_of_this_month()
    log_consumption(households)  # refuse a population without the truth before any work
    chosen, members = sample_households(households, persons, sample)
    target = log_consumption(chosen)
    features = household_features(chosen, members, as_of=reference)
    fits = {}
    for milieu in MILIEUX:
        rows = (features.get_column("milieu") == milieu).to_numpy()
        fits[milieu] = fit_milieu(
            features.filter(pl.Series(rows)),
            target[rows],
            milieu=milieu,
            method=method,
            quantile=quantile,
        )
    label = f"quantile regression at q = {quantile:g}" if method == "quantile" else "OLS"
    model = IndexModel(
        name=MODEL_NAME,
        version=today().isoformat(),
        illustrative=True,
        description=description
        or (
            f"ILLUSTRATIVE proxy means test fitted by {label} of ln(annual consumption per person)"
            " on a synthetic population; not the official RSU formula, which is not public."
        ),
        urban=fits["urban"].coefficients,
        rural=fits["rural"].coefficients,
        fitted_on={
            **(fitted_on or {}),
            "households": households.height,
            "sample": chosen.height,
            "date": today().isoformat(),
            "method": method,
            **({"quantile": quantile} if method == "quantile" else {}),
            "as_of": reference.isoformat(),
            "fit": {
                milieu: {
                    "households": fit.households,
                    "r_squared" if method == "ols" else "pseudo_r_squared": round(fit.r_squared, 4),
                    "left_out": list(fit.dropped),
                }
                for milieu, fit in fits.items()
            },
        },
    )
    return Calibration(model=model, fits=fits)
