"""Dated parameters: resolution by month, references, reforms, errors naming the parameter."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from jisr.rules.params import ParameterError, Parameters


@pytest.fixture(scope="module")
def parameters() -> Parameters:
    return Parameters.load()


def test_every_parameter_has_a_reference_and_dated_values(parameters: Parameters) -> None:
    assert len(parameters.by_path) > 30
    for parameter in parameters.by_path.values():
        assert parameter.reference
        assert parameter.values
        assert list(parameter.values) == sorted(parameter.values, key=lambda v: v[0])


def test_the_value_in_force_is_the_last_one_started(parameters: Parameters) -> None:
    orphan = parameters["asd.amounts.orphan_first_ranks"]
    assert orphan.at(dt.date(2023, 11, 30)) is None
    assert orphan.at(dt.date(2023, 12, 1)) == (dt.date(2023, 12, 1), 35000)
    assert orphan.at(dt.date(2024, 12, 31))[1] == 35000
    assert orphan.at(dt.date(2025, 1, 1))[1] == 37500
    assert orphan.at(dt.date(2030, 1, 1))[1] == 40000


def test_unverified_values_say_so(parameters: Parameters) -> None:
    assert "not verified" in parameters["asd.threshold"].unverified
    assert parameters["amo.tadamon.threshold"].unverified == ""


def test_a_reform_replaces_values_from_its_date_only(parameters: Parameters) -> None:
    reformed = parameters.with_reform({"asd.amounts.young_first_ranks": {"2027-01-01": 350}})
    young = reformed["asd.amounts.young_first_ranks"]
    assert young.at(dt.date(2026, 12, 1))[1] == 30000
    assert young.at(dt.date(2027, 1, 1))[1] == 35000
    assert parameters["asd.amounts.young_first_ranks"].at(dt.date(2027, 1, 1))[1] == 30000
    assert reformed.digest(dt.date(2027, 1, 1)) != parameters.digest(dt.date(2027, 1, 1))
    assert reformed.digest(dt.date(2026, 1, 1)) == parameters.digest(dt.date(2026, 1, 1))


def test_a_reform_replaces_later_steps_too(parameters: Parameters) -> None:
    reformed = parameters.with_reform({"asd.amounts.young_first_ranks": {"2024-06-01": 280}})
    young = reformed["asd.amounts.young_first_ranks"]
    assert young.at(dt.date(2026, 6, 1))[1] == 28000  # the 2025 and 2026 steps are replaced


@pytest.mark.parametrize(
    ("reform", "message"),
    [
        ({"asd.no_such_thing": {"2027-01-01": 1}}, "no such parameter: asd.no_such_thing"),
        ({"asd.minimum": {"2027-13-01": 1}}, "not a date"),
        ({"asd.minimum": {"2027-01-01": "lots"}}, "not an amount"),
        ({"asd.minimum": {"2027-01-01": "1.005"}}, "not an amount"),
        ({"asd.minimum": 600}, "give {date: value}"),
    ],
)
def test_bad_reforms_name_the_parameter(
    parameters: Parameters, reform: dict[str, Any], message: str
) -> None:
    with pytest.raises(ParameterError, match=re.escape(message)):
        parameters.with_reform(reform)


def test_a_parameter_without_reference_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"x\.y: every parameter needs a `reference`"):
        Parameters.from_trees({"x": {"y": {"values": {"2024-01-01": 1}}}})
