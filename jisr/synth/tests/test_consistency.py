"""Every household of the 200,000-household sample is internally consistent."""

from __future__ import annotations

import re

import polars as pl

from jisr.core.identifiers import CNIE_PATTERN, luhn_check_digits
from jisr.reference import regions
from jisr.synth import DEFAULT_AS_OF
from jisr.synth.tests.conftest import Population

# Youngest and oldest completed age at which each school level is plausible (with repetition).
LEVEL_AGES = {
    "preschool": (4, 5),
    "primary": (6, 13),
    "lower_secondary": (11, 16),
    "upper_secondary": (14, 19),
    "higher": (18, 24),
    "vocational": (15, 24),
}


def _luhn_valid(ids: pl.Series, length: int) -> bool:
    if not ids.str.contains(rf"^[0-9]{{{length}}}$").all():
        return False
    values = ids.cast(pl.Int64).to_numpy()
    return bool((luhn_check_digits(values // 10, length - 1) == values % 10).all())


def test_one_head_first_and_sizes_match(population: Population) -> None:
    persons = population.persons
    per_household = persons.group_by("household_id", maintain_order=True).agg(
        pl.len().alias("members"),
        (pl.col("relationship") == "head").sum().alias("heads"),
        (pl.col("relationship") == "spouse").sum().alias("spouses"),
        pl.col("relationship").first().alias("first"),
    )
    checked = population.households.join(per_household, on="household_id", how="left")
    assert (checked["members"] == checked["size"]).all()
    assert (checked["heads"] == 1).all()
    assert (checked["spouses"] <= 1).all()
    assert (checked["first"] == "head").all()


def test_ids_are_valid_and_unique(population: Population) -> None:
    households, persons = population.households, population.persons
    assert _luhn_valid(households["household_id"], 10)
    assert _luhn_valid(persons["person_id"], 12)
    assert households["household_id"].is_unique().all()
    assert persons["person_id"].is_unique().all()
    assert not (households["household_id"].str.slice(0, 4) == "0000").all()


def test_cnie_for_moroccan_adults_only_unique_and_well_formed(population: Population) -> None:
    persons = population.persons
    should_have = (pl.col("age") >= 18) & (pl.col("nationality") == "MA")
    assert persons.filter(should_have)["cnie"].null_count() == 0
    assert persons.filter(~should_have)["cnie"].null_count() == persons.filter(~should_have).height
    cnie = persons["cnie"].drop_nulls()
    assert cnie.is_unique().all()
    assert cnie.str.contains(CNIE_PATTERN.pattern).all()


def test_communes_exist_and_match_region_and_milieu(population: Population) -> None:
    communes = population.communes.select(
        pl.col("code").alias("commune_code"),
        pl.col("region_code").alias("commune_region"),
        pl.col("milieu").alias("commune_milieu"),
    )
    joined = population.households.join(communes, on="commune_code", how="left")
    assert joined["commune_region"].null_count() == 0
    assert (joined["commune_region"] == joined["region_code"]).all()
    assert (joined["commune_milieu"] == joined["milieu"]).all()
    assert (joined["commune_code"].str.slice(0, 2) == joined["region_code"]).all()


def test_commune_populations_sum_to_region_populations(population: Population) -> None:
    totals = population.communes.group_by("region_code").agg(pl.col("population_2024").sum())
    by_region = dict(zip(totals["region_code"], totals["population_2024"], strict=True))
    assert by_region == {region.code: region.population_2024 for region in regions()}


def _with_mothers(persons: pl.DataFrame) -> pl.DataFrame:
    """Children with their mother: the head's wife, or the head herself when a woman."""
    mothers = persons.filter(
        (pl.col("relationship") == "spouse")
        | ((pl.col("relationship") == "head") & (pl.col("sex") == "F"))
    ).select("household_id", pl.col("birth_date").alias("mother_birth"))
    children = persons.filter(pl.col("relationship") == "child")
    return children.join(mothers, on="household_id", how="inner")


def test_children_born_when_their_mother_was_at_least_15(population: Population) -> None:
    children = _with_mothers(population.persons)
    assert children.height > 0.3 * population.persons.height
    gap_years = (children["birth_date"] - children["mother_birth"]).dt.total_days() / 365.2425
    assert gap_years.min() >= 15  # type: ignore[operator]
    assert gap_years.max() <= 46  # type: ignore[operator]


def test_children_and_grandchildren_are_listed_eldest_first(population: Population) -> None:
    ordered = population.persons.filter(pl.col("relationship").is_in(["child", "grandchild"]))
    previous = ordered.select(
        pl.col("birth_date").shift(1).over(["household_id", "relationship"]).alias("previous"),
        "birth_date",
    ).drop_nulls()
    assert (previous["previous"] <= previous["birth_date"]).all()


def test_children_bear_their_fathers_name_and_wives_keep_theirs(population: Population) -> None:
    persons = population.persons
    heads = persons.filter(pl.col("relationship") == "head").select(
        "household_id", pl.col("sex").alias("head_sex"), pl.col("last_name_lat").alias("head_name"),
        pl.col("last_name_ar").alias("head_name_ar"),
    )  # fmt: skip
    joined = persons.join(heads, on="household_id")
    male_headed_children = joined.filter(
        (pl.col("relationship") == "child") & (pl.col("head_sex") == "M")
    )
    assert (male_headed_children["last_name_lat"] == male_headed_children["head_name"]).all()
    assert (male_headed_children["last_name_ar"] == male_headed_children["head_name_ar"]).all()
    wives = joined.filter(pl.col("relationship") == "spouse")
    assert (wives["last_name_lat"] != wives["head_name"]).mean() > 0.9  # type: ignore[operator]
    assert (wives["sex"] == "F").all()


def test_school_level_matches_age_and_enrolment(population: Population) -> None:
    persons = population.persons
    assert (persons["in_school"] == persons["school_level"].is_not_null()).all()
    assert (persons["in_school"] == persons["school_sector"].is_not_null()).all()
    for level, (youngest, oldest) in LEVEL_AGES.items():
        ages = persons.filter(pl.col("school_level") == level)["age"]
        assert ages.len() > 0, level
        assert youngest <= ages.min() <= ages.max() <= oldest, level  # type: ignore[operator]


def test_disability_severity_only_with_disability(population: Population) -> None:
    persons = population.persons
    assert (persons["disability"] == persons["disability_severity"].is_not_null()).all()


def test_marital_status_consistent_with_roles(population: Population) -> None:
    persons = population.persons
    assert (persons.filter(pl.col("age") < 18)["marital_status"] == "single").all()
    assert (persons.filter(pl.col("relationship") == "spouse")["marital_status"] == "married").all()
    couples = persons.filter(pl.col("relationship") == "spouse")["household_id"]
    heads_with_wife = persons.filter(
        (pl.col("relationship") == "head") & pl.col("household_id").is_in(couples.implode())
    )
    assert (heads_with_wife["marital_status"] == "married").all()
    assert (heads_with_wife["sex"] == "M").all()


def test_fatherless_children_live_without_a_father_head(population: Population) -> None:
    persons = population.persons
    head_sex = persons.filter(pl.col("relationship") == "head").select(
        "household_id", pl.col("sex").alias("head_sex")
    )
    fatherless = persons.filter(
        (pl.col("relationship") == "child") & pl.col("father_deceased")
    ).join(head_sex, on="household_id")
    assert fatherless.height > 0
    assert (fatherless["head_sex"] == "F").all()


def test_social_security_only_for_working_age(population: Population) -> None:
    persons = population.persons
    outside = persons.filter(~pl.col("age").is_between(18, 64))
    assert (outside["social_security"] == "none").all()


def test_dependants_share_the_cover_of_the_head(population: Population) -> None:
    persons = population.persons
    head_cover = persons.filter(pl.col("relationship") == "head").select(
        "household_id", pl.col("amo").alias("head_amo")
    )
    dependants = persons.filter(
        (pl.col("social_security") == "none") & ~pl.col("relationship").is_in(["head", "other"])
    ).join(head_cover, on="household_id")
    assert (dependants["amo"] == dependants["head_amo"]).all()
    workers = persons.filter(pl.col("social_security").is_in(["cnss", "cnops"]))
    assert (workers["amo"] == workers["social_security"]).all()


def test_cnss_family_allowances_need_a_cnss_worker_and_a_child(population: Population) -> None:
    persons = population.persons
    worker = persons.filter(
        pl.col("relationship").is_in(["head", "spouse"]) & (pl.col("social_security") == "cnss")
    )["household_id"].unique()
    child = persons.filter((pl.col("relationship") == "child") & (pl.col("age") < 21))[
        "household_id"
    ].unique()
    flagged = population.households.filter(pl.col("cnss_family_allowances"))["household_id"]
    assert flagged.len() > 0
    assert flagged.is_in(worker.implode()).all()
    assert flagged.is_in(child.implode()).all()


def test_dates_phones_and_addresses(population: Population) -> None:
    persons, households = population.persons, population.households
    assert (persons["birth_date"] <= DEFAULT_AS_OF).all()
    phones = households["phone"].drop_nulls()
    assert phones.str.contains(r"^\+212[67][0-9]{8}$").all()
    assert 0.0 < households["phone"].null_count() / households.height < 0.15
    urban = households.filter(pl.col("milieu") == "urban")["address"]
    rural = households.filter(pl.col("milieu") == "rural")["address"]
    assert urban.str.contains(r" n° [0-9]+$").all()
    assert rural.str.starts_with("Douar ").all()


def test_names_are_drawn_with_weights(population: Population) -> None:
    men = population.persons.filter(pl.col("sex") == "M")
    top = men["first_name_ar"].value_counts(sort=True)["first_name_ar"][0]
    assert top == "محمد"
    assert re.fullmatch(r"[A-Za-zÀ-ÿ' \-]+", "".join(men["first_name_lat"].unique().to_list()[:50]))
    assert population.persons["last_name_lat"].n_unique() > 250
