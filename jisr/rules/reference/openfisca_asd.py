"""Jisr's ASD monthly rules written for OpenFisca-core, the field's reference rules engine.

The yardstick that bench/rules_engines.py times Jisr's engine against, and that
jisr/rules/tests/test_reference_engines.py holds it to: on any population and month, this system
gives the same `asd_eligible` and `asd_monthly_amount` (in centimes) for every household as
jisr/rules/variables/asd.py. The parameters are Jisr's own (jisr/rules/parameters/*.yaml, with
their dates and references), turned into an OpenFisca ParameterNode, so both engines read the same
values for the month.

Written the way an OpenFisca country package would be: two entities (person; household with the
roles head, spouse, child, other), one class per variable with dated formulas
(`formula_2023_12_01`), ranks with `person.get_rank`, sums with `household.sum`. Two deliberate
departures, each because exact equality with Jisr needs it: the index is held in float64 (OpenFisca
stores `float` as float32, which can move a household across the 9.743001 threshold) and amounts
in int64 centimes (OpenFisca's `int` is int32; the house rule is never 32-bit money).
Variable classes are lowercase because OpenFisca names each variable after its class, and
`asd.children.*` is `asd.counted_children.*` here because a ParameterNode keeps its own children
in an attribute called `children`.

Left out: the birth and school-start grants (one-off payments, not part of the monthly amount).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit, Period, period
from openfisca_core.simulations import Simulation, SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from jisr.rules.params import Parameters

REFERENCE = "law 58.23; decree 2.23.1067; anss.gov.ma typologies-d-aides"
MONTH = DateUnit.MONTH
ETERNITY = DateUnit.ETERNITY
ALIVE = dt.date(9999, 12, 31)  # death date of the living (OpenFisca dates have no null)

PERSON = build_entity("person", "persons", "A person", is_person=True)
HOUSEHOLD = build_entity(
    "household",
    "households",
    "A household of the Unified Social Register (RSU)",
    roles=[
        {"key": "head", "plural": "heads", "label": "Head of household", "max": 1},
        {"key": "spouse", "plural": "spouses", "label": "Spouse"},
        {"key": "child", "plural": "children", "label": "Child or grandchild"},
        {"key": "other", "plural": "others", "label": "Other member"},
    ],
)
ROLE_OF = {"head": 0, "spouse": 1, "child": 2, "grandchild": 2}  # others: 3


class Relationship(Enum):
    head = "head"
    spouse = "spouse"
    child = "child"
    grandchild = "grandchild"
    parent = "parent"
    other_relative = "other_relative"
    other = "other"
    unknown = ""  # not given


class Affiliation(Enum):
    cnss = "cnss"
    cnops = "cnops"
    other = "other"
    none = "none"
    unknown = ""  # not given


# OpenFisca's Variable is untyped (no py.typed in openfisca_core.variables): subclassing it is
# subclassing Any for mypy, hence the ignores on the variable classes.
class _Int64(Variable):  # type: ignore[misc]
    """An `int` variable held in int64 (centimes of MAD)."""

    def __init__(self, baseline_variable: Any = None) -> None:
        super().__init__(baseline_variable)
        self.dtype = np.int64


class _Float64(Variable):  # type: ignore[misc]
    """A `float` variable held in float64."""

    def __init__(self, baseline_variable: Any = None) -> None:
        super().__init__(baseline_variable)
        self.dtype = np.float64


def _is_in(values: Any, names: Any) -> Any:
    """Enum values among `names` (a list parameter of member names)."""
    enum = values.possible_values
    return np.isin(np.asarray(values), [enum[name].index for name in names])


def _in_households(population: Any, values: Any) -> Any:
    """`household.sum` of whole numbers, back to int64 (numpy's bincount sums in float64)."""
    return np.rint(population.sum(values)).astype(np.int64)


# --- Inputs -------------------------------------------------------------------------------------


class relationship(Variable):  # type: ignore[misc]
    value_type = Enum
    possible_values = Relationship
    default_value = Relationship.unknown
    entity = PERSON
    definition_period = MONTH
    label = "relationship to the head of household"


class birth_date(Variable):  # type: ignore[misc]
    value_type = dt.date
    entity = PERSON
    definition_period = ETERNITY
    label = "date of birth"


class death_date(Variable):  # type: ignore[misc]
    value_type = dt.date
    default_value = ALIVE
    entity = PERSON
    definition_period = ETERNITY
    label = "date of death (9999-12-31 for the living)"


class disability(Variable):  # type: ignore[misc]
    value_type = bool
    entity = PERSON
    definition_period = MONTH
    label = "has a disability"


class in_school(Variable):  # type: ignore[misc]
    value_type = bool
    entity = PERSON
    definition_period = MONTH
    label = "in school or training"


class father_deceased(Variable):  # type: ignore[misc]
    value_type = bool
    entity = PERSON
    definition_period = MONTH
    label = "father deceased (fatherless orphan)"


class social_security(Variable):  # type: ignore[misc]
    value_type = Enum
    possible_values = Affiliation
    default_value = Affiliation.unknown
    entity = PERSON
    definition_period = MONTH
    label = "social-security affiliation"


class index(_Float64):
    value_type = float
    entity = HOUSEHOLD
    definition_period = MONTH
    label = "socio-economic index (RSU)"


class registered_rnp(Variable):  # type: ignore[misc]
    value_type = bool
    default_value = True
    entity = HOUSEHOLD
    definition_period = MONTH
    label = "every member registered in the RNP"


class registered_rsu(Variable):  # type: ignore[misc]
    value_type = bool
    default_value = True
    entity = HOUSEHOLD
    definition_period = MONTH
    label = "registered in the RSU"


# --- Shared ---------------------------------------------------------------------------------------


class age(Variable):  # type: ignore[misc]
    value_type = int
    entity = PERSON
    definition_period = MONTH
    label = "age in whole years on the month's first day"

    def formula(person: Any, period: Period, parameters: Any) -> Any:
        birth = person("birth_date", period)
        day = period.start
        years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
        months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
        days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
        before_birthday = (months > day.month) | ((months == day.month) & (days > day.day))
        return day.year - years - before_birthday


class alive(Variable):  # type: ignore[misc]
    value_type = bool
    entity = PERSON
    definition_period = MONTH
    label = "alive on the month's first day"

    def formula(person: Any, period: Period, parameters: Any) -> Any:
        return person("death_date", period) > np.datetime64(period.start.date.isoformat())


class formal_family_allowances(Variable):  # type: ignore[misc]
    value_type = bool
    entity = HOUSEHOLD
    definition_period = MONTH
    label = "receives formal-sector family allowances (a member affiliated to CNSS or CNOPS)"
    reference = "law 58.23 (no overlap of ASD with social-security family allowances)"

    def formula_2019_01_01(household: Any, period: Period, parameters: Any) -> Any:
        formal = parameters(period).cnss.family_allowances.formal_affiliations
        return household.any(_is_in(household.members("social_security", period), formal))


# --- ASD ----------------------------------------------------------------------------------------


class asd_eligible(Variable):  # type: ignore[misc]
    value_type = bool
    entity = HOUSEHOLD
    definition_period = MONTH
    label = "eligible for ASD"
    reference = REFERENCE

    def formula_2023_12_01(household: Any, period: Period, parameters: Any) -> Any:
        asd = parameters(period).asd
        index = household("index", period)
        below = index < asd.threshold if asd.threshold_strict else index <= asd.threshold
        return (
            household("registered_rnp", period)
            & household("registered_rsu", period)
            & below
            & ~household("formal_family_allowances", period)
        )


class asd_counted_child(Variable):  # type: ignore[misc]
    value_type = bool
    entity = PERSON
    definition_period = MONTH
    label = "child counted for ASD (a child of the household aged 0–20, or a disabled orphan)"
    reference = REFERENCE

    def formula_2023_12_01(person: Any, period: Period, parameters: Any) -> Any:
        children = parameters(period).asd.counted_children
        age = person("age", period)
        of_age = (age >= 0) & (age <= children.max_age)
        if children.disabled_orphan_without_age_limit:
            orphan = person("disability", period) & person("father_deceased", period)
            of_age = of_age | ((age >= 0) & orphan)
        related = _is_in(person("relationship", period), children.relationships)
        return related & of_age & person("alive", period)


def _birth_rank(person: Any, period: Period, counted: Any, youngest_first: bool) -> Any:
    """Rank (1, 2, …) among the household's `counted` members by birth date, eldest first unless
    `youngest_first`, ties in roster order; 0 for the others."""
    days = person("birth_date", period).astype(np.int64)
    position = person.household.members_position
    # get_rank's sort is not stable: the roster position inside the key breaks ties.
    key = (-days if youngest_first else days) * (int(position.max()) + 1) + position
    rank = person.get_rank(person.household, key, condition=counted)
    return np.where(counted, rank + 1, 0)


class asd_child_rank(Variable):  # type: ignore[misc]
    value_type = int
    entity = PERSON
    definition_period = MONTH
    label = "rank among the counted children (0: not counted)"

    def formula_2023_12_01(person: Any, period: Period, parameters: Any) -> Any:
        youngest = parameters(period).asd.counted_children.ranking == "youngest_first"
        return _birth_rank(person, period, person("asd_counted_child", period), youngest)


class asd_child_paid(Variable):  # type: ignore[misc]
    value_type = bool
    entity = PERSON
    definition_period = MONTH
    label = "counted child within the paid ranks (1–6)"

    def formula_2023_12_01(person: Any, period: Period, parameters: Any) -> Any:
        rank = person("asd_child_rank", period)
        return (rank >= 1) & (rank <= parameters(period).asd.counted_children.max_children)


class asd_child_amount(_Int64):
    value_type = int
    entity = PERSON
    definition_period = MONTH
    label = "monthly ASD amount for the child (centimes)"
    reference = REFERENCE

    def formula_2023_12_01(person: Any, period: Period, parameters: Any) -> Any:
        asd = parameters(period).asd
        a = asd.amounts
        first = person("asd_child_rank", period) <= asd.counted_children.first_ranks
        young = person("age", period) <= asd.counted_children.young_max_age
        young_or_schooled = young | person("in_school", period)
        orphan = person("father_deceased", period)
        amount = np.select(
            [orphan & first, orphan, first & young, first & young_or_schooled, first],
            [
                a.orphan_first_ranks,
                a.orphan_next_ranks,
                a.young_first_ranks,
                a.schooled_first_ranks,
                a.unschooled_first_ranks,
            ],
            np.where(young_or_schooled, a.young_or_schooled_next_ranks, a.unschooled_next_ranks),
        )
        return np.where(person("asd_child_paid", period), amount, 0)


class asd_disability_supplement(_Int64):
    value_type = int
    entity = PERSON
    definition_period = MONTH
    label = "monthly supplement for a paid child with a disability (centimes)"
    reference = "ledesk (+100 MAD; per child: see docs/rules.md)"

    def formula_2023_12_01(person: Any, period: Period, parameters: Any) -> Any:
        asd = parameters(period).asd
        paid = person("asd_child_paid", period) & person("disability", period)
        if not asd.disability_supplement_per_child:  # once per household: its first one
            paid = _birth_rank(person, period, paid, youngest_first=False) == 1
        return np.where(paid, asd.amounts.disability_supplement, 0)


class asd_children(_Int64):
    value_type = int
    entity = HOUSEHOLD
    definition_period = MONTH
    label = "children paid by ASD (at most six)"

    def formula_2023_12_01(household: Any, period: Period, parameters: Any) -> Any:
        return _in_households(household, household.members("asd_child_paid", period))


class asd_children_amount(_Int64):
    value_type = int
    entity = HOUSEHOLD
    definition_period = MONTH
    label = "sum of the children's amounts and disability supplements (centimes)"

    def formula_2023_12_01(household: Any, period: Period, parameters: Any) -> Any:
        amounts = household.members("asd_child_amount", period) + household.members(
            "asd_disability_supplement", period
        )
        return _in_households(household, amounts)


class asd_monthly_amount(_Int64):
    value_type = int
    entity = HOUSEHOLD
    definition_period = MONTH
    label = "monthly ASD amount (centimes)"
    reference = "ANSS: minimum 500 MAD per household; flat-rate 500 MAD without children under 21"

    def formula_2023_12_01(household: Any, period: Period, parameters: Any) -> Any:
        asd = parameters(period).asd
        with_children = np.maximum(household("asd_children_amount", period), asd.minimum)
        amount = np.where(household("asd_children", period) > 0, with_children, asd.flat_rate)
        return np.where(household("asd_eligible", period), amount, 0)


VARIABLES = (
    relationship,
    birth_date,
    death_date,
    disability,
    in_school,
    father_deceased,
    social_security,
    index,
    registered_rnp,
    registered_rsu,
    age,
    alive,
    formal_family_allowances,
    asd_eligible,
    asd_counted_child,
    asd_child_rank,
    asd_child_paid,
    asd_child_amount,
    asd_disability_supplement,
    asd_children,
    asd_children_amount,
    asd_monthly_amount,
)
# The parameters the rules read, by prefix of their dotted path.
USED = ("asd.", "cnss.family_allowances.formal_affiliations")
# OpenFisca keeps a node's children in its `children` attribute, so no parameter may be called so.
RENAMED = {"children": "counted_children"}


def parameter_node(parameters: Parameters) -> ParameterNode:
    """Jisr's dated parameters that the rules read, as an OpenFisca ParameterNode (same values,
    dates, descriptions and references; amounts in centimes)."""
    tree: dict[str, Any] = {}
    for path, parameter in parameters.by_path.items():
        if not path.startswith(USED):
            continue
        node = tree
        *parents, leaf = (RENAMED.get(key, key) for key in path.split("."))
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = {
            "description": parameter.description,
            "reference": parameter.reference,
            "values": {
                start.isoformat(): list(value) if isinstance(value, tuple) else value
                for start, value in parameter.values
            },
        }
    return ParameterNode("", data=tree)


def tax_benefit_system(parameters: Parameters | None = None) -> TaxBenefitSystem:
    system = TaxBenefitSystem([PERSON, HOUSEHOLD])
    system.add_variables(*VARIABLES)
    system.parameters = parameter_node(parameters or Parameters.load())
    return system


def _enum(values: pl.Series, enum: type[Enum]) -> EnumArray:
    """Strings (the members' values; null: "") as an EnumArray; an unknown value is an error.
    A Polars Enum (population.read_directory's codes) goes through its categories: a table of a
    few entries, not a look-up per person."""
    indices = {member.value: member.index for member in enum}
    if isinstance(values.dtype, pl.Enum):
        categories = values.dtype.categories.to_list()
        unknown = [c for c in categories if c not in indices]
        if unknown:
            raise ValueError(f"{values.name}: no {enum.__name__} member for {unknown}")
        table = np.array([*(indices[c] for c in categories), indices[""]], dtype=np.int16)
        physical = values.to_physical().fill_null(len(categories)).to_numpy()
        return EnumArray(table[physical], enum)
    codes = values.fill_null("").replace_strict(indices, return_dtype=pl.Int16)
    return EnumArray(codes.to_numpy(), enum)


def simulation(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    month: str,
    parameters: Parameters | None = None,
) -> Simulation:
    """An OpenFisca simulation of the population (Jisr's frames, population.read_directory) for
    `month`: entities from the arrays (SimulationBuilder's survey path), then one set_input per
    input column the frames give; absent columns take the variables' defaults, as in Jisr. Enum
    inputs go in as their indices (an EnumArray), OpenFisca's fastest path, so that the benchmark
    does not charge it for encoding strings."""
    system = tax_benefit_system(parameters)
    builder = SimulationBuilder()
    builder.create_entities(system)
    rows = households.select("household_id").with_row_index("_h")
    member_of = persons.join(rows, on="household_id", how="left", maintain_order="left")["_h"]
    if member_of.null_count() or member_of.n_unique() != households.height:
        raise ValueError("every person needs a known household and every household a member")
    builder.declare_person_entity("person", np.arange(persons.height))
    group = builder.declare_entity("household", np.arange(households.height))
    relation = persons["relationship"]
    roles = relation.replace_strict(ROLE_OF, default=3, return_dtype=pl.Int64).fill_null(3)
    builder.join_with_persons(group, member_of.to_numpy(), roles.to_numpy())
    built: Simulation = builder.build(system)

    when = period(month)
    forever = period(ETERNITY)
    built.set_input("relationship", when, _enum(relation, Relationship))
    built.set_input("birth_date", forever, persons["birth_date"].to_numpy())
    if "death_date" in persons.columns:
        built.set_input("death_date", forever, persons["death_date"].fill_null(ALIVE).to_numpy())
    for name in ("disability", "in_school", "father_deceased"):
        if name in persons.columns:
            built.set_input(name, when, persons[name].fill_null(False).to_numpy())
    if "social_security" in persons.columns:
        built.set_input("social_security", when, _enum(persons["social_security"], Affiliation))
    built.set_input("index", when, households["index"].cast(pl.Float64).to_numpy())
    for name in ("registered_rnp", "registered_rsu", "formal_family_allowances"):
        if name in households.columns:
            default = name != "formal_family_allowances"
            built.set_input(name, when, households[name].fill_null(default).to_numpy())
    return built


def calculate(built: Simulation, households: pl.DataFrame, month: str) -> pl.DataFrame:
    """`household_id`, `asd_eligible` and `asd_monthly_amount` (Int64 centimes) per household."""
    return pl.DataFrame(
        {
            "household_id": households["household_id"],
            "asd_eligible": pl.Series(built.calculate("asd_eligible", month), dtype=pl.Boolean),
            "asd_monthly_amount": pl.Series(
                built.calculate("asd_monthly_amount", month), dtype=pl.Int64
            ),
        }
    )


def compute(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    month: str,
    parameters: Parameters | None = None,
) -> pl.DataFrame:
    """The ASD monthly results of the population for `month`, computed by OpenFisca."""
    return calculate(simulation(households, persons, month, parameters), households, month)
