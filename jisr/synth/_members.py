"""Household composition: who lives with the head, their sex and age.

Each household of size n has a head, a wife when the head is a married man living with her, and
n - 1 - spouse further members whose relationship is drawn by the head's age and household type.
Impossible combinations are then repaired rather than redrawn (a child the mother is too young to
have becomes a nephew, i.e. `other_relative`; so does a grandchild of a head under 36 or a third
"parent"), which keeps every draw a single vectorised pass.

Children's ages follow their mother's: births between her ages 17 and 45 at least 15 months
apart, the last child at home born at about 33 (or recently, for a younger mother). Persons come
out ordered as a household roster: head, spouse, children eldest first, grandchildren eldest
first, parents (father first), other relatives, others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jisr.synth import params
from jisr.synth._households import COUPLE, FEMALE_HEAD, Households
from jisr.synth._random import Bools, Floats, Ints, Keys, Streams, rank_within, segment_starts

RELATIONSHIPS = ("head", "spouse", "child", "grandchild", "parent", "other_relative", "other")
HEAD, SPOUSE, CHILD, GRANDCHILD, PARENT, OTHER_RELATIVE, OTHER = range(7)
# A person's key is household_index * SLOTS + position in the household (sizes are <= 15).
SLOTS = 16
DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True)
class Members:
    household: Ints  # row of the person's household in the block
    slot: Ints  # position in the household roster, 0 = head
    keys: Keys  # global person key: household key * SLOTS + slot
    relationship: Ints  # index into RELATIONSHIPS
    male: Bools
    age: Floats  # years, continuous


def _member_categories(streams: Streams, homes: Households, household: Ints, keys: Keys) -> Ints:
    groups = np.searchsorted(np.asarray(params.MEMBER_AGE_GROUPS), homes.head_age, side="right")
    tables = np.array(
        [
            np.cumsum(row) / np.sum(row)
            for kind in params.HOUSEHOLD_TYPES
            for row in params.MEMBER_MIX[kind]
        ]
    )
    row = homes.kind * len(params.MEMBER_MIX["couple"]) + groups
    return CHILD + streams.choice_rows("member", keys, tables[row[household]])


def _max_children(mother_age: Floats) -> Ints:
    youngest, oldest = params.MATERNAL_AGE_RANGE
    window = np.minimum(mother_age, oldest) - youngest
    return np.where(window < 0, 0, np.floor(window / params.MIN_BIRTH_SPACING) + 1).astype(np.int64)


def _repair(relationship: Ints, homes: Households, household: Ints) -> Ints:
    """Turn impossible members into other relatives (nephews, siblings, in-laws)."""
    child = relationship == CHILD
    too_many = child & (rank_within(household, child) >= _max_children(homes.mother_age)[household])
    young_head = homes.head_age[household] < params.GRANDPARENT_MIN_AGE
    orphan_grandchild = (relationship == GRANDCHILD) & young_head
    parent = relationship == PARENT
    old_head = homes.head_age[household] + params.MATERNAL_AGE_RANGE[0] + 1 > params.MAX_AGE
    extra_parent = parent & ((rank_within(household, parent) >= 2) | old_head)
    return np.where(too_many | orphan_grandchild | extra_parent, OTHER_RELATIVE, relationship)


def _children_ages(
    streams: Streams, homes: Households, household: Ints, keys: Keys, child: Bools
) -> Floats:
    """Ages of the children (rows flagged `child`, in household order; rank 0 is the eldest)."""
    rows = household[child]
    count = np.bincount(rows, minlength=homes.size.size)
    rank = rank_within(household, child)[child]
    mother = homes.mother_age
    youngest_birth, oldest_birth = params.MATERNAL_AGE_RANGE
    spacing = params.MIN_BIRTH_SPACING
    last = params.LAST_BIRTH_AGE[0] + params.LAST_BIRTH_AGE[1] * streams.normal(
        "last_birth", homes.keys
    )
    recent = mother - streams.exponential("recent_birth", homes.keys, params.RECENT_BIRTH_MEAN_AGE)
    floor = youngest_birth + (np.maximum(count, 1) - 1) * spacing
    ceiling = np.minimum(mother, oldest_birth)
    last = np.clip(np.minimum(last, recent), floor, np.maximum(floor, ceiling))
    # Gap between each child and the next younger one (none after the youngest).
    extra = -params.EXTRA_BIRTH_GAP_SCALE * (
        np.log(streams.uniform("birth_gap/1", keys[child]))
        + np.log(streams.uniform("birth_gap/2", keys[child]))
    )
    extra[rank == count[rows] - 1] = 0.0
    total_extra = np.bincount(rows, weights=extra, minlength=count.size)
    room = np.maximum(last - floor, 0.0)
    squeeze = np.where(total_extra > room, room / np.maximum(total_extra, 1e-12), 1.0)
    extra *= squeeze[rows]
    # Birth age of child i = last birth - (gaps of child i and every younger sibling).
    gap = np.where(rank == count[rows] - 1, 0.0, spacing + extra)
    running = np.cumsum(gap)
    starts = segment_starts(count)[count > 0]
    household_total = np.add.reduceat(gap, starts) if gap.size else gap
    before = (running - gap) - np.repeat(running[starts] - gap[starts], count[count > 0])
    birth_age = last[rows] - (np.repeat(household_total, count[count > 0]) - before)
    return np.asarray(np.maximum(mother[rows] - birth_age, 0.0), dtype=np.float64)


def _ages(
    streams: Streams, homes: Households, household: Ints, keys: Keys, relationship: Ints
) -> tuple[Floats, Bools]:
    """Ages and sexes of every member (vectorised by relationship)."""
    head_age = homes.head_age[household]
    age = head_age.copy()
    male = homes.kind[household] != FEMALE_HEAD
    spouse = relationship == SPOUSE
    age[spouse], male[spouse] = homes.wife_age[household[spouse]], False
    child = relationship == CHILD
    age[child] = _children_ages(streams, homes, household, keys, child)
    grandchild = relationship == GRANDCHILD
    # Grandchildren living with their grandparents are mostly young (skewed towards 0).
    span = np.minimum(head_age - params.GRANDPARENT_MIN_AGE, 20.0)
    age[grandchild] = (span * streams.uniform("grandchild_age", keys) ** 1.3)[grandchild]
    parent = relationship == PARENT
    mean, sd = params.PARENT_AGE_AT_HEAD_BIRTH
    at_birth = np.clip(mean + sd * streams.normal("parent_age", homes.keys), 18.0, 42.0)
    gap_mean, gap_sd = params.PARENTS_FATHER_GAP
    gap = np.clip(gap_mean + gap_sd * streams.normal("parents_gap", homes.keys), 0.0, 20.0)
    both = np.bincount(household[parent], minlength=homes.size.size)[household] == 2
    first = rank_within(household, parent) == 0
    father = np.where(
        both, first, streams.bernoulli("parent_sex", keys, params.MALE_SHARE_LONE_PARENT)
    )
    parent_age = head_age + at_birth[household] + np.where(father, gap[household], 0.0)
    age[parent], male[parent] = np.minimum(parent_age, params.MAX_AGE)[parent], father[parent]
    relative = relationship == OTHER_RELATIVE
    sibling = streams.uniform("relative_kind", keys) < 0.5
    # Half are of the head's generation (siblings, cousins), half a generation below (nephews,
    # daughters-in-law).
    offset = np.where(sibling, -2.0, -30.0) + 10.0 * streams.normal("relative_age", keys)
    age[relative] = np.clip(head_age + offset, 0.0, 95.0)[relative]
    other = relationship == OTHER
    age[other] = np.clip(30.0 + 12.0 * streams.normal("other_age", keys), 16.0, 75.0)[other]
    share = np.select(
        [child & (age >= 20), child | grandchild, relative, other],
        [params.MALE_SHARE_ADULT_CHILD, params.MALE_SHARE_AT_BIRTH,
         params.MALE_SHARE_OTHER_RELATIVE, params.MALE_SHARE_OTHER],
        default=0.0,
    )  # fmt: skip
    drawn = child | grandchild | relative | other
    male[drawn] = streams.bernoulli("sex", keys, share)[drawn]
    return age, male


def draw_members(streams: Streams, homes: Households) -> Members:
    size = homes.size
    household = np.repeat(np.arange(size.size, dtype=np.int64), size)
    draw_slot = np.arange(household.size, dtype=np.int64) - segment_starts(size)[household]
    draw_keys = homes.keys[household] * np.uint64(SLOTS) + draw_slot.astype(np.uint64)
    relationship = _member_categories(streams, homes, household, draw_keys)
    relationship[draw_slot == 0] = HEAD
    relationship[(draw_slot == 1) & (homes.kind[household] == COUPLE)] = SPOUSE
    relationship = _repair(relationship, homes, household)
    age, male = _ages(streams, homes, household, draw_keys, relationship)
    # Roster order: by relationship, eldest first within it (father before mother among parents).
    # Ages are rounded up to whole days (an 18-year-old stays 18) so that one int64 key
    # (household | relationship | days reversed | sex) sorts them, faster than a lexsort, and
    # birth dates follow the same order.
    days = np.minimum(np.ceil(age * DAYS_PER_YEAR), 2**16 - 1).astype(np.int64)
    age = days / DAYS_PER_YEAR
    key = (household << 20) | (relationship << 17) | ((2**16 - 1 - days) << 1)
    order = np.argsort(key | (~male).astype(np.int64), kind="stable")
    slot = draw_slot  # positions within each household are unchanged by a within-household sort
    return Members(
        household=household,
        slot=slot,
        keys=homes.keys[household] * np.uint64(SLOTS) + slot.astype(np.uint64),
        relationship=relationship[order],
        male=male[order],
        age=age[order],
    )
