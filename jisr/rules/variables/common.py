"""Inputs from the registry and what every programme shares: age, registration, the index."""

from __future__ import annotations

import polars as pl

from jisr.rules.engine import Calc, Entity, System
from jisr.rules.periods import ages_on


def define(system: System) -> None:
    person: Entity = "person"
    household: Entity = "household"
    # Inputs (columns of the population; the defaults apply when a column is absent).
    for name, dtype, label in (
        ("relationship", "str", "relationship to the head of household"),
        ("sex", "str", "sex"),
        ("birth_date", "date", "date of birth"),
        ("school_level", "str", "school level"),
        ("social_security", "str", "social-security affiliation"),
        ("amo", "str", "health insurance (AMO) cover"),
    ):
        system.declare(name, person, dtype, label, default="")
    for name, label in (
        ("disability", "has a disability"),
        ("in_school", "in school or training"),
        ("father_deceased", "father deceased (fatherless orphan)"),
    ):
        system.declare(name, person, "bool", label, default=False)
    system.declare("death_date", person, "date", "date of death", default=None)
    system.declare("school_sector", person, "str", "school sector (public or private)")
    system.declare("region_code", household, "str", "region", default="")
    system.declare("milieu", household, "str", "milieu (urban or rural)", default="")
    system.declare(
        "registered_rnp", household, "bool", "every member registered in the RNP", default=True
    )
    system.declare("registered_rsu", household, "bool", "registered in the RSU", default=True)
    system.declare(
        "index",
        household,
        "float",
        "socio-economic index",
        reference="RSU proxy means test; Jisr's model is illustrative (docs/index.md)",
    )

    @system.formula("school_sector")
    def school_sector(c: Calc) -> pl.Expr:
        # The explain contract has no sector: a child in school is taken to be in a public one.
        return pl.when(c("in_school")).then(pl.lit("public")).otherwise(pl.lit(""))

    system.declare("alive", person, "bool", "alive on the reference day")

    @system.formula("alive")
    def alive(c: Calc) -> pl.Expr:
        if not c.given("death_date"):
            return pl.lit(True)
        death = c("death_date")
        return death.is_null() | (death > pl.lit(c.day))

    system.declare("age", person, "int", "age in whole years on the month's reference day (1st)")

    @system.formula("age")
    def age(c: Calc) -> pl.Series:
        c("birth_date")  # computed (cast to a date) before it is read from the frame
        _, persons = c.population()
        return ages_on(persons["birth_date"], c.day)

    @system.formula("index")
    def index(c: Calc) -> pl.Series:
        from jisr.rules.index import packaged  # the illustrative PMT model

        households, persons = c.population()
        index: pl.Series = packaged().predict(households, persons, as_of=c.day)
        return index
