"""Explain one household's month: the programmes' results and the trace of every variable computed
(value, formula version, parameters with their references), as JSON and as readable text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from jisr.rules import money
from jisr.rules.engine import Simulation, Step, System
from jisr.rules.params import Parameters
from jisr.rules.periods import Month

# What the explanation reports, by programme (household variables).
OUTPUTS = (
    "asd_eligible",
    "asd_monthly_amount",
    "asd_children",
    "asd_birth_grant",
    "asd_school_grant",
    "asd_total",
    "amo_tadamon_eligible",
    "amo_achamil_eligible",
    "amo_achamil_contribution",
    "formal_family_allowances",
    "cnss_family_allowances",
)

CHILD_OUTPUTS = ("asd_child_rank", "asd_child_amount", "asd_disability_supplement")


def _json_value(value: Any, dtype: str) -> Any:
    if value is None:
        return None
    if dtype == "money":
        return money.text(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 7)
    return value


def _parameter_value(value: Any, unit: str) -> Any:
    if unit == "MAD":
        return money.text(int(value))
    if unit == "bands":
        return [[edge, money.text(amount)] for edge, amount in value]
    if isinstance(value, tuple):
        return list(value)
    return value


def _step_json(step: Step, simulation: Simulation, system: System) -> dict[str, Any]:
    variable = system[step.variable]
    frame = simulation.frames[step.entity]
    column = frame[step.variable]
    if step.entity == "household":
        value: Any = _json_value(column[0], variable.dtype)
    else:
        value = {
            pid: _json_value(v, variable.dtype)
            for pid, v in zip(frame["person_id"], column, strict=True)
        }
    return {
        "variable": step.variable,
        "entity": step.entity,
        "label": variable.label,
        "value": value,
        "source": step.source,
        "formula_since": step.formula_start.isoformat() if step.formula_start else None,
        "reference": variable.reference or None,
        "parameters": [
            {
                "path": path,
                "value": _parameter_value(found, parameter.unit),
                "since": since.isoformat(),
                "reference": parameter.reference,
                "unverified": parameter.unverified or None,
            }
            for path, (since, found, parameter) in step.parameters.items()
        ],
        "depends": step.depends,
    }


def explain(
    system: System,
    parameters: Parameters,
    month: Month,
    households: pl.DataFrame,
    persons: pl.DataFrame,
) -> dict[str, Any]:
    """The explanation of the first (only) household of the frames."""
    simulation = Simulation(system, parameters, month, households, persons)
    row = simulation.calculate(OUTPUTS).row(0, named=True)
    for name in CHILD_OUTPUTS:
        simulation.compute(name)
    index_step = simulation.steps["index"]
    children = simulation.persons.filter(pl.col("asd_child_rank") > 0).sort("asd_child_rank")
    return {
        "month": str(month),
        "index": {
            "value": _json_value(simulation.households["index"][0], "float"),
            "source": "input" if index_step.source == "input" else "model (illustrative)",
        },
        "programmes": {
            "asd": {
                "eligible": row["asd_eligible"],
                "monthly_amount": money.text(row["asd_monthly_amount"]),
                "children_paid": row["asd_children"],
                "birth_grant": money.text(row["asd_birth_grant"]),
                "school_grant": money.text(row["asd_school_grant"]),
                "total": money.text(row["asd_total"]),
                "children": [
                    {
                        "id": child["person_id"],
                        "rank": child["asd_child_rank"],
                        "amount": money.text(child["asd_child_amount"]),
                        "disability_supplement": money.text(child["asd_disability_supplement"]),
                    }
                    for child in children.iter_rows(named=True)
                    if row["asd_eligible"]  # amounts per child are due only if the household is
                ],
            },
            "amo_tadamon": {"eligible": row["amo_tadamon_eligible"]},
            "amo_achamil": {
                "eligible": row["amo_achamil_eligible"],
                "monthly_contribution": money.text(row["amo_achamil_contribution"]),
            },
            "cnss_family_allowances": {
                "eligible": row["formal_family_allowances"],
                "monthly_amount": money.text(row["cnss_family_allowances"]),
            },
        },
        "parameters_version": parameters.digest(month.first_day),
        "trace": [_step_json(step, simulation, system) for step in simulation.steps.values()],
    }
