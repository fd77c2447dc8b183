"""Direct Social Support (ASD): eligibility, child amounts by rank, age band, schooling and
orphanhood, the disability supplement, the household minimum and flat rate, birth and school-start
grants.

Parameters: jisr/rules/parameters/asd.yaml (each with its source); choices in docs/rules.md.
"""

from __future__ import annotations

import polars as pl

from jisr.rules.engine import Calc, System

START = "2023-12-01"  # first ASD payments (law 58.23, decree 2.23.1067)
REFERENCE = "law 58.23; decree 2.23.1067; anss.gov.ma typologies-d-aides"


def define(system: System) -> None:
    _eligibility(system)
    _children(system)
    _amounts(system)
    _grants(system)


def _eligibility(system: System) -> None:
    system.declare(
        "asd_eligible", "household", "bool", "eligible for ASD", reference=REFERENCE, default=False
    )

    @system.formula("asd_eligible", since=START)
    def asd_eligible(c: Calc) -> pl.Expr:
        threshold = c.lit("asd.threshold")
        index = c("index")
        below = index < threshold if c.p("asd.threshold_strict") else index <= threshold
        return (
            c("registered_rnp")
            & c("registered_rsu")
            & below.fill_null(False)
            & ~c("formal_family_allowances")
        )


def _children(system: System) -> None:
    system.declare(
        "asd_counted_child",
        "person",
        "bool",
        "child counted for ASD (a child of the household aged 0–20, or a disabled orphan)",
        reference=REFERENCE,
        default=False,
    )

    @system.formula("asd_counted_child", since=START)
    def counted(c: Calc) -> pl.Expr:
        age = c("age")
        of_age = (age >= 0) & (age <= c.lit("asd.children.max_age"))
        if c.p("asd.children.disabled_orphan_without_age_limit"):
            of_age = of_age | ((age >= 0) & c("disability") & c("father_deceased"))
        return c("relationship").is_in(c.items("asd.children.relationships")) & of_age & c("alive")

    system.declare(
        "asd_child_rank",
        "person",
        "int",
        "rank among the counted children (0: not counted)",
        default=0,
    )

    @system.formula("asd_child_rank", since=START)
    def rank(c: Calc) -> pl.Series:
        youngest = c.p("asd.children.ranking") == "youngest_first"
        return c.rank("asd_counted_child", youngest_first=youngest)

    system.declare(
        "asd_child_paid",
        "person",
        "bool",
        "counted child within the paid ranks (1–6)",
        default=False,
    )

    @system.formula("asd_child_paid", since=START)
    def paid(c: Calc) -> pl.Expr:
        rank = c("asd_child_rank")
        return (rank >= 1) & (rank <= c.lit("asd.children.max_children"))

    system.declare(
        "asd_child_amount",
        "person",
        "money",
        "monthly ASD amount for the child",
        reference=REFERENCE,
        default=0,
    )

    @system.formula("asd_child_amount", since=START)
    def child_amount(c: Calc) -> pl.Expr:
        a = "asd.amounts."
        first = c("asd_child_rank") <= c.p("asd.children.first_ranks")
        young = c("age") <= c.p("asd.children.young_max_age")
        young_or_schooled = young | c("in_school")
        orphan = c("father_deceased")
        amount = (
            pl.when(orphan & first)
            .then(c.p(a + "orphan_first_ranks"))
            .when(orphan)
            .then(c.p(a + "orphan_next_ranks"))
            .when(first & young)
            .then(c.p(a + "young_first_ranks"))
            .when(first & young_or_schooled)
            .then(c.p(a + "schooled_first_ranks"))
            .when(first)
            .then(c.p(a + "unschooled_first_ranks"))
            .when(young_or_schooled)
            .then(c.p(a + "young_or_schooled_next_ranks"))
            .otherwise(c.p(a + "unschooled_next_ranks"))
        )
        return pl.when(c("asd_child_paid")).then(amount).otherwise(0)

    system.declare(
        "asd_disability_supplement",
        "person",
        "money",
        "monthly supplement for a paid child with a disability",
        reference="ledesk (+100 MAD; per child: see docs/rules.md)",
        default=0,
    )

    @system.formula("asd_disability_supplement", since=START)
    def supplement(c: Calc) -> pl.Expr:
        paid = c("asd_child_paid") & c("disability")
        amount = c.p("asd.amounts.disability_supplement")
        if not c.p("asd.disability_supplement_per_child"):
            # once per household: on its first paid disabled child only
            rank_of_disabled = c.rank("asd_disabled_paid_child")
            return pl.when(pl.lit(rank_of_disabled) == 1).then(amount).otherwise(0)
        return pl.when(paid).then(amount).otherwise(0)

    system.declare(
        "asd_disabled_paid_child", "person", "bool", "paid child with a disability", default=False
    )

    @system.formula("asd_disabled_paid_child", since=START)
    def disabled_paid(c: Calc) -> pl.Expr:
        return c("asd_child_paid") & c("disability")


def _amounts(system: System) -> None:
    system.declare(
        "asd_children", "household", "int", "children paid by ASD (at most six)", default=0
    )

    @system.formula("asd_children", since=START)
    def children(c: Calc) -> pl.Series:
        return c.members_count("asd_child_paid")

    system.declare(
        "asd_children_amount",
        "household",
        "money",
        "sum of the children's amounts and disability supplements",
        default=0,
    )

    @system.formula("asd_children_amount", since=START)
    def children_amount(c: Calc) -> pl.Series:
        return c.members_sum("asd_child_amount") + c.members_sum("asd_disability_supplement")

    system.declare(
        "asd_monthly_amount",
        "household",
        "money",
        "monthly ASD amount (children's amounts, at least the minimum; the flat rate without"
        " children)",
        reference="ANSS: minimum 500 MAD per household; flat-rate 500 MAD without children under"
        " 21",
        default=0,
    )

    @system.formula("asd_monthly_amount", since=START)
    def monthly(c: Calc) -> pl.Expr:
        with_children = pl.max_horizontal(c("asd_children_amount"), pl.lit(c.p("asd.minimum")))
        amount = pl.when(c("asd_children") > 0).then(with_children).otherwise(c.p("asd.flat_rate"))
        return pl.when(c("asd_eligible")).then(amount).otherwise(0)


def _grants(system: System) -> None:
    system.declare(
        "asd_birth_rank", "person", "int", "birth rank among the head's children", default=0
    )

    @system.formula("asd_birth_rank", since=START)
    def birth_rank(c: Calc) -> pl.Series:
        return c.rank("asd_head_child")

    system.declare(
        "asd_head_child", "person", "bool", "a child of the head (any age)", default=False
    )

    @system.formula("asd_head_child", since=START)
    def head_child(c: Calc) -> pl.Expr:
        return c("relationship") == "child"

    system.declare(
        "asd_birth_grant_person",
        "person",
        "money",
        "birth grant for a child born this month",
        default=0,
    )

    @system.formula("asd_birth_grant_person", since=START)
    def birth_grant_person(c: Calc) -> pl.Expr:
        birth = c("birth_date")
        born_now = (birth >= pl.lit(c.month.first_day)) & (birth <= pl.lit(c.month.last_day))
        rank = c("asd_birth_rank")
        amount = (
            pl.when(rank == 1)
            .then(c.p("asd.birth_grant.first"))
            .when(rank == 2)
            .then(c.p("asd.birth_grant.second"))
            .otherwise(0)
        )
        return pl.when(born_now).then(amount).otherwise(0)

    system.declare(
        "asd_birth_grant",
        "household",
        "money",
        "one-off birth grants paid this month (2,000 MAD first birth, 1,000 MAD second)",
        reference="anss.gov.ma typologies-d-aides",
        default=0,
    )

    @system.formula("asd_birth_grant", since=START)
    def birth_grant(c: Calc) -> pl.Expr:
        return c.members_sum_if("asd_birth_grant_person", "asd_eligible")

    system.declare(
        "asd_school_grant_person",
        "person",
        "money",
        "school-start grant for the child (September)",
        default=0,
    )

    @system.formula("asd_school_grant_person", since=START)
    def school_grant_person(c: Calc) -> pl.Expr:
        month = c.p_or_none("asd.school_grant.month")
        if month is None or c.month.month != month:
            return pl.lit(0)
        rank = c("asd_child_rank")
        public = c("in_school") & (c("school_sector") == "public")
        level = c("school_level")
        amount = (
            pl.when(level.is_in(["primary", "lower_secondary"]))
            .then(c.p("asd.school_grant.primary_and_lower_secondary"))
            .when(level == "upper_secondary")
            .then(c.p("asd.school_grant.upper_secondary"))
            .otherwise(0)
        )
        within = (rank >= 1) & (rank <= c.p("asd.school_grant.max_children"))
        return pl.when(public & within).then(amount).otherwise(0)

    system.declare(
        "asd_school_grant",
        "household",
        "money",
        "school-start grant paid this month (September; public primary, lower and upper secondary)",
        reference="decree 2.24.706",
        default=0,
    )

    @system.formula("asd_school_grant", since=START)
    def school_grant(c: Calc) -> pl.Expr:
        return c.members_sum_if("asd_school_grant_person", "asd_eligible")

    system.declare(
        "asd_total",
        "household",
        "money",
        "ASD paid this month (monthly amount and grants)",
        default=0,
    )

    @system.formula("asd_total", since=START)
    def total(c: Calc) -> pl.Expr:
        return c("asd_monthly_amount") + c("asd_birth_grant") + c("asd_school_grant")
