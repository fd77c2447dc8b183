"""Properties of the ASD, AMO and CNSS rules on random households (hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jisr.rules.engine import Simulation
from jisr.rules.explain import explain
from jisr.rules.params import Parameters
from jisr.rules.periods import Month
from jisr.rules.population import from_json
from jisr.rules.tests.strategies import REFERENCE, households
from jisr.rules.variables import build

SYSTEM, PARAMETERS = build(), Parameters.load()
MONTH = Month.of(REFERENCE)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(household: dict[str, Any], month: Month = MONTH) -> dict[str, Any]:
    frames = from_json({"household": household})
    result: dict[str, Any] = explain(SYSTEM, PARAMETERS, month, *frames)["programmes"]
    return result


def amount(value: str) -> Decimal:
    return Decimal(value)


@FAST
@given(households())
def test_an_eligible_household_never_gets_less_than_500(household: dict[str, Any]) -> None:
    asd = run(household)["asd"]
    if asd["eligible"]:
        assert amount(asd["monthly_amount"]) >= 500
    else:
        assert amount(asd["total"]) == 0
        assert asd["children"] == []


@FAST
@given(households(max_children=12))
def test_never_more_than_six_children_paid(household: dict[str, Any]) -> None:
    asd = run(household)["asd"]
    assert asd["children_paid"] <= 6
    assert len([c for c in asd["children"] if amount(c["amount"]) > 0]) <= 6


@FAST
@given(households(), st.booleans(), st.booleans())
def test_a_birth_never_lowers_the_monthly_amount(
    household: dict[str, Any], disabled: bool, orphan: bool
) -> None:
    """Monotone in the number of children: a new child (the youngest, as a birth is) never lowers
    the amount. Ranks are birth ranks (eldest first), so a newborn takes the next rank."""
    before = run(household)["asd"]
    grown = copy.deepcopy(household)
    newborn = {
        "id": "newborn",
        "relationship": "child",
        "sex": "F",
        "birth_date": (REFERENCE - dt.timedelta(days=1)).isoformat(),
        "disabled": disabled,
        "father_deceased": orphan,
    }
    grown["members"].append(newborn)
    after = run(grown)["asd"]
    assert amount(after["monthly_amount"]) >= amount(before["monthly_amount"])


@FAST
@given(households())
def test_ineligible_above_the_threshold(household: dict[str, Any]) -> None:
    household["index"] = 9.743001 + abs(household["index"] - 9.0)
    assert amount(run(household)["asd"]["total"]) == 0


@FAST
@given(households())
def test_asd_and_formal_family_allowances_never_overlap(household: dict[str, Any]) -> None:
    result = run(household)
    if result["cnss_family_allowances"]["eligible"]:
        assert not result["asd"]["eligible"]
    assert not (
        amount(result["asd"]["total"]) > 0
        and amount(result["cnss_family_allowances"]["monthly_amount"]) > 0
    )


@FAST
@given(households())
def test_tadamon_and_achamil_exclude_each_other(household: dict[str, Any]) -> None:
    result = run(household)
    assert not (result["amo_tadamon"]["eligible"] and result["amo_achamil"]["eligible"])
    if not result["amo_achamil"]["eligible"]:
        assert result["amo_achamil"]["monthly_contribution"] == "0.00"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(households(), min_size=1, max_size=12), st.sampled_from(["2024-09", "2026-03"]))
def test_explain_and_batch_give_the_same_amounts(
    population: list[dict[str, Any]], month_text: str
) -> None:
    """The same pure code for one household and for many: identical results."""
    month = Month.parse(month_text)
    frames = []
    for number, household in enumerate(population):
        h, p = from_json({"household": household})
        frames.append((h.with_columns(household_id=pl.lit(f"h{number}")),
                       p.with_columns(household_id=pl.lit(f"h{number}"))))  # fmt: skip
    all_h = pl.concat([h for h, _ in frames], how="diagonal_relaxed")
    all_p = pl.concat([p for _, p in frames], how="diagonal_relaxed")
    names = ["asd_eligible", "asd_total", "asd_monthly_amount", "amo_achamil_contribution"]
    batch = Simulation(SYSTEM, PARAMETERS, month, all_h, all_p).calculate(names)
    for number, household in enumerate(population):
        one = run(household, month)
        row = batch.row(number, named=True)
        assert row["asd_eligible"] == one["asd"]["eligible"]
        assert Decimal(row["asd_total"]) / 100 == amount(one["asd"]["total"])
        assert Decimal(row["asd_monthly_amount"]) / 100 == amount(one["asd"]["monthly_amount"])
        assert Decimal(row["amo_achamil_contribution"]) / 100 == amount(
            one["amo_achamil"]["monthly_contribution"]
        )
