"""Reform simulation: a reform file (YAML overriding parameters from a date) against the baseline
on a population — cost, beneficiaries, by region, milieu and index decile, gainers and losers, the
largest changes — as tables (CSV) and charts (PNG and SVG).

Reform file:
    name: ASD child amount 350 from 2027
    description: ...
    parameters:
      asd.amounts.young_first_ranks: {2027-01-01: 350}
      asd.threshold: {2027-01-01: 9.9}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from jisr.rules.batch import compute
from jisr.rules.params import ParameterError, Parameters
from jisr.rules.periods import Month

MEASURES = ("asd_eligible", "asd_monthly_amount", "asd_birth_grant", "asd_total")


@dataclass
class Reform:
    name: str
    description: str
    parameters: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> Reform:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ParameterError(f"{path}: cannot read the reform: {error.strerror}") from error
        return cls.parse(text, name=path.stem, where=str(path))

    @classmethod
    def parse(cls, text: str, *, name: str = "reform", where: str = "reform") -> Reform:
        """A reform from its YAML text; every parameter path and value is checked."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ParameterError(f"{where}: not valid YAML: {error}") from error
        if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict):
            raise ParameterError(f"{where}: a reform needs `parameters: {{path: {{date: value}}}}`")
        reform = cls(
            name=str(data.get("name") or name),
            description=str(data.get("description") or ""),
            parameters=data["parameters"],
        )
        Parameters.load().with_reform(reform.parameters)  # refuses unknown paths and bad values
        return reform


@dataclass
class Comparison:
    month: Month
    reform: Reform
    households: pl.DataFrame  # per household: baseline and reform measures, region, milieu, decile
    summary: pl.DataFrame  # one row per scenario
    by: dict[str, pl.DataFrame]  # region, milieu, decile
    largest: pl.DataFrame


def _scenario(
    households: pl.DataFrame, persons: pl.DataFrame, month: Month, reform: dict[str, Any] | None
) -> pl.DataFrame:
    monthly = compute(households, persons, str(month), reform, ("index", *MEASURES))
    september = Month(month.year, 9)
    school = compute(households, persons, str(september), reform, ("asd_school_grant",))
    return monthly.with_columns(school["asd_school_grant"].alias("school_grant_year"))


def compare(
    households: pl.DataFrame, persons: pl.DataFrame, month: Month, reform: Reform
) -> Comparison:
    base = _scenario(households, persons, month, None)
    new = _scenario(households, persons, month, reform.parameters)
    size = persons.group_by("household_id").len("people")
    place = households.select(
        "household_id",
        *(c for c in ("region_code", "milieu") if c in households.columns),
    )
    frame = (
        base.rename({c: f"{c}_base" for c in base.columns if c != "household_id"})
        .join(
            new.rename({c: f"{c}_reform" for c in new.columns if c != "household_id"}),
            on="household_id",
            maintain_order="left",
        )
        .join(place, on="household_id", how="left", maintain_order="left")
        .join(size, on="household_id", how="left", maintain_order="left")
        .with_columns(
            # yearly: twelve times the month's recurring amount and birth grants, plus September's
            # school-start grant (an estimate: the population is held fixed over the year)
            *(
                (
                    12 * (pl.col(f"asd_monthly_amount_{s}") + pl.col(f"asd_birth_grant_{s}"))
                    + pl.col(f"school_grant_year_{s}")
                ).alias(f"yearly_{s}")
                for s in ("base", "reform")
            ),
            (pl.col("index_base").rank("ordinal") * 10 // (pl.len() + 1) + 1)
            .cast(pl.Int32)
            .alias("decile"),
            (pl.col("asd_total_reform") - pl.col("asd_total_base")).alias("change"),
        )
    )
    return Comparison(
        month=month,
        reform=reform,
        households=frame,
        summary=_summary(frame),
        by={
            key: _grouped(frame, key)
            for key in ("region_code", "milieu", "decile")
            if key in frame.columns
        },
        largest=frame.sort(pl.col("change").abs(), descending=True)
        .head(20)
        .select("household_id", "asd_total_base", "asd_total_reform", "change"),
    )


def _aggregates(scenario: str) -> list[pl.Expr]:
    eligible = pl.col(f"asd_eligible_{scenario}")
    return [
        eligible.sum().alias(f"households_{scenario}"),
        pl.col("people").filter(eligible).sum().alias(f"people_{scenario}"),
        (pl.col(f"asd_total_{scenario}").sum() / 100).alias(f"monthly_cost_mad_{scenario}"),
        (pl.col(f"yearly_{scenario}").sum() / 100).alias(f"yearly_cost_mad_{scenario}"),
    ]


def _changes() -> list[pl.Expr]:
    return [
        (pl.col("change") > 0).sum().alias("gainers"),
        (pl.col("change") < 0).sum().alias("losers"),
        (pl.col("change") / 100).sum().alias("monthly_change_mad"),
    ]


def _summary(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(*_aggregates("base"), *_aggregates("reform"), *_changes())


def _grouped(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    return (
        frame.group_by(key).agg(*_aggregates("base"), *_aggregates("reform"), *_changes()).sort(key)
    )


def write(comparison: Comparison, out: Path) -> list[Path]:
    """CSV tables and PNG/SVG charts of the comparison into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in (
        ("summary", comparison.summary),
        ("largest_changes", comparison.largest),
        *((f"by_{key}", table) for key, table in comparison.by.items()),
    ):
        path = out / f"{name}.csv"
        table.write_csv(path)
        written.append(path)
    written.extend(_charts(comparison, out))
    return written


def _charts(comparison: Comparison, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    for key, table in comparison.by.items():
        figure, axis = plt.subplots(figsize=(8, 4))
        labels = [str(v) for v in table[key]]
        positions = range(len(labels))
        axis.bar(
            [p - 0.2 for p in positions], table["monthly_cost_mad_base"], 0.4, label="baseline"
        )
        axis.bar(
            [p + 0.2 for p in positions], table["monthly_cost_mad_reform"], 0.4, label="reform"
        )
        axis.set_xticks(list(positions), labels)
        axis.set_ylabel("MAD per month")
        axis.set_title(f"{comparison.reform.name}: ASD cost by {key} ({comparison.month})")
        axis.legend()
        figure.tight_layout()
        for suffix in ("png", "svg"):
            path = out / f"cost_by_{key}.{suffix}"
            figure.savefig(path)
            paths.append(path)
        plt.close(figure)
    return paths
