"""Months, ages on the reference day, and exact money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.rules import money
from jisr.rules.periods import Month, age_on


@given(st.integers(1950, 2150), st.integers(1, 12), st.integers(-500, 500))
def test_month_arithmetic_round_trips(year: int, month: int, offset: int) -> None:
    start = Month(year, month)
    moved = start.plus(offset)
    assert moved.plus(-offset) == start
    assert Month.parse(str(moved)) == moved
    assert start.next().previous() == start
    assert (moved > start) == (offset > 0)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_first_and_last_days(day: dt.date) -> None:
    month = Month.of(day)
    assert month.first_day <= day <= month.last_day
    assert month.reference_day == month.first_day


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-01", "", "2026/01", "abcd-ef"])
def test_bad_months_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="month"):
        Month.parse(text)


@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
)
def test_age_counts_whole_years(birth: dt.date, day: dt.date) -> None:
    age = age_on(birth, day)
    if day >= birth:
        assert age >= 0
        try:
            anniversary = birth.replace(year=birth.year + age)
        except ValueError:  # 29 February
            anniversary = dt.date(birth.year + age, 3, 1)
        assert anniversary <= day


@given(st.integers(0, 10**12))
def test_centimes_round_trip_exactly(centimes: int) -> None:
    assert money.to_centimes(money.from_centimes(centimes)) == centimes
    assert Decimal(money.text(centimes)) * 100 == centimes


def test_money_refuses_floats_and_fractions_of_centimes() -> None:
    with pytest.raises(TypeError):
        money.mad(1.5)
    with pytest.raises(ValueError, match="two decimal places"):
        money.to_centimes("1.005")
    assert money.mad("1308") == Decimal("1308.00")


@given(
    st.lists(st.integers(min_value=-(10**12) + 1, max_value=10**12 - 1), min_size=1, max_size=50)
)
def test_a_column_of_centimes_becomes_exact_mad(centimes: list[int]) -> None:
    column = pl.DataFrame({"c": centimes}, schema={"c": pl.Int64}).select(
        money.mad_column(pl.col("c"))
    )["c"]
    assert column.dtype == pl.Decimal(12, 2)
    assert column.to_list() == [money.from_centimes(c) for c in centimes]
