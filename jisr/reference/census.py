"""Morocco's 2024 census (RGPH 2024): national totals and the legal population of the 12 regions.

# source: RGPH 2024, decree 2-24-1009 (legal population); HCP via leconomiste.com, h24info.ma,
# lessentielinfo.com — see shared/reference/morocco-social-protection.md, "Population".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name_fr: str
    name_ar: str
    population_2024: int


@dataclass(frozen=True, slots=True)
class Census:
    year: int
    reference_day: str
    population: int
    foreigners: int
    households: int
    mean_household_size: float
    urban_share: float


# source: RGPH 2024 (decree 2-24-1009); HCP. Census reference day 1 September 2024.
CENSUS_2024 = Census(
    year=2024,
    reference_day="2024-09-01",
    population=36_828_330,
    foreigners=148_152,
    households=9_275_038,
    mean_household_size=3.9,
    urban_share=0.628,
)


@cache
def regions() -> tuple[Region, ...]:
    """The 12 regions in code order, read from the packaged `regions.csv`."""
    text = resources.files("jisr.reference").joinpath("regions.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Region(
            code=row["code"],
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            population_2024=int(row["population_2024"]),
        )
        for row in rows
    )
