"""Jisr's ASD monthly rules as one hand-written DuckDB SQL query (a proxy for the machine's limit).

The query reads the population's Parquet files (or tables loaded from them) and gives, per
household, the same `asd_eligible` and `asd_monthly_amount` (BIGINT centimes) as
jisr/rules/variables/asd.py: window functions rank the counted children by birth date (ties in
roster order, the files' row order), one aggregate sums the paid children's amounts. The month's
parameter values come from Jisr's YAML (jisr.rules.params) and are written into the text as
literals; columns the files do not give take Jisr's defaults (registered: true, alive: true), and
`formal_family_allowances` is read as Jisr reads it (the synthetic files' `cnss_family_allowances`,
else any member affiliated to a formal scheme). The birth and school-start grants are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from jisr.rules.params import ParameterError, Parameters
from jisr.rules.periods import Month
from jisr.rules.variables.asd import START as ASD_START

STEMS = ("households", "persons")
NO_ASD = (
    "SELECT household_id, false AS asd_eligible, CAST(0 AS BIGINT) AS asd_monthly_amount"
    " FROM {households} h ORDER BY roster"
)

QUERY = """
WITH person AS (
    SELECT household_id, roster, relationship, birth_date,
           {disability} AS disability, {in_school} AS in_school,
           {father_deceased} AS father_deceased,
           year(DATE '{day}') - year(birth_date)
             - CASE WHEN month(birth_date) > {month}
                      OR (month(birth_date) = {month} AND day(birth_date) > {mday})
                    THEN 1 ELSE 0 END AS age,
           {alive} AS alive
    FROM {persons}
),
counted AS (
    SELECT household_id, disability, in_school, father_deceased, age,
           row_number() OVER (PARTITION BY household_id
                              ORDER BY birth_date {birth_order}, roster) AS rank
    FROM person
    WHERE relationship IN ({relationships}) AND alive AND age >= 0
      AND (age <= {max_age} OR ({orphan_without_age_limit} AND disability AND father_deceased))
),
paid AS (
    SELECT household_id,
           count(*) AS children,
           sum(CASE
                 WHEN father_deceased AND rank <= {first_ranks} THEN {orphan_first_ranks}
                 WHEN father_deceased THEN {orphan_next_ranks}
                 WHEN rank <= {first_ranks} AND age <= {young_max_age} THEN {young_first_ranks}
                 WHEN rank <= {first_ranks} AND in_school THEN {schooled_first_ranks}
                 WHEN rank <= {first_ranks} THEN {unschooled_first_ranks}
                 WHEN age <= {young_max_age} OR in_school THEN {young_or_schooled_next_ranks}
                 ELSE {unschooled_next_ranks}
               END)
             + {supplements} AS amount
    FROM counted
    WHERE rank <= {max_children}
    GROUP BY household_id
),
household AS (
    SELECT h.household_id, h.roster,
           {registered_rnp} AND {registered_rsu}
             AND coalesce(h."index" {below} CAST('{threshold}' AS DOUBLE), false)
             AND NOT {formal} AS eligible
    FROM {households} h
)
SELECT household.household_id,
       household.eligible AS asd_eligible,
       CAST(CASE
              WHEN NOT household.eligible THEN 0
              WHEN paid.children > 0 THEN greatest(paid.amount, {minimum})
              ELSE {flat_rate}
            END AS BIGINT) AS asd_monthly_amount
FROM household LEFT JOIN paid USING (household_id)
ORDER BY household.roster
"""


@dataclass(frozen=True)
class Sources:
    """Where the query reads households and persons (each with a `roster` column: row order)."""

    households: str
    persons: str
    household_columns: frozenset[str]
    person_columns: frozenset[str]


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _list(values: Any) -> str:
    return ", ".join(_literal(v) for v in values)


def sql(month: str, sources: Sources, parameters: Parameters | None = None) -> str:
    """The query for `month`, the parameters in force on its first day written in as literals."""
    every = parameters or Parameters.load()
    day = Month.parse(month).first_day
    if day < dt.date.fromisoformat(ASD_START):  # no ASD yet: Jisr's defaults (false, 0)
        return NO_ASD.format(households=sources.households)

    def p(path: str) -> Any:
        found = every[path].at(day)
        if found is None:
            raise ParameterError(f"{path} has no value before {every[path].values[0][0]}")
        return found[1]

    def h(column: str, default: str) -> str:  # a household column, or Jisr's default
        return f"h.{column}" if column in sources.household_columns else default

    def m(column: str) -> str:  # a person flag, false when not given (Jisr's default)
        return f"coalesce({column}, false)" if column in sources.person_columns else "false"

    formal = "formal_family_allowances"
    if formal in sources.household_columns:
        formal_sql = f"h.{formal}"
    elif "cnss_family_allowances" in sources.household_columns:  # jisr synth's name for it
        formal_sql = "h.cnss_family_allowances"
    elif "social_security" in sources.person_columns:
        affiliations = _list(p("cnss.family_allowances.formal_affiliations"))
        formal_sql = (
            f"EXISTS (SELECT 1 FROM {sources.persons} m"  # noqa: S608
            f" WHERE m.household_id = h.household_id AND m.social_security IN ({affiliations}))"
        )
    else:
        formal_sql = "false"
    supplement = p("asd.amounts.disability_supplement")
    supplements = (
        f"{supplement} * count(*) FILTER (WHERE disability)"
        if p("asd.disability_supplement_per_child")
        else f"CASE WHEN bool_or(disability) THEN {supplement} ELSE 0 END"
    )
    amounts = {
        name: p(f"asd.amounts.{name}")
        for name in (
            "orphan_first_ranks",
            "orphan_next_ranks",
            "young_first_ranks",
            "schooled_first_ranks",
            "unschooled_first_ranks",
            "young_or_schooled_next_ranks",
            "unschooled_next_ranks",
        )
    }
    alive = (
        f"(death_date IS NULL OR death_date > DATE '{day}')"
        if "death_date" in sources.person_columns
        else "true"
    )
    return QUERY.format(
        day=day.isoformat(),
        month=day.month,
        mday=day.day,
        alive=alive,
        disability=m("disability"),
        in_school=m("in_school"),
        father_deceased=m("father_deceased"),
        persons=sources.persons,
        households=sources.households,
        birth_order="DESC" if p("asd.children.ranking") == "youngest_first" else "ASC",
        relationships=_list(p("asd.children.relationships")),
        max_age=p("asd.children.max_age"),
        orphan_without_age_limit=_literal(p("asd.children.disabled_orphan_without_age_limit")),
        first_ranks=p("asd.children.first_ranks"),
        young_max_age=p("asd.children.young_max_age"),
        max_children=p("asd.children.max_children"),
        supplements=supplements,
        registered_rnp=h("registered_rnp", "true"),
        registered_rsu=h("registered_rsu", "true"),
        below="<" if p("asd.threshold_strict") else "<=",
        threshold=repr(float(p("asd.threshold"))),
        formal=formal_sql,
        minimum=p("asd.minimum"),
        flat_rate=p("asd.flat_rate"),
        **amounts,
    )


# The SQL text is assembled from this module's own query, the packaged parameters (written by
# `_literal`) and file paths quoted below: no user input reaches it, hence the `noqa: S608`.
def _parquet(directory: Path, stem: str) -> str:
    """`stem`.parquet of `directory` as a relation, with `roster` (the row order)."""
    path = str(directory / f"{stem}.parquet").replace("'", "''")
    return (
        "(SELECT *, file_row_number AS roster"  # noqa: S608
        f" FROM read_parquet('{path}', file_row_number = true))"
    )


def parquet_sources(directory: Path, connection: duckdb.DuckDBPyConnection) -> Sources:
    """The query reading `households.parquet` and `persons.parquet` of `directory` directly."""
    columns = {
        stem: frozenset(connection.read_parquet(str(directory / f"{stem}.parquet")).columns)
        for stem in STEMS
    }
    return Sources(
        _parquet(directory, "households"),
        _parquet(directory, "persons"),
        columns["households"],
        columns["persons"],
    )


def load(directory: Path, connection: duckdb.DuckDBPyConnection) -> Sources:
    """Load the Parquet files into tables `households` and `persons` (with `roster`)."""
    for stem in STEMS:
        connection.execute(f"CREATE OR REPLACE TABLE {stem} AS FROM {_parquet(directory, stem)}")
    columns = {stem: frozenset(connection.table(stem).columns) for stem in STEMS}
    return Sources("households", "persons", columns["households"], columns["persons"])


def run(
    sources: Sources,
    month: str,
    connection: duckdb.DuckDBPyConnection,
    parameters: Parameters | None = None,
) -> pl.DataFrame:
    """`household_id`, `asd_eligible`, `asd_monthly_amount` (Int64 centimes), in file order."""
    result: pl.DataFrame = connection.sql(sql(month, sources, parameters)).pl()
    return result


def compute(directory: Path, month: str, parameters: Parameters | None = None) -> pl.DataFrame:
    """The ASD monthly results of the population in `directory` (Parquet), computed by DuckDB."""
    with duckdb.connect() as connection:
        return run(parquet_sources(directory, connection), month, connection, parameters)
