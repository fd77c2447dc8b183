"""Household composition from the persons table: size, children, elderly, head, disability.

One row per household, aligned with the households frame. The persons of a snapshot come grouped by
household, in the households' order (the bulk format and the registry selectors give them so): then
each household is a contiguous run of persons, and its counts are read off one prefix sum at the run
ends — no hash table of 36 M identifiers, no join. Any other layout is still correct, through a
group-by and a join, only slower.

Ages are compared through birth-date cut-offs (`born after as_of minus 15 years` is `aged 14 or
less`), which is exact in completed years and cheaper than an age per person; only the heads' ages
are computed.
"""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from jisr.rules.index.errors import PopulationError

CHILD_AGE_LIMIT = 14  # children: aged 0-14 (the usual dependency-ratio bands)
ELDERLY_AGE = 60  # elderly: aged 60+ (HCP's and the ASD's "personnes âgées")

_EPOCH = date(1970, 1, 1).toordinal()
PERSON_COLUMNS = ("household_id", "relationship", "sex", "birth_date", "disability")
COMPOSITION_COLUMNS = ("n", "children", "elderly", "disabled", "head_female", "head_age")
_COUNTS = ("n", "children", "elderly", "disabled", "heads", "head_female", "head_birth")


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for a 29 February landing in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _days(day: date) -> int:
    """Days since 1970-01-01 (the physical value of a Polars or Arrow date)."""
    return day.toordinal() - _EPOCH


def completed_years(birth_days: npt.NDArray[np.int32], as_of: date) -> npt.NDArray[np.int32]:
    """Age in completed years at `as_of` of people born on `birth_days` (days since 1970).

    Through a small table over the birth years present: the day of each year up to which a
    birthday has passed at `as_of` (its `as_of` month-day; 28 February for a 29th in a common year).
    """
    if birth_days.size == 0:
        return np.zeros(0, dtype=np.int32)
    birth_year = birth_days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    first, last = int(birth_year.min()), int(birth_year.max())
    passed = np.array(
        [_days(years_before(as_of, as_of.year - year)) for year in range(first, last + 1)]
    )
    ahead = birth_days > passed[birth_year - first]
    return (as_of.year - birth_year - ahead).astype(np.int32)


def _person_flags(persons: pl.DataFrame, as_of: date) -> pl.DataFrame:
    head = pl.col("relationship") == "head"
    born = pl.col("birth_date")
    return persons.select(
        pl.col("household_id"),
        n=pl.lit(1, pl.Int32),
        children=(born > years_before(as_of, CHILD_AGE_LIMIT + 1)).cast(pl.Int32),
        elderly=(born <= years_before(as_of, ELDERLY_AGE)).cast(pl.Int32),
        disabled=pl.col("disability").cast(pl.Int32),
        heads=head.cast(pl.Int32),
        head_female=(head & (pl.col("sex") == "F")).cast(pl.Int32),
        # Days since 1970 of the head's birth (one head a household; checked after).
        head_birth=pl.when(head).then(born.cast(pl.Int32)).otherwise(0),
    )


def _grouped(persons: pl.DataFrame, household_ids: pl.Series, as_of: date) -> pl.DataFrame:
    """Any layout of the persons: a group-by on the identifier, joined to the households."""
    sums = (
        _person_flags(persons, as_of)
        .group_by("household_id")
        .agg(pl.col(name).sum() for name in _COUNTS)
    )
    return (
        household_ids.rename("household_id")
        .to_frame()
        .join(sums, on="household_id", how="left", maintain_order="left")
        .select(pl.col(name).fill_null(0).cast(pl.Int32) for name in _COUNTS)
    )


_BITS = 8  # one byte a count in the packed sums: runs longer than 255 persons take the slow path
_BLOCK = 1 << 16  # persons per block of the prefix sum (cache-sized; speed only)


def _run_sums(
    born: npt.NDArray[np.int32],
    disabled: npt.NDArray[np.bool_],
    ends: npt.NDArray[np.intp],
    as_of: date,
) -> npt.NDArray[np.int64]:
    """Children, elderly and disabled members of each run, packed one byte each.

    A prefix sum of the packed counts, read at each run's last person, block by block so that the
    person-sized temporaries stay in cache.
    """
    child_cut = _days(years_before(as_of, CHILD_AGE_LIMIT + 1))
    elderly_cut = _days(years_before(as_of, ELDERLY_AGE))
    totals = np.empty(ends.size, dtype=np.int64)
    bounds = np.searchsorted(ends, np.arange(0, born.size + _BLOCK, _BLOCK))
    carry = 0
    for block, (first, last) in enumerate(itertools.pairwise(bounds)):
        low = block * _BLOCK
        part = born[low : low + _BLOCK]
        packed = (part > child_cut).astype(np.int64)
        packed += (part <= elderly_cut).astype(np.int64) << _BITS
        packed += disabled[low : low + _BLOCK].astype(np.int64) << 2 * _BITS
        prefix = np.cumsum(packed)
        prefix += carry
        totals[first:last] = prefix[ends[first:last] - low]
        carry = int(prefix[-1])
    return np.diff(totals, prepend=0)


def _contiguous(
    persons: pl.DataFrame, household_ids: pl.Series, as_of: date
) -> pl.DataFrame | None:
    """The fast path, if each household's persons are one run, in the households' order, head
    first; else None.

    Runs are found on 64-bit hashes of the identifiers (two neighbouring households whose
    identifiers collide would merge into one run, which the count check then refuses).
    """
    if persons.height == 0 or household_ids.len() == 0:
        return None
    hashes = persons.get_column("household_id").hash().to_numpy()
    boundary = np.empty(hashes.size, dtype=np.bool_)
    boundary[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=boundary[1:])
    starts = np.flatnonzero(boundary)
    if starts.size != household_ids.len():
        return None
    if not np.array_equal(hashes[starts], household_ids.hash().to_numpy()):
        return None
    sizes = np.diff(starts, append=hashes.size)
    if sizes.max() >= 1 << _BITS:
        return None
    head = persons.get_column("relationship").eq("head").to_numpy()
    if np.count_nonzero(head) != starts.size or not head[starts].all():
        return None  # some household's first person is not its only head
    born = persons.get_column("birth_date").to_physical().to_numpy()
    sums = _run_sums(born, persons.get_column("disability").to_numpy(), starts + sizes - 1, as_of)
    mask = (1 << _BITS) - 1
    female = persons.get_column("sex").eq("F").to_numpy()
    return pl.DataFrame(
        {
            "n": sizes.astype(np.int32),
            "children": (sums & mask).astype(np.int32),
            "elderly": ((sums >> _BITS) & mask).astype(np.int32),
            "disabled": ((sums >> 2 * _BITS) & mask).astype(np.int32),
            "heads": np.ones(starts.size, dtype=np.int32),
            "head_female": female[starts].astype(np.int32),
            "head_birth": born[starts],
        }
    )


def _check(counts: pl.DataFrame, household_ids: pl.Series) -> None:
    for problem, rows in (
        ("has no person in the persons table", counts.get_column("n") == 0),
        ("has no head (relationship 'head')", counts.get_column("heads") == 0),
        ("has more than one head", counts.get_column("heads") > 1),
    ):
        if rows.any():
            first = household_ids.filter(rows).head(3).to_list()
            raise PopulationError(
                f"persons.household_id: {int(rows.sum()):,} household(s) {problem}, e.g. {first}",
                code="index.household_composition",
            )


def composition(households: pl.DataFrame, persons: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per household, in the households' order: n, children, elderly, disabled, head sex and age.

    Columns: `n` (persons), `children` (aged 0-14), `elderly` (60+), `disabled` (members with a
    disability), `head_female` (0/1) and `head_age` (completed years at `as_of`).
    """
    nulls = [column for column in PERSON_COLUMNS if persons.get_column(column).null_count()]
    if nulls:
        raise PopulationError(f"persons: empty value(s) in column(s) {', '.join(nulls)}")
    household_ids = households.get_column("household_id")
    counts = _contiguous(persons, household_ids, as_of)
    if counts is None:
        counts = _grouped(persons, household_ids, as_of)
    _check(counts, household_ids)
    head_age = completed_years(counts.get_column("head_birth").to_numpy(), as_of)
    return counts.drop("heads", "head_birth").with_columns(head_age=pl.Series(head_age))
