"""Person attributes: birth date, marital status, orphanhood, disability, schooling, work cover.

Rates that should rise with the household's economic standing (school enrolment, private school,
formal work) use a threshold on `loading * wealth + noise`, with the threshold set so that the rate
averaged over households is the target: with wealth and noise standard normal, the score has
variance 1 + loading², hence `threshold = -probit(rate) * sqrt(1 + loading²)`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from jisr.synth import params
from jisr.synth._households import COUPLE, FEMALE_HEAD, Households
from jisr.synth._members import CHILD, GRANDCHILD, HEAD, PARENT, SPOUSE, Members
from jisr.synth._random import Bools, Floats, Ints, Streams, cumulative, probit

SINGLE, MARRIED, DIVORCED, WIDOWED = range(4)
PRESCHOOL, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY, HIGHER, VOCATIONAL = range(6)
CNSS, CNOPS, OTHER_SCHEME, NO_SCHEME = range(4)
_EPOCH = date(1970, 1, 1)


def birth_days(age: Floats, as_of: date) -> tuple[Ints, Ints]:
    """Birth dates (days since 1970-01-01) and completed years at `as_of`, from continuous ages.

    The birth date is placed between the last birthday anniversary before `as_of` and the one
    before it, so the completed age in calendar years is exactly floor(age), leap years included.
    """
    whole = np.floor(age).astype(np.int64)
    months_back = (12 * whole).astype("timedelta64[M]")
    anniversary = (np.datetime64(as_of, "M") - months_back).astype("datetime64[D]")
    anniversary += np.timedelta64(as_of.day - 1, "D")
    days_back = np.floor((age - whole) * 365.0).astype("timedelta64[D]")
    born = anniversary - days_back
    return (born - np.datetime64(_EPOCH, "D")).astype(np.int64), whole


def _threshold(rate: Floats, loading: float) -> Floats:
    scale = math.sqrt(1.0 + loading**2)
    return np.array([-probit(float(p)) * scale for p in rate.ravel()]).reshape(rate.shape)


def _age_group(age: Ints, edges: tuple[int, ...]) -> Ints:
    return np.searchsorted(np.asarray(edges), age, side="right").astype(np.int64)


def marital_status(streams: Streams, homes: Households, people: Members, age: Ints) -> Ints:
    household, keys, relationship = people.household, people.keys, people.relationship
    group = _age_group(age, params.ADULT_AGE_GROUPS)
    tables = np.array(
        [[cumulative(row) for row in params.MEMBER_MARITAL[sex]] for sex in ("F", "M")]
    )
    status = streams.choice_rows("marital", keys, tables[people.male.astype(np.int64), group])
    status[age < 18] = SINGLE
    has_children = np.bincount(household[relationship == CHILD], minlength=homes.size.size) > 0
    head_tables = np.array(
        [
            [cumulative(row) for row in params.HEAD_MARITAL[(kind, with_children)]]
            for kind in ("female_head", "male_head")
            for with_children in (False, True)
        ]
    )
    head = relationship == HEAD
    table_row = 2 * (homes.kind[household] != FEMALE_HEAD) + has_children[household]
    head_status = streams.choice_rows("head_marital", keys, head_tables[table_row, group])
    status[head] = np.where(homes.kind[household] == COUPLE, MARRIED, head_status)[head]
    status[relationship == SPOUSE] = MARRIED
    parent = relationship == PARENT
    couple_of_parents = np.bincount(household[parent], minlength=homes.size.size) == 2
    lone_widowed = streams.bernoulli("parent_widowed", keys, params.LONE_PARENT_WIDOWED)
    status[parent] = np.where(
        couple_of_parents[household], MARRIED, np.where(lone_widowed, WIDOWED, status)
    )[parent]
    return status


def father_deceased(
    streams: Streams, homes: Households, people: Members, age: Ints, marital: Ints
) -> Bools:
    household, keys, relationship = people.household, people.keys, people.relationship
    rates = np.asarray(params.ADULT_FATHER_DECEASED)[_age_group(age, params.ADULT_AGE_GROUPS)]
    deceased = streams.bernoulli("father_deceased", keys, rates)
    head = relationship == HEAD
    widow_head = np.zeros(homes.size.size, dtype=np.bool_)
    widow_head[household[head]] = (marital[head] == WIDOWED) & ~people.male[head]
    child = relationship == CHILD
    deceased[child] = widow_head[household[child]]
    grandchild = relationship == GRANDCHILD
    deceased[grandchild] = streams.bernoulli(
        "grandchild_orphan", keys[grandchild], params.GRANDCHILD_FATHER_DECEASED
    )
    father_home = np.bincount(
        household[(relationship == PARENT) & people.male], minlength=homes.size.size
    )
    deceased[head & (father_home[household] > 0)] = False
    return deceased


def disability(streams: Streams, people: Members, age: Ints) -> tuple[Bools, Ints]:
    """Whether each person has a disability, and its severity (-1 when none)."""
    rate = np.asarray(params.DISABILITY_RATE)[_age_group(age, params.DISABILITY_AGE_GROUPS)]
    disabled = streams.bernoulli("disability", people.keys, rate)
    tables = np.array(
        [
            cumulative(params.DISABILITY_SEVERITY_UNDER_60),
            cumulative(params.DISABILITY_SEVERITY_60_PLUS),
        ]
    )
    severity = streams.choice_rows("severity", people.keys, tables[(age >= 60).astype(np.int64)])
    return disabled, np.where(disabled, severity, -1)


@dataclass(frozen=True)
class Schooling:
    in_school: Bools
    level: Ints  # index into params.SCHOOL_LEVELS, -1 when not in school
    private: Bools


def _level_by_age(streams: Streams, people: Members, age: Ints) -> Ints:
    delay = streams.choice("grade_delay", people.keys, cumulative(params.GRADE_DELAY))
    effective = np.where(age >= 7, np.maximum(age - delay, 6), age)
    return np.select(
        [age < 6, effective < 12, effective < 15, effective < 18],
        [PRESCHOOL, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY],
        default=HIGHER,
    ).astype(np.int64)


def schooling(
    streams: Streams, homes: Households, people: Members, age: Ints, severity: Ints
) -> Schooling:
    household, keys = people.household, people.keys
    urban = homes.urban[household]
    band = np.full(age.size, -1, dtype=np.int64)
    rates = np.zeros((len(params.ENROLMENT_BANDS), 2))
    for index, (first, last, _, p_urban, p_rural) in enumerate(params.ENROLMENT_BANDS):
        band[(age >= first) & (age <= last)] = index
        rates[index] = (p_urban, p_rural)
    loading = params.ENROLMENT_WEALTH_LOADING
    threshold = _threshold(rates, loading)[band, (~urban).astype(np.int64)]
    score = loading * homes.wealth[household] + streams.normal("school", keys)
    in_school = (band >= 0) & (score > threshold)
    # Children with a severe disability are often kept out of school (illustrative: half of them).
    in_school &= (severity < 2) | streams.bernoulli("school_disability", keys, 0.5)
    level = _level_by_age(streams, people, age)
    u_vocational = streams.uniform("vocational", keys)
    for (first, last), share in params.VOCATIONAL_SHARE.items():
        vocational = (age >= first) & (age <= last) & (u_vocational < share)
        level[vocational] = VOCATIONAL
    private_rates = np.array([params.PRIVATE_SHARE[name] for name in params.SCHOOL_LEVELS])
    private_loading = params.PRIVATE_WEALTH_LOADING
    private_threshold = _threshold(private_rates, private_loading)[level, (~urban).astype(np.int64)]
    private_score = private_loading * homes.wealth[household] + streams.normal("private", keys)
    return Schooling(
        in_school=in_school,
        level=np.where(in_school, level, -1),
        private=in_school & (private_score > private_threshold),
    )


def social_security(streams: Streams, homes: Households, people: Members, age: Ints) -> Ints:
    """Contributing affiliation of people aged 18-64 in formal work (NO_SCHEME otherwise)."""
    household, keys, relationship = people.household, people.keys, people.relationship
    role = np.select(
        [relationship == HEAD, relationship == SPOUSE, people.male], [0, 1, 2], default=3
    ).astype(np.int64)
    names = ("head", "spouse", "member_M", "member_F")
    shares = np.array([params.FORMAL_WORK[name] for name in names])  # role, milieu, scheme
    loading = params.FORMAL_WEALTH_LOADING
    milieu = (~homes.urban[household]).astype(np.int64)
    threshold = _threshold(shares.sum(axis=2), loading)[role, milieu]
    first, last = params.WORKING_AGE
    score = loading * homes.wealth[household] + streams.normal("formal_work", keys)
    formal = (age >= first) & (age <= last) & (score > threshold)
    within = shares / shares.sum(axis=2, keepdims=True)
    tables = np.cumsum(within, axis=2)[role, milieu]
    scheme = streams.choice_rows("formal_scheme", keys, tables)
    return np.where(formal, scheme, NO_SCHEME)
