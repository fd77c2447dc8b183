"""The synthetic geography: its file format, and that it depends on the seed only."""

from __future__ import annotations

import csv
import io

import polars as pl

from jisr.reference import regions
from jisr.synth import communes, params
from jisr.synth.geography import COMMUNE_COLUMNS, communes_csv, urban_rates


def test_communes_csv_columns_and_codes() -> None:
    rows = list(csv.DictReader(io.StringIO(communes_csv(1))))
    assert tuple(rows[0]) == COMMUNE_COLUMNS
    assert abs(len(rows) - params.COMMUNES_TOTAL) <= len(regions())
    codes = [row["code"] for row in rows]
    assert len(set(codes)) == len(codes)
    for row in rows:
        region, province, serial = row["code"].split(".")
        assert row["province_code"] == f"{region}.{province}"
        assert row["region_code"] == region
        assert row["name_fr"] == f"Commune synthétique {region}-{serial}"
        assert row["name_ar"].startswith("جماعة تركيبية")
        assert row["milieu"] in ("urban", "rural")
        assert row["synthetic"] == "true"
        assert int(row["population_2024"]) > 0


def test_every_region_has_urban_and_rural_communes_and_provinces() -> None:
    frame = communes(2)
    summary = frame.group_by("region_code").agg(
        (pl.col("milieu") == "urban").sum().alias("urban"),
        (pl.col("milieu") == "rural").sum().alias("rural"),
        pl.col("province_code").n_unique().alias("provinces"),
    )
    assert summary.height == len(regions())
    assert (summary["urban"] >= 1).all()
    assert (summary["rural"] >= 1).all()
    assert (summary["provinces"] >= params.MIN_PROVINCES_PER_REGION).all()
    assert abs(frame["province_code"].n_unique() - params.PROVINCES_TOTAL) <= len(regions())


def test_geography_depends_on_the_seed_only() -> None:
    assert communes_csv(4) == communes_csv(4)
    assert communes_csv(4) != communes_csv(5)


def test_regional_urban_rates_rescaled_to_the_census_share() -> None:
    rates = urban_rates()
    population = {region.code: region.population_2024 for region in regions()}
    national = sum(rates[code] * population[code] for code in rates) / sum(population.values())
    assert abs(national - params.URBAN_PERSON_SHARE) < 1e-9
    frame = communes(3)
    urban = frame.filter(pl.col("milieu") == "urban").select(pl.col("population_2024").sum()).item()
    total = frame.select(pl.col("population_2024").sum()).item()
    assert abs(urban / total - params.URBAN_PERSON_SHARE) < 1e-4
