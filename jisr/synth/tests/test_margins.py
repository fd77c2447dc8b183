"""The 200,000-household sample reproduces the census margins and the documented illustrative rates.

Tolerances are a few standard errors of a 200,000-household sample (inflated for clustering of
persons in households), or the ranges stated in the brief for illustrative rates.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import polars as pl

from jisr.reference import CENSUS_2024, regions
from jisr.synth import params
from jisr.synth.tests.conftest import SAMPLE_HOUSEHOLDS, Population

CHI_SQUARE_11_DF_P001 = 31.26  # critical value of chi-square with 11 degrees of freedom at 0.001


def _mean(frame: pl.DataFrame, condition: pl.Expr) -> float:
    return float(frame.select(condition.cast(pl.Float64).mean()).item())


def _rate(frame: pl.DataFrame, where: pl.Expr, condition: pl.Expr) -> float:
    return _mean(frame.filter(where), condition)


def test_households_by_region_follow_census_population(population: Population) -> None:
    counts = population.households["region_code"].value_counts()
    observed = dict(zip(counts["region_code"], counts["count"], strict=True))
    total_population = sum(region.population_2024 for region in regions())
    chi_square = 0.0
    for region in regions():
        expected = SAMPLE_HOUSEHOLDS * region.population_2024 / total_population
        chi_square += (observed.get(region.code, 0) - expected) ** 2 / expected
    assert chi_square < CHI_SQUARE_11_DF_P001


def test_urban_share_of_persons_is_the_census_share(population: Population) -> None:
    urban = _mean(population.persons, pl.col("milieu") == "urban")
    assert abs(urban - CENSUS_2024.urban_share) < 0.006


def test_regions_differ_in_urbanisation(population: Population) -> None:
    by_region = population.persons.group_by("region_code").agg(
        (pl.col("milieu") == "urban").mean().alias("urban")
    )
    urban = dict(zip(by_region["region_code"], by_region["urban"], strict=True))
    assert urban["11"] > urban["06"] > urban["07"] > urban["08"]


def test_household_size(population: Population) -> None:
    households = population.households
    assert (
        abs(population.persons.height / households.height - CENSUS_2024.mean_household_size) < 0.05
    )
    assert 0.08 <= _mean(households, pl.col("size") == 1) <= 0.11
    assert households.select(pl.col("size").max()).item() <= params.MAX_HOUSEHOLD_SIZE
    urban = households.filter(pl.col("milieu") == "urban")["size"].mean()
    rural = households.filter(pl.col("milieu") == "rural")["size"].mean()
    assert isinstance(urban, float)
    assert isinstance(rural, float)
    assert 3.6 < urban < 3.8 < 4.2 < rural < 4.4


def test_age_pyramid(population: Population) -> None:
    persons = population.persons
    assert 0.13 <= _mean(persons, pl.col("age") >= 60) <= 0.145  # RGPH 2024: 13.8 %
    assert 0.25 <= _mean(persons, pl.col("age") < 15) <= 0.28
    assert persons.select(pl.col("age").max()).item() <= 100
    assert 0.48 <= _mean(persons, pl.col("sex") == "M") <= 0.52
    assert _rate(persons, pl.col("age") >= 75, pl.col("sex") == "F") > 0.52


def test_female_headed_households_are_often_widows(heads: pl.DataFrame) -> None:
    assert 0.17 <= _mean(heads, pl.col("sex") == "F") <= 0.21
    assert _rate(heads, pl.col("sex") == "F", pl.col("marital_status") == "widowed") > 0.4


def test_spouses_are_close_in_age(population: Population) -> None:
    couples = (
        population.persons.filter(pl.col("relationship").is_in(["head", "spouse"]))
        .group_by("household_id")
        .agg(
            pl.col("age").filter(pl.col("relationship") == "head").first().alias("husband"),
            pl.col("age").filter(pl.col("relationship") == "spouse").first().alias("wife"),
        )
        .drop_nulls()
    )
    gap = (couples["husband"] - couples["wife"]).mean()
    assert isinstance(gap, float)
    assert 4.0 <= gap <= 6.0


def test_widowhood_and_elderly_living_alone(population: Population) -> None:
    persons = population.persons
    old_women = (pl.col("sex") == "F") & (pl.col("age") >= 60)
    old_men = (pl.col("sex") == "M") & (pl.col("age") >= 60)
    women_widowed = _rate(persons, old_women, pl.col("marital_status") == "widowed")
    assert 0.35 <= women_widowed <= 0.47
    assert _rate(persons, old_men, pl.col("marital_status") == "widowed") < women_widowed / 2
    assert 0.07 <= _rate(persons, pl.col("age") >= 60, pl.col("size") == 1) <= 0.09


def test_school_enrolment_by_age_band(population: Population) -> None:
    persons = population.persons
    targets = {(4, 5): 0.70, (6, 11): 0.97, (12, 14): 0.85, (15, 17): 0.65, (18, 22): 0.35}
    for (first, last), target in targets.items():
        band = pl.col("age").is_between(first, last)
        assert abs(_rate(persons, band, pl.col("in_school")) - target) < 0.04, (first, last)
        urban = _rate(persons, band & (pl.col("milieu") == "urban"), pl.col("in_school"))
        rural = _rate(persons, band & (pl.col("milieu") == "rural"), pl.col("in_school"))
        assert urban > rural, (first, last)
    enrolled = persons.filter(pl.col("in_school"))
    assert 0.12 <= _mean(enrolled, pl.col("school_sector") == "private") <= 0.18
    assert _mean(enrolled, pl.col("school_level") == "vocational") > 0.01


def test_disability_rises_with_age(population: Population) -> None:
    persons = population.persons
    assert 0.04 <= _mean(persons, pl.col("disability")) <= 0.06
    young = _rate(persons, pl.col("age") < 40, pl.col("disability"))
    old = _rate(persons, pl.col("age") >= 60, pl.col("disability"))
    assert old > 4 * young
    severities = set(persons["disability_severity"].drop_nulls().unique())
    assert severities == set(params.DISABILITY_SEVERITIES)


def test_fatherless_children_are_a_few_percent_rising_with_age(population: Population) -> None:
    persons = population.persons
    under_21 = pl.col("age") < 21
    assert 0.02 <= _rate(persons, under_21, pl.col("father_deceased")) <= 0.06
    infants = _rate(persons, pl.col("age") < 5, pl.col("father_deceased"))
    teenagers = _rate(persons, pl.col("age").is_between(15, 20), pl.col("father_deceased"))
    assert teenagers > 2 * infants


def test_social_security_of_heads(heads: pl.DataFrame) -> None:
    urban, rural = pl.col("milieu") == "urban", pl.col("milieu") == "rural"
    assert 0.25 <= _rate(heads, urban, pl.col("social_security") == "cnss") <= 0.30
    assert _rate(heads, rural, pl.col("social_security") == "cnss") < 0.12
    assert 0.03 <= _mean(heads, pl.col("social_security") == "cnops") <= 0.06


def test_health_cover(population: Population) -> None:
    persons = population.persons
    assert 0.25 <= _mean(persons, pl.col("amo") == "tadamon") <= 0.33
    assert 0.01 <= _mean(persons, pl.col("amo") == "achamil") <= 0.08
    assert 0.10 <= _mean(persons, pl.col("amo") == "none") <= 0.15


def test_tadamon_goes_to_the_poor(population: Population) -> None:
    consumption = population.households.select("household_id", "latent_consumption_pc")
    persons = population.persons.join(consumption, on="household_id")
    tadamon = persons.filter(pl.col("amo") == "tadamon")["latent_consumption_pc"].median()
    others = persons.filter(pl.col("amo") != "tadamon")["latent_consumption_pc"].median()
    assert isinstance(tadamon, float)
    assert isinstance(others, float)
    assert tadamon < 0.6 * others


def test_foreign_residents(population: Population) -> None:
    foreign = _mean(population.persons, pl.col("nationality") != "MA")
    assert abs(foreign - CENSUS_2024.foreigners / CENSUS_2024.population) < 0.0015


def test_latent_consumption(population: Population) -> None:
    households = population.households
    below_asd = _mean(
        households, pl.col("latent_consumption_pc") < math.exp(params.ASD_THRESHOLD_LOG)
    )
    assert 0.35 <= below_asd <= 0.5
    urban = households.filter(pl.col("milieu") == "urban")["latent_consumption_pc"].median()
    rural = households.filter(pl.col("milieu") == "rural")["latent_consumption_pc"].median()
    assert isinstance(urban, float)
    assert isinstance(rural, float)
    assert urban > 1.4 * rural
    # Larger households are poorer per person.
    small = households.filter(pl.col("size") <= 2)["latent_consumption_pc"].median()
    large = households.filter(pl.col("size") >= 7)["latent_consumption_pc"].median()
    assert isinstance(small, float)
    assert isinstance(large, float)
    assert large < small


def _design_matrix(households: pl.DataFrame) -> npt.NDArray[np.float64]:
    categorical = ["milieu", "region_code", "housing_type", "tenure", "water_source",
                   "electricity", "sanitation"]  # fmt: skip
    dummies = households.select(categorical).to_dummies(drop_first=True)
    numeric = households.select(
        "size",
        (pl.col("size") ** 2).alias("size_squared"),
        "rooms",
        "mobile_phones",
        *[column for column in households.columns if column.startswith("has_")],
        *[pl.col(column).log1p() for column in households.columns if column.startswith("spend_")],
    )
    matrix = pl.concat([dummies, numeric], how="horizontal").cast(pl.Float64).to_numpy()
    return np.column_stack([np.ones(matrix.shape[0]), matrix])


def test_proxy_means_test_predicts_consumption_imperfectly(population: Population) -> None:
    """Index inputs explain log consumption as well as a realistic PMT (R² about 0.5-0.7)."""
    households = population.households
    design = _design_matrix(households)
    target = np.log(households["latent_consumption_pc"].to_numpy().astype(np.float64))
    coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
    residual = target - design @ coefficients
    r_squared = 1 - float(residual @ residual) / float(((target - target.mean()) ** 2).sum())
    assert 0.5 <= r_squared <= 0.7


def test_cnss_family_allowances_are_common_but_not_universal(population: Population) -> None:
    assert 0.05 <= _mean(population.households, pl.col("cnss_family_allowances")) <= 0.2
