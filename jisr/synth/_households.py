"""Household-level draws: region, milieu, commune, size, type, head and wife ages, nationality.

Everything here is a function of (seed, global household index) through `Streams`, so a household
is the same whatever block it falls in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from jisr.reference import regions
from jisr.synth import geography, params
from jisr.synth._random import Bools, Floats, Ints, Keys, Streams, cumulative

COUPLE, FEMALE_HEAD, MALE_HEAD = range(3)
SIZE_VALUES = np.arange(1, params.MAX_HOUSEHOLD_SIZE + 1, dtype=np.int64)


def mean_size(milieu: str) -> float:
    pmf = np.asarray(params.HOUSEHOLD_SIZE_PMF[milieu])
    return float((pmf * SIZE_VALUES).sum() / pmf.sum())


@cache
def household_urban_probability() -> npt.NDArray[np.float64]:
    """P(urban) of a household by region, so that the share of *persons* urban is the region's rate.

    Urban households are smaller, so the household share must be above the person share:
    h = (u / s_urban) / (u / s_urban + (1 - u) / s_rural).
    """
    rates = geography.urban_rates()
    person = np.array([rates[region.code] for region in regions()])
    urban, rural = person / mean_size("urban"), (1 - person) / mean_size("rural")
    return np.asarray(urban / (urban + rural), dtype=np.float64)


@cache
def _region_table() -> Floats:
    # Households by region in proportion to the regions' census populations (regions.csv).
    return cumulative([region.population_2024 for region in regions()])


@cache
def _foreign_probability() -> tuple[float, float]:
    """P(foreign household) for (urban, rural) households, so that 0.40 % of persons are foreign."""
    share = params.FOREIGN_PERSON_SHARE
    urban_households = float(
        (household_urban_probability() * np.diff(_region_table(), prepend=0.0)).sum()
    )
    return (
        share * params.FOREIGN_URBAN_SHARE / urban_households,
        share * (1 - params.FOREIGN_URBAN_SHARE) / (1 - urban_households),
    )


@dataclass(frozen=True)
class Households:
    keys: Keys  # global household index, as uint64 (the key of every household-level draw)
    region: Ints  # index into jisr.reference.regions()
    urban: Bools
    commune: Ints  # index into geography.Geography.codes
    size: Ints
    kind: Ints  # COUPLE, FEMALE_HEAD or MALE_HEAD
    head_age: Floats  # years, continuous
    wife_age: Floats  # NaN without a wife at home
    mother_age: Floats  # mother of the head's children (the absent mother's, for a lone father)
    nationality: Ints  # 0 = Moroccan, else 1 + index into params.FOREIGN_NATIONALITIES
    wealth: Floats  # standard normal: the household's unobserved economic standing


def _size_bucket(size: Ints, edges: tuple[int, ...]) -> Ints:
    return np.searchsorted(np.asarray(edges), size, side="right") - 1


def _head_ages(streams: Streams, keys: Keys, kind: Ints, size: Ints) -> Floats:
    bucket = _size_bucket(size, params.HEAD_AGE_SIZE_BUCKETS)
    shape = (len(params.HOUSEHOLD_TYPES), len(params.HEAD_AGE_SIZE_BUCKETS), 2)
    weight, mean, spread = np.ones(shape[:2]), np.zeros(shape), np.ones(shape)
    for t, name in enumerate(params.HOUSEHOLD_TYPES):
        for b, mixture in enumerate(params.HEAD_AGE_MIXTURE[name]):
            weight[t, b] = mixture[0][0]
            for c, (_, m, s) in enumerate(mixture):
                mean[t, b, c], spread[t, b, c] = m, s
    component = (streams.uniform("head_age/component", keys) >= weight[kind, bucket]).astype(
        np.int64
    )
    age = mean[kind, bucket, component] + spread[kind, bucket, component] * streams.normal(
        "head_age", keys
    )
    return np.clip(age, *params.HEAD_AGE_RANGE)


def _kinds(streams: Streams, keys: Keys, size: Ints) -> Ints:
    buckets = sorted(params.HEAD_TYPE_BY_SIZE)
    tables = np.array([cumulative(params.HEAD_TYPE_BY_SIZE[b]) for b in buckets])
    bucket = _size_bucket(size, tuple(buckets))
    return streams.choice_rows("kind", keys, tables[bucket])


def _nationality(streams: Streams, keys: Keys, urban: Bools) -> Ints:
    p_urban, p_rural = _foreign_probability()
    foreign = streams.uniform("foreign", keys) < np.where(urban, p_urban, p_rural)
    table = cumulative(list(params.FOREIGN_NATIONALITIES.values()))
    country = streams.choice("nationality", keys, table) + 1
    return np.where(foreign, country, 0)


def draw_households(
    streams: Streams, geo: geography.Geography, first: int, count: int
) -> Households:
    keys = np.arange(first, first + count, dtype=np.uint64)
    region = streams.choice("region", keys, _region_table())
    urban = streams.uniform("milieu", keys) < household_urban_probability()[region]
    commune = geography.draw_communes(geo, region, urban, streams.uniform("commune", keys))
    u_size = streams.uniform("size", keys)
    size = 1 + np.where(
        urban,
        np.searchsorted(cumulative(params.HOUSEHOLD_SIZE_PMF["urban"]), u_size, side="right"),
        np.searchsorted(cumulative(params.HOUSEHOLD_SIZE_PMF["rural"]), u_size, side="right"),
    )
    size = np.minimum(size, params.MAX_HOUSEHOLD_SIZE).astype(np.int64)
    kind = _kinds(streams, keys, size)
    head_age = _head_ages(streams, keys, kind, size)
    gap_mean, gap_sd = params.SPOUSE_AGE_GAP
    wife = head_age - gap_mean - gap_sd * streams.normal("wife_age", keys)
    wife = np.clip(wife, params.HEAD_AGE_RANGE[0], head_age + 8.0)
    couple = kind == COUPLE
    mother_age = np.where(couple, wife, np.where(kind == FEMALE_HEAD, head_age, head_age - 5.0))
    return Households(
        keys=keys,
        region=region,
        urban=urban,
        commune=commune,
        size=size,
        kind=kind,
        head_age=head_age,
        wife_age=np.where(couple, wife, np.nan),
        mother_age=mother_age,
        nationality=_nationality(streams, keys, urban),
        wealth=streams.normal("wealth", keys),
    )
