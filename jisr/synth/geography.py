"""The synthetic geography: provinces and communes per region, depending on the seed only.

Morocco's real communes are not shipped (their 2024 populations are not in the reference data), so
each region gets clearly synthetic provinces and communes (`synthetic = true`, names such as
"Commune synthétique 06-017") whose populations add up to the region's legal population of the
2024 census. The geography depends only on the seed — not on the number of households — so a demo
of 20,000 households and a national run made with the same seed share their communes.

Codes: province `RR.PP`, commune `RR.PP.CCC`, where CCC numbers the communes of the region
(001, 002, ...) in province order, so the name "Commune synthétique 06-017" belongs to `06.PP.017`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from jisr.reference import regions
from jisr.synth import params

COMMUNE_COLUMNS = (
    "code", "name_fr", "name_ar", "population_2024", "province_code", "province_name_fr",
    "province_name_ar", "region_code", "milieu", "synthetic",
)  # fmt: skip


@dataclass(frozen=True)
class Geography:
    """Communes sorted by (region, milieu), with tables to draw a household's commune."""

    codes: tuple[str, ...]
    region_index: npt.NDArray[np.int64]
    urban: npt.NDArray[np.bool_]
    population: npt.NDArray[np.int64]
    province_codes: tuple[str, ...]
    # Cumulative population weights within each (region, milieu) group, offset by the group number
    # (group = 2 * region + rural), so one searchsorted serves every group at once.
    draw_table: npt.NDArray[np.float64]


def apportion(
    total: int, weights: npt.NDArray[np.float64], minimum: int = 0
) -> npt.NDArray[np.int64]:
    """Split `total` into integers proportional to `weights` (largest remainder), each >= min."""
    count = weights.size
    spare = total - minimum * count
    if spare < 0:
        raise ValueError(f"cannot give {count} parts at least {minimum} each out of {total}")
    exact = weights / weights.sum() * spare
    parts = np.floor(exact).astype(np.int64)
    remainder_order = np.argsort(-(exact - parts), kind="stable")
    parts[remainder_order[: spare - int(parts.sum())]] += 1
    return np.asarray(parts + minimum, dtype=np.int64)


@cache
def urban_rates() -> dict[str, float]:
    """Regional person urban rates, shifted on the logit scale to the national census share."""
    codes = [region.code for region in regions()]
    population = np.array([region.population_2024 for region in regions()], dtype=np.float64)
    logits = np.array([math.log(r / (1 - r)) for r in (params.REGION_URBAN_RATE[c] for c in codes)])

    def national(shift: float) -> float:
        rates = 1.0 / (1.0 + np.exp(-(logits + shift)))
        return float((rates * population).sum() / population.sum())

    low, high = -5.0, 5.0
    for _ in range(100):  # bisection: national() is increasing in the shift
        middle = (low + high) / 2
        low, high = (
            (middle, high) if national(middle) < params.URBAN_PERSON_SHARE else (low, middle)
        )
    rates = 1.0 / (1.0 + np.exp(-(logits + (low + high) / 2)))
    return dict(zip(codes, (float(rate) for rate in rates), strict=True))


def _rng(seed: int) -> np.random.Generator:
    digest = hashlib.blake2b(f"{seed}/geography".encode(), digest_size=16).digest()
    return np.random.default_rng(np.random.SeedSequence(int.from_bytes(digest, "little")))


@dataclass(frozen=True)
class _RegionLayout:
    """One region's communes before they are numbered: (province, urban, population) each."""

    province: npt.NDArray[np.int64]
    urban: npt.NDArray[np.bool_]
    population: npt.NDArray[np.int64]


def _region_layout(
    rng: np.random.Generator, population: int, urban_rate: float, communes: int, provinces: int
) -> _RegionLayout:
    urban_share = params.URBAN_COMMUNE_SHARE * urban_rate / params.URBAN_PERSON_SHARE
    n_urban = min(communes - 1, max(provinces, round(communes * urban_share)))
    n_rural = communes - n_urban
    urban_population = round(population * urban_rate)
    urban_weights = rng.lognormal(0.0, params.URBAN_COMMUNE_SIZE_SPREAD, n_urban)
    rural_weights = rng.lognormal(0.0, params.RURAL_COMMUNE_SIZE_SPREAD, n_rural)
    sizes = np.concatenate(
        [
            apportion(urban_population, urban_weights, minimum=1),
            apportion(population - urban_population, rural_weights, minimum=1),
        ]
    )
    urban = np.arange(communes) < n_urban
    # Each province gets one urban commune (its chef-lieu); the other communes are spread at random.
    province = np.concatenate(
        [rng.permutation(provinces), rng.integers(0, provinces, communes - provinces)]
    )
    return _RegionLayout(province=province, urban=urban, population=sizes)


def _regional_counts() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    population = np.array([region.population_2024 for region in regions()], dtype=np.float64)
    communes = apportion(params.COMMUNES_TOTAL, population, params.MIN_COMMUNES_PER_REGION)
    provinces = apportion(params.PROVINCES_TOTAL, population, params.MIN_PROVINCES_PER_REGION)
    return communes, provinces


@lru_cache(maxsize=16)
def build(seed: int) -> Geography:
    """The synthetic communes of `seed`, sorted by (region, milieu, code)."""
    rng = _rng(seed)
    communes, provinces = _regional_counts()
    rates = urban_rates()
    rows: list[tuple[int, bool, int, str, str]] = []
    for index, region in enumerate(regions()):
        layout = _region_layout(
            rng,
            region.population_2024,
            rates[region.code],
            int(communes[index]),
            int(provinces[index]),
        )
        order = np.lexsort((~layout.urban, layout.province))
        for number, position in enumerate(order, start=1):
            province = f"{region.code}.{int(layout.province[position]) + 1:02d}"
            code = f"{province}.{number:03d}"
            rows.append(
                (
                    index,
                    bool(layout.urban[position]),
                    int(layout.population[position]),
                    code,
                    province,
                )
            )
    rows.sort(key=lambda row: (row[0], not row[1], row[3]))
    region_index = np.array([row[0] for row in rows], dtype=np.int64)
    urban = np.array([row[1] for row in rows], dtype=np.bool_)
    population = np.array([row[2] for row in rows], dtype=np.int64)
    group = 2 * region_index + (~urban).astype(np.int64)
    within = np.zeros(population.size, dtype=np.float64)
    for value in np.unique(group):
        members = group == value
        shares = np.cumsum(population[members]) / population[members].sum()
        shares[-1] = 1.0
        within[members] = shares
    return Geography(
        codes=tuple(row[3] for row in rows),
        region_index=region_index,
        urban=urban,
        population=population,
        province_codes=tuple(row[4] for row in rows),
        draw_table=group + within,
    )


def draw_communes(
    geography: Geography,
    region_index: npt.NDArray[np.int64],
    urban: npt.NDArray[np.bool_],
    u: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Commune index for each household, proportional to population within its region and milieu."""
    group = 2 * region_index + (~urban).astype(np.int64)
    # Keep u away from 0 and 1: `group + u` must not round onto the previous group's last entry.
    position = np.searchsorted(geography.draw_table, group + np.clip(u, 1e-9, 1 - 1e-9))
    return np.minimum(position, len(geography.codes) - 1).astype(np.int64)


def communes_csv(seed: int) -> str:
    """The `communes.csv` text (columns COMMUNE_COLUMNS) for `seed`, in code order."""
    geography = build(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COMMUNE_COLUMNS)
    order = sorted(range(len(geography.codes)), key=geography.codes.__getitem__)
    for position in order:
        code = geography.codes[position]
        province = geography.province_codes[position]
        region_code, _, serial = code.split(".")
        writer.writerow(
            (
                code,
                f"Commune synthétique {region_code}-{serial}",
                f"جماعة تركيبية {region_code}-{serial}",
                int(geography.population[position]),
                province,
                f"Province synthétique {province}",
                f"إقليم تركيبي {province}",
                region_code,
                "urban" if geography.urban[position] else "rural",
                "true",
            )
        )
    return buffer.getvalue()


def write_communes(path: Path, seed: int) -> None:
    path.write_text(communes_csv(seed), encoding="utf-8")
