"""Jisr's engine, OpenFisca-core and DuckDB SQL give the same ASD result for every household.

The three implementations of the ASD monthly rules (jisr/rules/variables/asd.py,
jisr/rules/reference/openfisca_asd.py, jisr/rules/reference/duckdb_asd.py) run on 2,000 synthetic
households with a random index and on hand-made households at the rules' edges; eligibility and
the monthly amount (centimes) must be equal for every household, month after month.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from jisr.rules import batch
from jisr.rules.params import Parameters
from jisr.rules.periods import Month
from jisr.rules.population import read_directory
from jisr.rules.reference import duckdb_asd, openfisca_asd
from jisr.synth.population import write as synth_write

VARIABLES = ("asd_eligible", "asd_monthly_amount")
# Before ASD, the 2024 and 2025 increases' months and the 2026 one.
MONTHS = ("2023-11", "2024-03", "2024-05", "2025-05", "2025-06", "2026-03")
POOR = 9.0  # an index well below the threshold
Member = tuple[str, str, dict[str, Any]]  # relationship, birth date, other attributes


def _shift_years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years)


# Hand-made households: id → (index, household attributes, members in roster order), with the
# monthly amount expected in March 2026 (MAD; None: not eligible) where it shows the rule.
SCHOOL = {"in_school": True}
ORPHAN = {"father_deceased": True, "in_school": True}
HANDMADE: dict[str, tuple[float, dict[str, Any], list[Member], float | None]] = {
    # Government spokesman: a widow with six orphans, 3×400 + 3×36 in 2026.
    "widow-six-orphans": (
        POOR,
        {},
        [("head", "1980-04-02", {"sex": "F"})]
        + [("child", f"{year}-06-01", ORPHAN) for year in range(2008, 2020, 2)],
        1308,
    ),
    # Ranks 7 and 8 unpaid: 300 + 200 + 300 (ranks 1–3) + 36 + 24 + 36 (ranks 4–6).
    "eight-children": (
        POOR,
        {},
        [
            ("head", "1975-01-01", {}),
            ("spouse", "1978-01-01", {"sex": "F"}),
            ("child", "2006-05-10", SCHOOL),
            ("child", "2008-02-01", {}),
            ("child", "2010-07-07", SCHOOL),
            ("child", "2012-01-20", SCHOOL),
            ("child", "2014-09-09", {}),
            ("child", "2017-03-03", SCHOOL),
            ("child", "2019-08-08", SCHOOL),
            ("child", "2021-11-11", {}),
        ],
        896,
    ),
    # A disabled fatherless orphan counts at any age: 400 + 100 (rank 1) + 400 (rank 2).
    "disabled-orphan-aged-25": (
        POOR,
        {},
        [
            ("head", "1975-01-01", {"sex": "F"}),
            ("child", "2000-06-15", {"disability": True, "father_deceased": True}),
            ("child", "2015-04-04", ORPHAN),
        ],
        900,
    ),
    # …but not a disabled adult whose father is alive: the flat rate.
    "disabled-adult-not-orphan": (
        POOR,
        {},
        [("head", "1960-01-01", {}), ("child", "2000-06-15", {"disability": True})],
        500,
    ),
    # Twins at the rank-3/4 boundary: ties in roster order (the one in school first).
    "twins-at-rank-three": (
        POOR,
        {},
        [
            ("head", "1980-01-01", {}),
            ("child", "2010-01-01", SCHOOL),
            ("child", "2012-01-01", SCHOOL),
            ("child", "2016-05-05", SCHOOL),
            ("child", "2016-05-05", {}),
        ],
        924,
    ),
    # A deceased child is not counted and takes no rank.
    "deceased-eldest": (
        POOR,
        {},
        [
            ("head", "1980-01-01", {}),
            ("child", "2008-01-01", {"death_date": "2023-06-01"}),
            ("child", "2010-01-01", SCHOOL),
            ("child", "2012-01-01", SCHOOL),
            ("child", "2014-01-01", SCHOOL),
            ("child", "2016-01-01", SCHOOL),
        ],
        936,
    ),
    "grandchild": (
        POOR,
        {},
        [("head", "1950-01-01", {}), ("grandchild", "2018-01-01", SCHOOL)],
        500,
    ),
    "elderly-couple": (
        POOR,
        {},
        [("head", "1950-01-01", {}), ("spouse", "1952-01-01", {"sex": "F"})],
        500,
    ),
    "disabled-children": (
        POOR,
        {},
        [
            ("head", "1980-01-01", {}),
            ("child", "2012-01-01", {"disability": True, "in_school": True}),
            ("child", "2016-01-01", {"disability": True}),
            ("other_relative", "2015-01-01", {"disability": True}),  # not a child of the head
        ],
        300 + 100 + 200 + 100,
    ),
    "index-at-the-threshold": (9.743001, {}, [("head", "1980-01-01", {})], None),
    "index-just-below": (9.743000999, {}, [("head", "1980-01-01", {})], 500),
    "formal-allowances": (
        POOR,
        {"formal_family_allowances": True},
        [("head", "1980-01-01", {"social_security": "cnss"}), ("child", "2015-01-01", {})],
        None,
    ),
    "not-in-the-rsu": (POOR, {"registered_rsu": False}, [("head", "1980-01-01", {})], None),
}
for _month in MONTHS:
    _first = Month.parse(_month).first_day
    # Turning 21 on the 1st: not counted that month (three younger siblings: 3×300 in 2026-03).
    # Turning 21 on the 2nd: still counted (200 + 300 + 300 + 36).
    for _label, _birth, _expected in (
        ("turns-21-on-the-1st", _shift_years(_first, -21), 900),
        ("turns-21-on-the-2nd", _shift_years(_first, -21) + dt.timedelta(days=1), 836),
        ("born-on-the-15th", _first + dt.timedelta(days=14), 900),
    ):
        eldest: list[Member] = [("child", _birth.isoformat(), {})]
        siblings: list[Member] = [("child", f"{y}-01-01", SCHOOL) for y in (2010, 2012, 2014)]
        members = eldest + siblings if _label != "born-on-the-15th" else siblings + eldest
        HANDMADE[f"{_label}-{_month}"] = (
            POOR,
            {},
            [("head", "1975-01-01", {}), *members],
            _expected if _month == "2026-03" else None,
        )


def _handmade() -> tuple[pl.DataFrame, pl.DataFrame]:
    households, persons = [], []
    for household_id, (index, attributes, members, _) in HANDMADE.items():
        households.append(
            {
                "household_id": household_id,
                "index": index,
                "formal_family_allowances": False,
                "registered_rnp": True,
                "registered_rsu": True,
                **attributes,
            }
        )
        for number, (relationship, birth, extra) in enumerate(members, 1):
            row = {
                "person_id": f"{household_id}/{number}",
                "household_id": household_id,
                "relationship": relationship,
                "sex": "M",
                "birth_date": dt.date.fromisoformat(birth),
                "disability": False,
                "in_school": False,
                "school_level": "",
                "school_sector": "",
                "father_deceased": False,
                "social_security": "none",
                "amo": "none",
                "death_date": None,
                **extra,
            }
            if row["death_date"]:
                row["death_date"] = dt.date.fromisoformat(row["death_date"])
            if row["in_school"]:
                row["school_level"], row["school_sector"] = "primary", "public"
            persons.append(row)
    person_frame = pl.DataFrame(persons, schema_overrides={"death_date": pl.Date})
    return pl.DataFrame(households), person_frame


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 synthetic households (index random around the threshold) and the hand-made ones, as
    Parquet files in the synth format."""
    synth = tmp_path_factory.mktemp("synth")
    synth_write(synth, 2000, 23, "parquet")
    households, persons = read_directory(synth)
    index = np.random.default_rng(29).normal(9.74, 0.4, households.height)
    households = households.with_columns(index=pl.Series(index))
    extra_households, extra_persons = _handmade()
    households = pl.concat([households, extra_households], how="diagonal_relaxed")
    households = households.with_columns(pl.col("registered_rnp", "registered_rsu").fill_null(True))
    persons = pl.concat([persons, extra_persons], how="diagonal_relaxed")
    directory = tmp_path_factory.mktemp("population")
    households.write_parquet(directory / "households.parquet")
    persons.write_parquet(directory / "persons.parquet")
    return directory


def _three(
    directory: Path, month: str, reform: dict[str, Any] | None = None
) -> dict[str, pl.DataFrame]:
    households, persons = read_directory(directory)
    parameters = Parameters.load().with_reform(reform) if reform else None
    return {
        "jisr": batch.compute(households, persons, month, reform, variables=VARIABLES),
        "openfisca": openfisca_asd.compute(households, persons, month, parameters),
        "duckdb": duckdb_asd.compute(directory, month, parameters),
    }


def _assert_agree(results: dict[str, pl.DataFrame]) -> None:
    jisr = results["jisr"]
    assert jisr.schema == pl.Schema(
        {"household_id": pl.String, "asd_eligible": pl.Boolean, "asd_monthly_amount": pl.Int64}
    )
    for engine in ("openfisca", "duckdb"):
        other = results[engine].select(jisr.columns)
        assert other.schema == jisr.schema, engine
        differs = jisr.join(other, on="household_id", how="full", suffix="_other").filter(
            pl.col("asd_eligible").ne_missing(pl.col("asd_eligible_other"))
            | pl.col("asd_monthly_amount").ne_missing(pl.col("asd_monthly_amount_other"))
        )
        assert differs.height == 0, f"{engine} disagrees with Jisr:\n{differs}"


@pytest.mark.parametrize("month", MONTHS)
def test_the_three_engines_agree_on_every_household(population: Path, month: str) -> None:
    results = _three(population, month)
    _assert_agree(results)
    jisr = results["jisr"]
    if month >= "2023-12":  # the comparison is not vacuous
        assert jisr["asd_eligible"].sum() > 500
        assert (jisr["asd_monthly_amount"] > 50_000).sum() > 100


def test_they_agree_when_every_interpretation_is_reversed(population: Path) -> None:
    reform = {
        "asd.children.ranking": {"2023-12-01": "youngest_first"},
        "asd.disability_supplement_per_child": {"2023-12-01": False},
        "asd.threshold_strict": {"2023-12-01": False},
        "asd.children.disabled_orphan_without_age_limit": {"2023-12-01": False},
        "asd.children.relationships": {"2023-12-01": ["child"]},
        "asd.amounts.unschooled_first_ranks": {"2025-01-01": 180.5},
    }
    for month in ("2024-03", "2026-03"):
        results = _three(population, month, reform)
        _assert_agree(results)
        eligible = dict(zip(*results["jisr"].select("household_id", "asd_eligible"), strict=True))
        assert eligible["index-at-the-threshold"]  # at most equal, now


def test_they_agree_when_the_household_flags_are_not_given(
    population: Path, tmp_path: Path
) -> None:
    """Without the registration flags (true) and the formal-allowance flag (then any member
    affiliated to CNSS or CNOPS), each engine falls back the same way."""
    households = pl.read_parquet(population / "households.parquet")
    households.drop("registered_rnp", "registered_rsu", "formal_family_allowances").write_parquet(
        tmp_path / "households.parquet"
    )
    pl.read_parquet(population / "persons.parquet").write_parquet(tmp_path / "persons.parquet")
    results = _three(tmp_path, "2025-06")
    _assert_agree(results)
    eligible = dict(zip(*results["jisr"].select("household_id", "asd_eligible"), strict=True))
    assert not eligible["formal-allowances"]  # its head is affiliated to the CNSS
    assert eligible["not-in-the-rsu"]  # the flag is gone: registered by default


@pytest.mark.parametrize(
    ("month", "amount"), [("2024-05", 1158), ("2025-05", 1233), ("2026-03", 1308)]
)
def test_each_engine_pays_the_widow_with_six_orphans_the_published_amount(
    population: Path, month: str, amount: int
) -> None:
    for engine, result in _three(population, month).items():
        widow = result.filter(pl.col("household_id") == "widow-six-orphans")
        assert widow["asd_monthly_amount"].item() == amount * 100, engine


def test_each_engine_handles_the_edge_households_in_march_2026(population: Path) -> None:
    expected = {
        household_id: (amount is not None, round((amount or 0) * 100))
        for household_id, (*_, amount) in HANDMADE.items()
        if amount is not None or not household_id.endswith(MONTHS)
    }
    for engine, result in _three(population, "2026-03").items():
        got = {
            row["household_id"]: (row["asd_eligible"], row["asd_monthly_amount"])
            for row in result.filter(pl.col("household_id").is_in(list(expected))).to_dicts()
        }
        assert got == expected, engine
