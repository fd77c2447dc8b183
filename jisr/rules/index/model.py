"""The socio-economic index: a proxy means test predicting log consumption per person.

ILLUSTRATIVE. The official RSU formula is not public. This model has its shape (a prediction of the
natural log of annual consumption per person, in MAD, from housing, assets, declared spending and
demography, with separate urban and rural coefficients and region effects), so that its values sit
on the scale of the published thresholds (ASD: below 9.743001; AMO Tadamon: at most 9.3264284). Its
coefficients come from `jisr/rules/parameters/index_model.yaml`, fitted on the synthetic population
(`jisr.rules.index.calibrate`); they are not, and must never be presented as, the official ones.

    model = IndexModel.load()                    # the packaged illustrative model
    index = model.predict(households, persons)   # Float64 "index", one per household, same order
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import polars as pl
import yaml

from jisr.rules.index._composition import PERSON_COLUMNS, composition
from jisr.rules.index.errors import ModelFileError, PopulationError
from jisr.rules.index.features import (
    BY_NAME,
    DESCRIPTIONS,
    FEATURE_NAMES,
    HOUSEHOLD_COLUMNS,
    REGION_CODES,
    Array,
    inputs,
)

DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[1] / "parameters" / "index_model.yaml"
# Households per slice: a slice's feature matrix (about 40 × 8,192 × 8 bytes = 2.6 MB) stays in the
# processor's cache while it is built and multiplied. Speed only: results do not depend on it.
SLICE_ROWS = 1 << 13
MOROCCO = ZoneInfo("Africa/Casablanca")

# Thresholds on the index's scale (reference file: "Direct Social Support", "Health insurance").
ASD_THRESHOLD = 9.743001  # ASD: index below this value (third-party code; unverified in the decree)
TADAMON_THRESHOLD = 9.3264284  # AMO Tadamon: index at most this value (decree 2.22.923)


COEFFICIENT_DECIMALS = 6  # in the model file: far below any effect on a threshold decision
TARGET_DESCRIPTION = "natural log of annual consumption per person (MAD)"
ILLUSTRATIVE_HEADER = """\
# ILLUSTRATIVE socio-economic index (proxy means test) for Jisr.
# NOT the official RSU formula, which is not public: coefficients fitted on a SYNTHETIC population.
# index = const + sum(coefficient x feature) + region effect, with the milieu's (urban or rural)
# coefficients; a feature without a coefficient counts 0. Features are described under
# `features`; region effects are against region 01 (codes of jisr/reference/regions.csv); the fit
# is under `fitted_on`. See docs/index.md (calibration, evaluation, measured targeting errors).
"""


def today() -> date:
    """Today in Morocco."""
    return datetime.now(tz=MOROCCO).date()


def first_of_this_month() -> date:
    """The default reference date for ages: the 1st of the current month, Moroccan time."""
    return today().replace(day=1)


@dataclass(frozen=True)
class MilieuCoefficients:
    """One milieu's formula: index = const + Σ coefficient × feature + region effect."""

    const: float
    coefficients: Mapping[str, float]
    regions: Mapping[str, float]

    def to_mapping(self) -> dict[str, Any]:
        return {
            "const": _rounded(self.const),
            "coefficients": {name: _rounded(value) for name, value in self.coefficients.items()},
            "regions": {_Code(code): _rounded(value) for code, value in self.regions.items()},
        }


class _Code(str):
    """A code written quoted ('08'), so that no YAML reader takes it for a number."""

    __slots__ = ()


class _Dumper(yaml.SafeDumper):
    """Codes quoted; long texts folded (`>`), for a model file people read and review."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = ">" if len(text) > 80 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_code(dumper: yaml.SafeDumper, code: _Code) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(code), style="'")


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Code, _represent_code)


def _rounded(value: float) -> float:
    return round(value, COEFFICIENT_DECIMALS)


def _plain(value: Any) -> Any:
    """Mappings and sequences as plain dicts and lists (what YAML's safe dumper writes)."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ModelFileError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _milieu(data: object, where: str) -> MilieuCoefficients:
    if not isinstance(data, Mapping):
        raise ModelFileError(f"{where}: expected a mapping with const, coefficients, regions")
    coefficients = data.get("coefficients") or {}
    region_effects = data.get("regions") or {}
    if not isinstance(coefficients, Mapping) or not isinstance(region_effects, Mapping):
        raise ModelFileError(f"{where}: coefficients and regions must be mappings")
    unknown = sorted(set(map(str, coefficients)) - set(FEATURE_NAMES))
    if unknown:
        raise ModelFileError(f"{where}.coefficients: unknown feature(s) {unknown}")
    missing = sorted(set(REGION_CODES) - set(map(str, region_effects)))
    extra = sorted(set(map(str, region_effects)) - set(REGION_CODES))
    if missing or extra:
        raise ModelFileError(f"{where}.regions: missing {missing}, unknown {extra}")
    return MilieuCoefficients(
        const=_number(data.get("const"), f"{where}.const"),
        coefficients={
            name: _number(coefficients[name], f"{where}.coefficients.{name}")
            for name in FEATURE_NAMES
            if name in coefficients
        },
        regions={
            code: _number(region_effects[code], f"{where}.regions.{code}") for code in REGION_CODES
        },
    )


@dataclass(frozen=True)
class IndexModel:
    """An index formula: metadata, and the urban and rural coefficient sets."""

    name: str
    version: str
    illustrative: bool
    description: str
    urban: MilieuCoefficients
    rural: MilieuCoefficients
    fitted_on: Mapping[str, Any] = field(default_factory=dict)
    source: Path | None = None

    @classmethod
    def load(cls, path: Path | str | None = None) -> IndexModel:
        """Read a model file (default: the packaged illustrative model)."""
        location = Path(path) if path is not None else DEFAULT_MODEL_PATH
        try:
            data = yaml.safe_load(location.read_text(encoding="utf-8"))
        except OSError as error:
            raise ModelFileError(f"{location}: cannot read the model file ({error})") from error
        except yaml.YAMLError as error:
            raise ModelFileError(f"{location}: not valid YAML ({error})") from error
        return cls.from_mapping(data, source=location)

    @classmethod
    def from_mapping(cls, data: object, *, source: Path | None = None) -> IndexModel:
        where = str(source) if source is not None else "model"
        if not isinstance(data, Mapping):
            raise ModelFileError(f"{where}: expected a mapping at the top level")
        for key in ("name", "version", "illustrative", "urban", "rural"):
            if key not in data:
                raise ModelFileError(f"{where}: missing key '{key}'")
        return cls(
            name=str(data["name"]),
            version=str(data["version"]),
            illustrative=bool(data["illustrative"]),
            description=str(data.get("description", "")),
            urban=_milieu(data["urban"], f"{where}: urban"),
            rural=_milieu(data["rural"], f"{where}: rural"),
            fitted_on=dict(data.get("fitted_on") or {}),
            source=source,
        )

    def to_mapping(self) -> dict[str, Any]:
        """The model file's content: metadata, feature descriptions, the two coefficient sets."""
        return {
            "name": self.name,
            "version": self.version,
            "illustrative": self.illustrative,
            "description": self.description,
            "target": TARGET_DESCRIPTION,
            "fitted_on": _plain(self.fitted_on),
            "features": dict(DESCRIPTIONS),
            "urban": self.urban.to_mapping(),
            "rural": self.rural.to_mapping(),
        }

    def to_yaml(self) -> str:
        header = ILLUSTRATIVE_HEADER if self.illustrative else ""
        body = yaml.dump(
            self.to_mapping(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88
        )
        return header + body

    def dump(self, path: Path) -> Path:
        """Write the model file (YAML)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_yaml(), encoding="utf-8")
        return path

    def coefficients_for(self, milieu: str) -> MilieuCoefficients:
        return self.urban if milieu == "urban" else self.rural

    def features(
        self, households: pl.DataFrame, persons: pl.DataFrame, *, as_of: date | None = None
    ) -> pl.DataFrame:
        """One row per household, in order: household_id, milieu, region_code and every feature."""
        return household_features(households, persons, as_of=as_of)

    def predict(
        self, households: pl.DataFrame, persons: pl.DataFrame, *, as_of: date | None = None
    ) -> pl.Series:
        """The index of each household (Float64 series "index"), in the households' order.

        Slice by slice, the feature matrix is multiplied by both coefficient sets at once and each
        household keeps its own milieu's result.
        """
        arrays = _inputs(households, persons, as_of or first_of_this_month())
        milieux = (self.rural, self.urban)  # position 0 rural, 1 urban, as `arrays["urban"]`
        names = [name for name in FEATURE_NAMES if any(m.coefficients.get(name) for m in milieux)]
        weights = np.array(
            [[m.coefficients.get(name, 0.0) for name in names] for m in milieux], dtype=np.float64
        ).reshape(2, len(names))
        offsets = np.array(
            [[m.const + m.regions[code] for code in REGION_CODES] for m in milieux],
            dtype=np.float64,
        )
        index = offsets[arrays["urban"].astype(np.intp), arrays["region"].astype(np.intp)]
        for start in range(0, households.height, SLICE_ROWS):
            part = _slice(arrays, start)
            # (2 × features) @ (features × households): a column-major matrix, transposed for free.
            both = weights @ _matrix(part, names).T
            index[start : start + SLICE_ROWS] += np.where(part["urban"], both[1], both[0])
        return pl.Series("index", index, dtype=pl.Float64)


def household_features(
    households: pl.DataFrame, persons: pl.DataFrame, *, as_of: date | None = None
) -> pl.DataFrame:
    """One row per household, in order: household_id, milieu, region_code and every feature
    (whatever the coefficients: the features are the same for every model)."""
    arrays = _inputs(households, persons, as_of or first_of_this_month())
    matrix = np.empty((households.height, len(FEATURE_NAMES)), dtype=np.float64)
    for start in range(0, households.height, SLICE_ROWS):
        matrix[start : start + SLICE_ROWS] = _matrix(_slice(arrays, start), FEATURE_NAMES)
    return pl.concat(
        [
            households.select("household_id", "milieu", "region_code"),
            pl.from_numpy(matrix, schema=list(FEATURE_NAMES), orient="row"),
        ],
        how="horizontal",
    )


def _slice(arrays: Mapping[str, npt.NDArray[Any]], start: int) -> dict[str, npt.NDArray[Any]]:
    return {name: values[start : start + SLICE_ROWS] for name, values in arrays.items()}


def _matrix(part: Mapping[str, npt.NDArray[Any]], names: Sequence[str]) -> Array:
    rows = len(part["urban"])
    matrix = np.empty((rows, len(names)), dtype=np.float64, order="F")
    for column, name in enumerate(names):
        matrix[:, column] = BY_NAME[name].compute(part)
    return matrix


def _require(frame: pl.DataFrame, columns: Sequence[str], table: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise PopulationError(f"{table}: missing column(s) {', '.join(missing)}")


def _inputs(
    households: pl.DataFrame, persons: pl.DataFrame, as_of: date
) -> dict[str, npt.NDArray[Any]]:
    """The households' inputs next to their composition, as arrays in the households' order."""
    _require(households, HOUSEHOLD_COLUMNS, "households")
    _require(persons, PERSON_COLUMNS, "persons")
    if persons.schema["birth_date"] != pl.Date:
        raise PopulationError(
            f"persons.birth_date: expected dates, got {persons.schema['birth_date']}"
        )
    people = composition(households, persons.select(PERSON_COLUMNS), as_of)
    return inputs(households, people)


@cache
def packaged() -> IndexModel:
    """The packaged illustrative model, read once per process (every rules run computes the index,
    and an explanation is one household: rereading the YAML each time would dominate it)."""
    return IndexModel.load()
