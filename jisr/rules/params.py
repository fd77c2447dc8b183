"""Dated parameters: YAML files under `jisr/rules/parameters/`, every value with its effective date
and its legal reference; the value for a month is the one in force on its first day.

A leaf is a mapping with `values` ({date: value}), `description`, `unit`, `reference` and optionally
`unverified` (what is not verified, said plainly). Amounts (`unit: MAD`) are exact: they are read as
`Decimal` and handed to formulas in whole centimes. A reform is a mapping {dotted.path: {date:
value}}
that replaces, from each of its dates, the values in force.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jisr.rules.money import to_centimes

PACKAGED = "jisr.rules"


class ParameterError(ValueError):
    """A parameter file, path or reform is wrong; the message names it."""


@dataclass(frozen=True)
class Parameter:
    path: str
    description: str
    unit: str
    reference: str
    unverified: str
    values: tuple[tuple[dt.date, Any], ...]  # sorted by date

    def at(self, day: dt.date) -> tuple[dt.date, Any] | None:
        """(effective date, value) in force on `day`; None before the first date."""
        found = None
        for start, value in self.values:
            if start <= day:
                found = (start, value)
            else:
                break
        return found

    def describe(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "description": self.description,
            "unit": self.unit,
            "reference": self.reference,
            "unverified": self.unverified or None,
        }


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ParameterError(f"{where}: not a date (YYYY-MM-DD): {value!r}") from error


def _value(value: Any, unit: str, where: str) -> Any:
    if unit == "MAD":
        if isinstance(value, float):
            value = Decimal(str(value))
        try:
            return to_centimes(value)
        except (ValueError, ArithmeticError) as error:
            raise ParameterError(f"{where}: not an amount in MAD: {value!r}") from error
    if unit == "bands":
        try:
            return tuple((float(edge), to_centimes(Decimal(str(amount)))) for edge, amount in value)
        except (TypeError, ValueError) as error:
            raise ParameterError(f"{where}: bands are [[edge, amount], ...]: {value!r}") from error
    if unit == "list":
        if not isinstance(value, list):
            raise ParameterError(f"{where}: expected a list: {value!r}")
        return tuple(value)
    return value


def _leaf(path: str, node: Mapping[str, Any]) -> Parameter:
    unit = str(node.get("unit", ""))
    raw = node.get("values")
    if not isinstance(raw, Mapping) or not raw:
        raise ParameterError(f"{path}: `values` must map dates to values")
    if not node.get("reference"):
        raise ParameterError(f"{path}: every parameter needs a `reference`")
    values = sorted(
        (_date(start, f"{path}.values"), _value(value, unit, f"{path}.values.{start}"))
        for start, value in raw.items()
    )
    return Parameter(
        path=path,
        description=str(node.get("description", "")),
        unit=unit,
        reference=str(node["reference"]),
        unverified=str(node.get("unverified") or ""),
        values=tuple(values),
    )


def _walk(prefix: str, node: Any) -> Iterator[Parameter]:
    if not isinstance(node, Mapping):
        raise ParameterError(f"{prefix}: expected a mapping")
    if "values" in node:
        yield _leaf(prefix, node)
        return
    for key, child in node.items():
        if key == "description":
            continue
        yield from _walk(f"{prefix}.{key}" if prefix else str(key), child)


@dataclass
class Parameters:
    """Every parameter by dotted path."""

    by_path: dict[str, Parameter] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)  # the YAML trees, for reforms

    @classmethod
    def load(cls, directory: Path | None = None) -> Parameters:
        """The packaged parameters (or every `*.yaml` of `directory`)."""
        trees: dict[str, Any] = {}
        if directory is None:
            files = [
                (entry.name, entry.read_text(encoding="utf-8"))
                for entry in (resources.files(PACKAGED) / "parameters").iterdir()
                if entry.name.endswith(".yaml") and not entry.name.startswith("index_model")
            ]
        else:
            files = [(p.name, p.read_text(encoding="utf-8")) for p in directory.glob("*.yaml")]
        for name, text in sorted(files):
            try:
                tree = yaml.safe_load(text)
            except yaml.YAMLError as error:
                raise ParameterError(f"{name}: not valid YAML: {error}") from error
            if not isinstance(tree, dict):
                raise ParameterError(f"{name}: expected a mapping at the top")
            trees.update(tree)
        return cls.from_trees(trees)

    @classmethod
    def from_trees(cls, trees: dict[str, Any]) -> Parameters:
        return cls(by_path={p.path: p for p in _walk("", trees)}, raw=trees)

    def __getitem__(self, path: str) -> Parameter:
        try:
            return self.by_path[path]
        except KeyError:
            raise ParameterError(f"no such parameter: {path}") from None

    def with_reform(self, changes: Mapping[str, Mapping[Any, Any]]) -> Parameters:
        """A copy where each dated value of a path replaces the values in force from its date."""
        trees = copy.deepcopy(self.raw)
        for path, dated in changes.items():
            self[path]  # an unknown path is an error, not a silent no-op
            if not isinstance(dated, Mapping) or not dated:
                raise ParameterError(f"reform of {path}: give {{date: value}}")
            node: Any = trees
            for key in path.split("."):
                node = node[key]
            starts = {_date(start, f"reform of {path}"): value for start, value in dated.items()}
            first = min(starts)
            kept = {
                start: value
                for start, value in node["values"].items()
                if _date(start, path) < first
            }
            node["values"] = {**kept, **{start.isoformat(): v for start, v in starts.items()}}
        return Parameters.from_trees(trees)

    def digest(self, day: dt.date) -> str:
        """A short hash of every value in force on `day` (the "parameter version" of a decision)."""
        resolved = {path: p.at(day) for path, p in sorted(self.by_path.items())}
        text = json.dumps(resolved, default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
