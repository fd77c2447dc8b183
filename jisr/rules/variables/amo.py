"""Health insurance for those without other cover: AMO Tadamon (state-paid) and AMO Achamil
(contribution by index band). Parameters: jisr/rules/parameters/amo.yaml."""

from __future__ import annotations

import polars as pl

from jisr.rules.engine import Calc, System

START = "2022-12-01"  # AMO Tadamon replaced RAMED on 1 December 2022


def define(system: System) -> None:
    system.declare(
        "amo_covered_elsewhere", "person", "bool", "covered by another AMO scheme", default=False
    )

    @system.formula("amo_covered_elsewhere", since=START)
    def covered(c: Calc) -> pl.Expr:
        return c("amo").is_in(c.items("amo.other_cover"))

    system.declare(
        "amo_other_cover",
        "household",
        "bool",
        "a member is covered by CNSS, CNOPS or another scheme",
        default=False,
    )

    @system.formula("amo_other_cover", since=START)
    def other_cover(c: Calc) -> pl.Series:
        return c.members_any("amo_covered_elsewhere")

    system.declare(
        "amo_tadamon_eligible",
        "household",
        "bool",
        "eligible for AMO Tadamon (index at most the threshold, no other cover)",
        reference="decree 2.22.923",
        default=False,
    )

    @system.formula("amo_tadamon_eligible", since=START)
    def tadamon(c: Calc) -> pl.Expr:
        below = (c("index") <= c.lit("amo.tadamon.threshold")).fill_null(False)
        return c("registered_rsu") & below & ~c("amo_other_cover")

    system.declare(
        "amo_achamil_eligible",
        "household",
        "bool",
        "in AMO Achamil (index above the Tadamon threshold, no other cover)",
        reference="law 60.22",
        default=False,
    )

    @system.formula("amo_achamil_eligible", since=START)
    def achamil(c: Calc) -> pl.Expr:
        above = (c("index") > c.lit("amo.tadamon.threshold")).fill_null(False)
        return c("registered_rsu") & above & ~c("amo_other_cover")

    system.declare(
        "amo_achamil_contribution",
        "household",
        "money",
        "monthly AMO Achamil contribution by index band",
        reference="Finance Ministry table (le360); law 60.22",
        default=0,
    )

    @system.formula("amo_achamil_contribution", since=START)
    def contribution(c: Calc) -> pl.Expr:
        index = c("index")
        bands = c.p("amo.achamil.bands")
        amount = c.lit("amo.achamil.top")
        for edge, centimes in reversed(bands):  # the lowest band decides: built inside out
            amount = pl.when(index <= edge).then(centimes).otherwise(amount)
        return pl.when(c("amo_achamil_eligible")).then(amount).otherwise(0)
