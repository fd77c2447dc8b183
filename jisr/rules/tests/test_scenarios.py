"""Policy-readable scenarios (scenarios/*.yaml): one household, expected results month by month.

An expectation key is a path into the explanation's `programmes`
(`asd.monthly_amount`, `asd.children.0.amount`, `amo_achamil.monthly_contribution`, …).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from jisr.rules.engine import System
from jisr.rules.explain import explain
from jisr.rules.params import Parameters
from jisr.rules.periods import Month
from jisr.rules.population import from_json
from jisr.rules.variables import build

HERE = Path(__file__).parent / "scenarios"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        for scenario in yaml.safe_load(path.read_text(encoding="utf-8")):
            for month, expected in scenario["months"].items():
                cases.append(
                    pytest.param(
                        scenario,
                        str(month),
                        expected,
                        id=f"{path.stem}: {scenario['name']} @ {month}",
                    )
                )
    return cases


def _at(result: dict[str, Any], path: str) -> Any:
    value: Any = result["programmes"]
    for key in path.split("."):
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


@pytest.fixture(scope="module")
def system() -> System:
    return build()


@pytest.fixture(scope="module")
def parameters() -> Parameters:
    return Parameters.load()


@pytest.mark.parametrize(("scenario", "month", "expected"), _cases())
def test_scenario(
    scenario: dict[str, Any],
    month: str,
    expected: dict[str, Any],
    system: System,
    parameters: Parameters,
) -> None:
    households, persons = from_json({"household": scenario["household"]})
    result = explain(system, parameters, Month.parse(month), households, persons)
    got = {path: _at(result, path) for path in expected}
    assert got == expected


def test_every_scenario_file_has_cases() -> None:
    assert len(_cases()) >= 40
