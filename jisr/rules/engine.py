"""The rules engine: variables with dated formulas, computed on whole columns with Polars.

Two entities: `household` (one row per household) and `person` (one row per person, with `_h`, the
row of their household). A formula is a function of a `Calc` that returns a Polars expression (or a
Series) over its entity's frame; asking the `Calc` for another variable computes it first, so
dependencies resolve themselves and only what is asked for is computed. The same code answers one
household (explain) and the whole Kingdom (batch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from jisr.rules.params import Parameter, ParameterError, Parameters
from jisr.rules.periods import Month

Entity = Literal["household", "person"]
DTYPES: dict[str, pl.DataType] = {
    "bool": pl.Boolean(),
    "int": pl.Int64(),
    "money": pl.Int64(),  # whole centimes of MAD
    "float": pl.Float64(),
    "str": pl.String(),
    "date": pl.Date(),
}


class RulesError(ValueError):
    """A variable cannot be computed (unknown, cyclic, no formula in force, wrong entity)."""


@dataclass(frozen=True)
class Formula:
    start: dt.date
    function: Callable[[Calc], Any]


@dataclass
class Variable:
    name: str
    entity: Entity
    dtype: str
    label: str
    reference: str = ""
    default: Any = None  # used when the variable is an input that the data does not give
    formulas: list[Formula] = field(default_factory=list)

    def formula_at(self, day: dt.date) -> Formula | None:
        found = None
        for formula in sorted(self.formulas, key=lambda f: f.start):
            if formula.start <= day:
                found = formula
        return found


class System:
    """The set of variables (a tax-benefit system, in OpenFisca's words)."""

    def __init__(self) -> None:
        self.variables: dict[str, Variable] = {}

    def declare(
        self,
        name: str,
        entity: Entity,
        dtype: str,
        label: str,
        *,
        reference: str = "",
        default: Any = None,
    ) -> Variable:
        if name in self.variables:
            raise RulesError(f"variable declared twice: {name}")
        if dtype not in DTYPES:
            raise RulesError(f"{name}: unknown type {dtype}")
        variable = Variable(name, entity, dtype, label, reference, default)
        self.variables[name] = variable
        return variable

    def formula(self, name: str, since: str = "1900-01-01") -> Callable[[Callable[..., Any]], Any]:
        """Decorator: a formula of `name` in force from `since`."""

        def register(function: Callable[[Calc], Any]) -> Callable[[Calc], Any]:
            self[name].formulas.append(Formula(dt.date.fromisoformat(since), function))
            return function

        return register

    def __getitem__(self, name: str) -> Variable:
        try:
            return self.variables[name]
        except KeyError:
            raise RulesError(f"unknown variable: {name}") from None


@dataclass
class Step:
    """How one variable was obtained, for the explanation."""

    variable: str
    entity: Entity
    source: str  # "input", "default" or "formula"
    formula_start: dt.date | None = None
    parameters: dict[str, tuple[dt.date, Any, Parameter]] = field(default_factory=dict)
    depends: list[str] = field(default_factory=list)


class Calc:
    """What a formula sees: its entity's variables, the other entity's, parameters, the month."""

    def __init__(self, simulation: Simulation, step: Step) -> None:
        self._sim = simulation
        self._step = step
        self.month = simulation.month
        self.day = simulation.month.reference_day

    def _need(self, name: str, entity: Entity) -> None:
        variable = self._sim.system[name]
        if variable.entity != entity:
            raise RulesError(f"{self._step.variable}: {name} is a {variable.entity} variable")
        self._sim.compute(name)
        if name not in self._step.depends:
            self._step.depends.append(name)

    def __call__(self, name: str) -> pl.Expr:
        """A variable of the formula's own entity."""
        self._need(name, self._step.entity)
        return pl.col(name)

    def p(self, path: str) -> Any:
        """The parameter value in force on the month's first day."""
        found = self.p_or_none(path)
        if found is None:
            first = self._sim.parameters[path].values[0][0]
            raise ParameterError(f"{path} has no value before {first} (asked for {self.month})")
        return found

    def lit(self, path: str) -> pl.Expr:
        """The parameter as a Polars literal (to compare columns with)."""
        return pl.lit(self.p(path))

    def items(self, path: str) -> list[Any]:
        """A list parameter (for `is_in`)."""
        return list(self.p(path))

    def p_or_none(self, path: str) -> Any:
        parameter = self._sim.parameters[path]
        found = parameter.at(self.month.first_day)
        if found is None:
            return None
        self._step.parameters[path] = (found[0], found[1], parameter)
        return found[1]

    def given(self, name: str) -> bool:
        """The population gives this variable (a column of its entity's frame)."""
        return name in self._sim.frames[self._sim.system[name].entity].columns

    def population(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The household and person frames as they are now (for models reading many columns)."""
        return self._sim.households, self._sim.persons

    # person formulas reading their household
    def household(self, name: str) -> pl.Expr:
        if self._step.entity != "person":
            raise RulesError(f"{self._step.variable}: household() is for person formulas")
        self._need(name, "household")
        self._sim.broadcast(name)
        return pl.col(name)

    # household formulas aggregating their members
    def members_sum(self, name: str) -> pl.Series:
        return self._aggregate(name, "sum")

    def members_sum_if(self, name: str, condition: str) -> pl.Expr:
        """The members' sum of `name` where the household's `condition` holds, else 0."""
        total = self.members_sum(name)
        return pl.when(self(condition)).then(pl.lit(total)).otherwise(0)

    def members_any(self, name: str) -> pl.Series:
        return self._aggregate(name, "any")

    def members_count(self, name: str) -> pl.Series:
        return self._aggregate(name, "count")

    def _aggregate(self, name: str, how: str) -> pl.Series:
        if self._step.entity != "household":
            raise RulesError(f"{self._step.variable}: member aggregates are for households")
        self._need(name, "person")
        return self._sim.aggregate(name, how)

    def rank(self, counted: str, *, youngest_first: bool = False) -> pl.Series:
        """Rank (1, 2, …) of each person among their household's members for whom `counted` is
        true, by birth date (eldest first unless `youngest_first`; ties in roster order); 0 for
        the others."""
        self._need(counted, "person")
        return self._sim.rank(counted, youngest_first=youngest_first)


class Simulation:
    """A population (household and person frames) for one month, computed on demand."""

    def __init__(
        self,
        system: System,
        parameters: Parameters,
        month: Month,
        households: pl.DataFrame,
        persons: pl.DataFrame,
        *,
        person_ids: bool = True,
    ) -> None:
        """`person_ids=False` (batches) drops the persons' identifiers: nothing computes on them,
        and 36 M strings cost memory and copies."""
        self.system = system
        self.parameters = parameters
        self.month = month
        # One chunk per column: columns chunked differently make every later `with_columns`
        # re-align (copy) the whole frame; computed columns come as one chunk.
        self.frames: dict[Entity, pl.DataFrame] = {
            "household": households.rechunk(),
            "person": _with_household_rows(households, persons)
            .drop([] if person_ids else ["person_id"], strict=False)
            .rechunk(),
        }
        self.steps: dict[str, Step] = {}
        self._active: list[str] = []
        self._h = self.frames["person"]["_h"].to_numpy()

    @property
    def households(self) -> pl.DataFrame:
        return self.frames["household"]

    @property
    def persons(self) -> pl.DataFrame:
        return self.frames["person"]

    def calculate(self, names: Iterable[str]) -> pl.DataFrame:
        """The household frame with the asked variables (household variables only)."""
        wanted = list(names)
        for name in wanted:
            self.compute(name)
        return self.households.select("household_id", *wanted)

    def compute(self, name: str) -> None:
        variable = self.system[name]
        frame = self.frames[variable.entity]
        if name in self.steps:
            return
        given = name in frame.columns
        formula = variable.formula_at(self.month.first_day)
        if given and (formula is None or not frame[name].null_count()):
            self.steps[name] = Step(name, variable.entity, "input")  # given by the data
            coded = isinstance(frame[name].dtype, pl.Categorical | pl.Enum)  # compared as codes
            if not (variable.dtype == "str" and coded):
                self.frames[variable.entity] = frame.with_columns(
                    pl.col(name).cast(DTYPES[variable.dtype])
                )
            return
        if name in self._active:
            raise RulesError("circular definition: " + " → ".join([*self._active, name]))
        step = Step(name, variable.entity, "formula" if formula else "default")
        if given:  # given for some rows only: the formula fills the others
            step.source = "input, formula where missing"
            self.frames[variable.entity] = frame.rename({name: f"_given_{name}"})
        if formula is None:
            if variable.default is None:
                raise RulesError(f"{name}: no formula in force in {self.month} and no value given")
            value: Any = pl.lit(variable.default)
        else:
            self._active.append(name)
            try:
                value = formula.function(Calc(self, step))
            finally:
                self._active.pop()
            step.formula_start = formula.start
        if isinstance(value, pl.Series | np.ndarray):
            value = pl.lit(pl.Series(name, value))
        elif not isinstance(value, pl.Expr):
            value = pl.lit(value)
        value = value.cast(DTYPES[variable.dtype])
        if given:
            value = pl.coalesce(pl.col(f"_given_{name}").cast(DTYPES[variable.dtype]), value)
        self.frames[variable.entity] = (
            self.frames[variable.entity]
            .with_columns(value.alias(name))
            .drop(f"_given_{name}", strict=False)
        )
        self.steps[name] = step

    def broadcast(self, name: str) -> None:
        """Copy a household variable onto its members' rows (same column name)."""
        if name in self.persons.columns:
            return
        values = self.households[name].gather(self.persons["_h"])
        self.frames["person"] = self.persons.with_columns(values.alias(name))

    def aggregate(self, name: str, how: str) -> pl.Series:
        column = self.persons[name]
        size = self.households.height
        if how == "sum":
            values = column.fill_null(0).to_numpy()
            total = np.bincount(self._h, weights=values, minlength=size)
            return pl.Series(name, np.rint(total).astype(np.int64))
        flags = column.fill_null(False).cast(pl.Boolean).to_numpy()
        counts = np.bincount(self._h, weights=flags, minlength=size)
        if how == "any":
            return pl.Series(name, counts > 0)
        return pl.Series(name, np.rint(counts).astype(np.int64))

    def rank(self, counted: str, *, youngest_first: bool) -> pl.Series:
        chosen = np.flatnonzero(self.persons[counted].fill_null(False).to_numpy())
        ranks = np.zeros(self.persons.height, dtype=np.int64)
        if not chosen.size:
            return pl.Series(ranks)
        births = self.persons["birth_date"].to_physical().to_numpy()[chosen].astype(np.int64)
        # One int64 key (household row, then days since 1700) sorted stably: ties stay in roster
        # order. Several times faster than np.lexsort on three keys, and nearly sorted already
        # (rosters mostly list children by age), which the stable sort (timsort) makes cheap.
        days = births + 100_000 if not youngest_first else 200_000 - births
        households = self._h[chosen]
        order = np.argsort(households * 400_000 + days, kind="stable")
        groups = households[order]
        first = np.empty(groups.size, dtype=bool)
        first[0] = True
        np.not_equal(groups[1:], groups[:-1], out=first[1:])
        position = np.arange(groups.size)
        ranks[chosen[order]] = position - np.maximum.accumulate(np.where(first, position, 0)) + 1
        return pl.Series(ranks)


def _with_household_rows(households: pl.DataFrame, persons: pl.DataFrame) -> pl.DataFrame:
    """Persons with `_h`, the row of their household; every person must have one."""
    if "_h" in persons.columns:
        return persons
    grouped = grouped_rows(households["household_id"], persons["household_id"])
    if grouped is not None:
        return persons.with_columns(grouped)
    rows = households.select("household_id").with_row_index("_h")
    joined = persons.join(rows, on="household_id", how="left", maintain_order="left")
    orphans = joined.filter(pl.col("_h").is_null())
    if orphans.height:
        raise RulesError(
            f"{orphans.height} person(s) of unknown households, e.g. {orphans['household_id'][0]}"
        )
    return joined.with_columns(pl.col("_h").cast(pl.Int64))


def grouped_rows(households: pl.Series, members: pl.Series) -> pl.Series | None:
    """`_h` without a join when the persons come grouped by household in the households' order
    (as `jisr synth` and the registry snapshot give them, every household with a member): the
    start of each run of equal ids must be the next household. None otherwise."""
    size = members.len()
    if not size or members.null_count():
        return None
    # Each id against the previous one through two zero-copy slices (not a shifted copy).
    changes = members.slice(1).ne(members.slice(0, size - 1)).to_numpy()
    starts = np.flatnonzero(changes) + 1
    if starts.size + 1 != households.len():
        return None
    if not bool((members.gather(np.r_[0, starts]) == households).all()):
        return None
    steps = np.zeros(size, dtype=np.int64)
    steps[starts] = 1
    return pl.Series("_h", np.cumsum(steps))
