"""Latent consumption, the registry's index inputs (dwelling, assets, spending) and health cover.

Latent consumption per person is log-normal: a milieu median, a region effect, a household-size
effect and the household's unobserved `wealth` (standard normal) scaled by CONSUMPTION_LOG_SD.

The index inputs are generated *from* it, as a proxy means test assumes: each one reads an
observable wealth `signal = WEALTH_SIGNAL * wealth + sqrt(1 - WEALTH_SIGNAL²) * noise`, plus its
own noise, so that together they predict log consumption imperfectly (R² about 0.6), as real PMTs
do. Ordered outcomes (dwelling type, water, electricity, sanitation) are ordered probits whose cut
points reproduce the milieu shares in `params`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from jisr.reference import regions
from jisr.synth import params
from jisr.synth._households import Households
from jisr.synth._members import CHILD, HEAD, OTHER, SPOUSE, Members
from jisr.synth._people import CNSS, NO_SCHEME
from jisr.synth._random import Bools, Floats, Ints, Streams, cumulative, probit

AMO_NONE, AMO_TADAMON, AMO_CNSS, AMO_CNOPS, AMO_ACHAMIL, AMO_OTHER = range(6)
_AMO_OF_SCHEME = np.array([AMO_CNSS, AMO_CNOPS, AMO_OTHER, AMO_NONE])  # by social security code


def log_consumption(homes: Households) -> Floats:
    """Natural log of annual consumption per person (MAD)."""
    region_effect = np.array([params.CONSUMPTION_REGION_EFFECT[r.code] for r in regions()])
    median = np.where(
        homes.urban,
        params.CONSUMPTION_LOG_MEDIAN["urban"],
        params.CONSUMPTION_LOG_MEDIAN["rural"],
    )
    return np.asarray(
        median
        + region_effect[homes.region]
        + params.CONSUMPTION_SIZE_EFFECT * (homes.size - 4)
        + params.CONSUMPTION_LOG_SD * homes.wealth,
        dtype=np.float64,
    )


def wealth_signal(streams: Streams, homes: Households) -> Floats:
    rho = params.WEALTH_SIGNAL
    noise = streams.normal("signal", homes.keys)
    return np.asarray(rho * homes.wealth + math.sqrt(1 - rho**2) * noise, dtype=np.float64)


def _ordered(
    streams: Streams,
    stream: str,
    homes: Households,
    signal: Floats,
    shares: Mapping[str, tuple[float, ...]],
    loading: float,
) -> Ints:
    """Ordered probit: category index (poorest first) reproducing the milieu shares."""
    score = loading * signal + streams.normal(stream, homes.keys)
    scale = math.sqrt(1.0 + loading**2)
    result = np.empty(homes.keys.size, dtype=np.int64)
    for milieu, rows in (("urban", homes.urban), ("rural", ~homes.urban)):
        cuts = [probit(float(c)) * scale for c in cumulative(shares[milieu])[:-1]]
        result[rows] = np.searchsorted(np.asarray(cuts), score[rows])
    return result


def _housing(streams: Streams, homes: Households, signal: Floats) -> Ints:
    # "other" (last category) is drawn apart, then the rest ordered by wealth.
    ordered_shares = {m: shares[:-1] for m, shares in params.HOUSING_SHARES.items()}
    housing = _ordered(
        streams, "housing", homes, signal, ordered_shares, params.HOUSING_WEALTH_LOADING
    )
    other_share = np.where(
        homes.urban, params.HOUSING_SHARES["urban"][-1], params.HOUSING_SHARES["rural"][-1]
    )
    other = streams.bernoulli("housing_other", homes.keys, other_share)
    return np.where(other, len(params.HOUSING_TYPES) - 1, housing)


def _milieu_choice(
    streams: Streams, stream: str, homes: Households, shares: Mapping[str, tuple[float, ...]]
) -> Ints:
    tables = np.array([cumulative(shares["urban"]), cumulative(shares["rural"])])
    return streams.choice_rows(stream, homes.keys, tables[(~homes.urban).astype(np.int64)])


def _count(value: Floats, low: int, high: int) -> Ints:
    return np.clip(np.rint(value), low, high).astype(np.int64)


def dwelling(
    streams: Streams, homes: Households, signal: Floats, adults: Ints
) -> dict[str, Ints | Bools]:
    """Index inputs: dwelling, services, assets, phones and declared monthly spending (MAD)."""
    keys, urban = homes.keys, homes.urban
    loading = params.SERVICE_WEALTH_LOADING
    columns: dict[str, Ints | Bools] = {
        "housing_type": _housing(streams, homes, signal),
        "rooms": _count(
            0.9
            + 0.3 * homes.size
            + 0.5 * signal
            + 0.4 * ~urban
            + 0.6 * streams.normal("rooms", keys),
            1,
            12,
        ),
        "tenure": _milieu_choice(streams, "tenure", homes, params.TENURE_SHARES),
        "water_source": _ordered(streams, "water", homes, signal, params.WATER_SHARES, loading),
        "electricity": _ordered(
            streams, "power", homes, signal, params.ELECTRICITY_SHARES, loading
        ),
        "sanitation": _ordered(
            streams, "sanitation", homes, signal, params.SANITATION_SHARES, loading
        ),
    }
    for asset, (p_urban, p_rural, asset_loading) in params.ASSETS.items():
        scale = math.sqrt(1.0 + asset_loading**2)
        threshold = np.where(urban, -probit(p_urban) * scale, -probit(p_rural) * scale)
        score = asset_loading * signal + streams.normal(asset, keys)
        columns[asset] = score > threshold
    columns["mobile_phones"] = _count(
        0.3 + 0.75 * adults + 0.4 * signal + 0.5 * streams.normal("phones", keys), 0, 10
    )
    for item, (
        urban_median,
        rural_median,
        elasticity,
        item_loading,
        noise,
    ) in params.SPENDING.items():
        log_spend = (
            np.log(np.where(urban, urban_median, rural_median))
            + elasticity * np.log(homes.size / 4.0)
            + item_loading * signal
            + noise * streams.normal(item, keys)
        )
        columns[item] = np.rint(np.exp(log_spend)).astype(np.int64)
    columns["spend_water"] = np.where(columns["water_source"] == 3, columns["spend_water"], 0)
    columns["spend_electricity"] = np.where(
        columns["electricity"] == 2, columns["spend_electricity"], 0
    )
    columns["spend_telephone"] = np.where(
        (columns["mobile_phones"] > 0) | columns["has_internet"], columns["spend_telephone"], 0
    )
    return columns


def household_cover(
    streams: Streams, homes: Households, people: Members, scheme: Ints, log_c: Floats
) -> Ints:
    """Health cover of each household's dependants (AMO code), from its head's or wife's work."""
    count = homes.size.size
    earner = np.full(count, NO_SCHEME, dtype=np.int64)
    for role in (SPOUSE, HEAD):  # the head's scheme wins over the wife's
        rows = (people.relationship == role) & (scheme != NO_SCHEME)
        earner[people.household[rows]] = scheme[rows]
    index = log_c + params.INDEX_NOISE_SD * streams.normal("index_noise", homes.keys)
    poor = index <= params.TADAMON_THRESHOLD_LOG
    tadamon = np.where(
        streams.bernoulli("tadamon_take_up", homes.keys, params.TADAMON_TAKE_UP),
        AMO_TADAMON,
        AMO_NONE,
    )
    non_poor = streams.choice("amo_non_poor", homes.keys, cumulative(params.AMO_NON_POOR))
    return np.where(earner != NO_SCHEME, _AMO_OF_SCHEME[earner], np.where(poor, tadamon, non_poor))


def person_cover(people: Members, scheme: Ints, household_amo: Ints) -> Ints:
    """Own cover for formal workers; dependants share the household's; lodgers only Tadamon."""
    shared = household_amo[people.household]
    lodger = (people.relationship == OTHER) & (shared != AMO_TADAMON)
    dependant_cover = np.where(lodger, AMO_NONE, shared)
    return np.where(scheme != NO_SCHEME, _AMO_OF_SCHEME[scheme], dependant_cover)


def cnss_family_allowances(
    streams: Streams, homes: Households, people: Members, scheme: Ints, age: Ints
) -> Bools:
    """A CNSS-affiliated head or wife with a child aged under 21 (CNSS conditions, mostly met)."""
    count = homes.size.size
    relationship = people.relationship
    worker = ((relationship == HEAD) | (relationship == SPOUSE)) & (scheme == CNSS)
    young_child = (relationship == CHILD) & (age < params.CNSS_ALLOWANCE_CHILD_AGE_LIMIT)
    has_worker = np.bincount(people.household[worker], minlength=count) > 0
    has_child = np.bincount(people.household[young_child], minlength=count) > 0
    eligible = streams.bernoulli("cnss_conditions", homes.keys, params.CNSS_ALLOWANCE_ELIGIBLE)
    return has_worker & has_child & eligible
