"""CNSS family allowances (formal sector), so that the whole family-allowance pillar is shown and
ASD child amounts never overlap with them. Parameters: jisr/rules/parameters/cnss.yaml."""

from __future__ import annotations

import polars as pl

from jisr.rules.engine import Calc, System

START = "2019-01-01"
P = "cnss.family_allowances."


def define(system: System) -> None:
    system.declare(
        "formal_affiliation",
        "person",
        "bool",
        "affiliated to a scheme paying family allowances",
        default=False,
    )

    @system.formula("formal_affiliation", since=START)
    def formal_affiliation(c: Calc) -> pl.Expr:
        return c("social_security").is_in(c.items(P + "formal_affiliations"))

    system.declare(
        "formal_family_allowances",
        "household",
        "bool",
        "receives formal-sector family allowances (a member affiliated to CNSS or CNOPS)",
        reference="law 58.23 (no overlap of ASD with social-security family allowances)",
        default=False,
    )

    @system.formula("formal_family_allowances", since=START)
    def formal_family_allowances(c: Calc) -> pl.Series:
        return c.members_any("formal_affiliation")

    system.declare(
        "cnss_af_child", "person", "bool", "child counted for CNSS family allowances", default=False
    )

    @system.formula("cnss_af_child", since=START)
    def counted(c: Calc) -> pl.Expr:
        age = c("age")
        apprentice = c("in_school") & (c("school_level") == "vocational")
        student = c("in_school") & ~apprentice
        young_enough = (
            (age < c.lit(P + "age_limit"))
            | (apprentice & (age < c.lit(P + "apprentice_age_limit")))
            | (student & (age < c.lit(P + "student_age_limit")))
            | c("disability")
        )
        return (
            c("relationship").is_in(c.items(P + "relationships"))
            & (age >= 0)
            & young_enough
            & c("alive")
        )

    system.declare(
        "cnss_af_rank", "person", "int", "rank among the CNSS-counted children", default=0
    )

    @system.formula("cnss_af_rank", since=START)
    def rank(c: Calc) -> pl.Series:
        return c.rank("cnss_af_child")

    system.declare(
        "cnss_af_child_amount", "person", "money", "CNSS family allowance for the child", default=0
    )

    @system.formula("cnss_af_child_amount", since=START)
    def child_amount(c: Calc) -> pl.Expr:
        rank = c("cnss_af_rank")
        return (
            pl.when((rank >= 1) & (rank <= c.p(P + "first_ranks")))
            .then(c.p(P + "first_ranks_amount"))
            .when((rank >= 1) & (rank <= c.p(P + "max_children")))
            .then(c.p(P + "next_ranks_amount"))
            .otherwise(0)
        )

    system.declare(
        "cnss_family_allowances",
        "household",
        "money",
        "monthly formal-sector family allowances (CNSS schedule)",
        reference="cnss.ma allocations-familiales",
        default=0,
    )

    @system.formula("cnss_family_allowances", since=START)
    def allowances(c: Calc) -> pl.Expr:
        return c.members_sum_if("cnss_af_child_amount", "formal_family_allowances")
