"""The index's features: what the registry knows of a household, as numbers a formula can weigh.

Each feature is a NumPy function of a household's *inputs* — the households' columns as arrays
(categories as small integer codes) and the composition computed from the persons
(`jisr.rules.index._composition`) — so that a whole population is a few vectorised passes, in
cache-sized slices. The catalogue below is the model file's vocabulary: a coefficient names one of
these features, and the model file repeats each feature's description so that it documents itself.

Categories are dummies against a reference category (coefficient 0 by construction): the most
common situation, so that a coefficient reads as "compared with the usual household".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from jisr.reference import regions
from jisr.rules.index._composition import COMPOSITION_COLUMNS
from jisr.rules.index.errors import PopulationError

Array = npt.NDArray[np.float64]
Inputs = Mapping[str, npt.NDArray[np.generic]]  # input name -> one value a household

# column -> (reference category, the other categories): codes of docs/formats.md
CATEGORIES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "housing_type": (
        "modern_house",
        ("villa_apartment", "traditional_house", "shanty", "rural_house", "other"),
    ),
    "tenure": ("owner", ("tenant", "free", "other")),
    "water_source": ("piped_in_dwelling", ("public_tap", "well", "other")),
    "electricity": ("grid", ("solar", "none")),
    "sanitation": ("sewer", ("septic", "none")),
}
ASSET_NAMES: Mapping[str, str] = {
    "has_fridge": "a fridge",
    "has_tv": "a television",
    "has_satellite": "a satellite dish",
    "has_washing_machine": "a washing machine",
    "has_computer": "a computer",
    "has_internet": "internet access",
    "has_car": "a car",
    "has_motorbike": "a motorbike",
}
ASSETS = tuple(ASSET_NAMES)
SPENDING = ("spend_water", "spend_electricity", "spend_butane", "spend_telephone")
NUMBERS = ("rooms", *ASSETS, "mobile_phones", *SPENDING)
MILIEUX = ("urban", "rural")
REGION_CODES: tuple[str, ...] = tuple(region.code for region in regions())

# The households' columns the index reads.
HOUSEHOLD_COLUMNS = ("household_id", "region_code", "milieu", *CATEGORIES, *NUMBERS)


@dataclass(frozen=True)
class Feature:
    name: str
    description: str
    compute: Callable[[Inputs], Array]


def _float(values: npt.NDArray[np.generic]) -> Array:
    return np.asarray(values, dtype=np.float64)


def _dummy(column: str, code: int) -> Callable[[Inputs], Array]:
    return lambda inputs: _float(inputs[column] == code)


def _per_person(column: str) -> Callable[[Inputs], Array]:
    return lambda inputs: _float(inputs[column]) / _float(inputs["n"])


def _log_spending(column: str) -> Callable[[Inputs], Array]:
    return lambda inputs: np.log1p(_float(inputs[column]) / _float(inputs["n"]))


def _plain(column: str) -> Callable[[Inputs], Array]:
    return lambda inputs: _float(inputs[column])


def _categorical() -> list[Feature]:
    return [
        Feature(
            f"{column}_{category}",
            f"1 if {column} = {category}, against {reference}",
            _dummy(column, code),
        )
        for column, (reference, categories) in CATEGORIES.items()
        for code, category in enumerate(categories, start=1)
    ]


def _assets() -> list[Feature]:
    features = [
        Feature(asset, f"1 if the household has {label}", _plain(asset))
        for asset, label in ASSET_NAMES.items()
    ]
    features.append(Feature("mobile_phones", "number of mobile phones", _plain("mobile_phones")))
    return features


def _spending() -> list[Feature]:
    return [
        Feature(
            f"log_{column}_pc",
            f"ln(1 + declared monthly {column.removeprefix('spend_')} spending per person, MAD)",
            _log_spending(column),
        )
        for column in SPENDING
    ]


def _demography() -> list[Feature]:
    return [
        Feature("size", "household size n (persons)", _plain("n")),
        Feature("size_sq", "n squared", lambda inputs: _float(inputs["n"]) ** 2),
        Feature(
            "share_children",
            "share of members aged 0-14 at the reference date",
            _per_person("children"),
        ),
        Feature(
            "share_elderly",
            "share of members aged 60 or more at the reference date",
            _per_person("elderly"),
        ),
        Feature("head_female", "1 if the head of household is a woman", _plain("head_female")),
        Feature("head_age", "age of the head in completed years", _plain("head_age")),
        Feature(
            "head_age_sq",
            "head's age squared, divided by 100",
            lambda inputs: _float(inputs["head_age"]) ** 2 / 100.0,
        ),
        Feature(
            "disability_present",
            "1 if at least one member has a disability",
            lambda inputs: (_float(inputs["disabled"]) > 0).astype(np.float64),
        ),
    ]


FEATURES: tuple[Feature, ...] = (
    *_categorical(),
    Feature("rooms_per_person", "rooms used for living per household member", _per_person("rooms")),
    *_assets(),
    *_spending(),
    *_demography(),
)
FEATURE_NAMES: tuple[str, ...] = tuple(feature.name for feature in FEATURES)
BY_NAME: Mapping[str, Feature] = {feature.name: feature for feature in FEATURES}
DESCRIPTIONS: Mapping[str, str] = {feature.name: feature.description for feature in FEATURES}


def _codes(households: pl.DataFrame, column: str, values: tuple[str, ...]) -> npt.NDArray[Any]:
    """Position of each household's value in `values`; a value outside them is refused."""
    series = households.get_column(column)
    try:
        return series.cast(pl.Enum(values)).to_physical().to_numpy()
    except pl.exceptions.InvalidOperationError:
        bad = series.filter(~series.is_in(values)).unique(maintain_order=True).head(3).to_list()
        raise PopulationError(
            f"households.{column}: value(s) outside {list(values)}, e.g. {bad}"
        ) from None


def inputs(households: pl.DataFrame, composition: pl.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """The features' inputs as arrays, one value a household (in the households' order)."""
    nulls = [
        column for column in HOUSEHOLD_COLUMNS if households.get_column(column).null_count() > 0
    ]
    if nulls:
        raise PopulationError(f"households: empty value(s) in column(s) {', '.join(nulls)}")
    arrays: dict[str, npt.NDArray[Any]] = {
        "urban": _codes(households, "milieu", ("rural", "urban")).astype(np.bool_),
        "region": _codes(households, "region_code", REGION_CODES),
    }
    for column, (reference, categories) in CATEGORIES.items():
        arrays[column] = _codes(households, column, (reference, *categories))
    for column in NUMBERS:
        arrays[column] = households.get_column(column).to_numpy()
    for column in COMPOSITION_COLUMNS:
        arrays[column] = composition.get_column(column).to_numpy()
    return arrays
