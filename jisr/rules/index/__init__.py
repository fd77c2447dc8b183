"""The socio-economic index — an ILLUSTRATIVE proxy means test (pure Python, no Django).

The index predicts the natural log of a household's annual consumption per person (MAD), the scale
of the published thresholds (ASD: below 9.743001; AMO Tadamon: at most 9.3264284), from its
housing, assets, declared spending and composition, with urban and rural coefficients and region
effects. The official RSU formula is not public: the packaged coefficients
(`jisr/rules/parameters/index_model.yaml`) are fitted on the synthetic population and must never
be presented as the official ones.

    model = IndexModel.load()                      # or IndexModel.load("other.yaml")
    index = model.predict(households, persons)     # pl.Series "index", one per household, in order

    from jisr.rules.index import calibrate, evaluate   # the modules (their functions share names)
    calibrate.calibrate(households, persons, method="quantile", quantile=0.4).model.dump(path)
    evaluate.evaluate(households, persons, model=model).write(out_dir)

Command line: `python -m jisr.rules.index calibrate|evaluate ...` (`jisr.rules.index.cli`).
Documentation: docs/index.md.
"""

from typing import Any

from jisr.rules.index.errors import IndexInputError, ModelFileError, PopulationError
from jisr.rules.index.features import FEATURE_NAMES, FEATURES, Feature
from jisr.rules.index.model import (
    ASD_THRESHOLD,
    DEFAULT_MODEL_PATH,
    TADAMON_THRESHOLD,
    IndexModel,
    MilieuCoefficients,
    household_features,
    packaged,
)
from jisr.rules.index.population import Population, read_population

__all__ = [
    "ASD_THRESHOLD",
    "DEFAULT_MODEL_PATH",
    "FEATURES",
    "FEATURE_NAMES",
    "TADAMON_THRESHOLD",
    "Calibration",
    "Evaluation",
    "Feature",
    "Fit",
    "IndexInputError",
    "IndexModel",
    "MilieuCoefficients",
    "ModelFileError",
    "Population",
    "PopulationError",
    "evaluate_index",
    "fit_milieu",
    "household_features",
    "packaged",
    "read_population",
]

# Calibration and evaluation need statsmodels and matplotlib (seconds to import): loaded on first
# use, so that computing the index (every rules run) does not pay for them.
_LAZY = {
    "Calibration": "calibrate",
    "Fit": "calibrate",
    "fit_milieu": "calibrate",
    "Evaluation": "evaluate",
    "evaluate_index": "evaluate",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f"jisr.rules.index.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
