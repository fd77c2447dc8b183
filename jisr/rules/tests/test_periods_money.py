"""Months, ages on the reference day, and exact money."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jisr.rules import money
from jisr.rules.periods import Month, age_on, ages_on, ages_table


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


DAYS = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
EPOCH = dt.date(1970, 1, 1)


def _expected(births: Sequence[dt.date | None], day: dt.date) -> list[int | None]:
    return [None if birth is None else age_on(birth, day) for birth in births]


@given(st.lists(st.none() | DAYS, max_size=40), DAYS)
@example([dt.date(2000, 2, 29), dt.date(2000, 3, 1), None], dt.date(2026, 3, 1))
@example([dt.date(2000, 2, 29), dt.date(2000, 2, 28)], dt.date(2024, 2, 29))
def test_ages_of_a_column_are_age_on(births: list[dt.date | None], day: dt.date) -> None:
    column = pl.Series("birth_date", births, dtype=pl.Date)
    ages = ages_on(column, day)
    assert ages.dtype == pl.Int64
    assert ages.to_list() == _expected(births, day)


@given(DAYS, st.integers(0, 1500), DAYS)
@example(dt.date(2000, 2, 27), 5, dt.date(2026, 2, 28))
@example(dt.date(2000, 2, 27), 5, dt.date(2026, 3, 1))
@example(dt.date(2000, 2, 27), 5, dt.date(2028, 2, 29))
def test_the_age_table_is_age_on_for_every_day_of_its_span(
    first: dt.date, span: int, day: dt.date
) -> None:
    start = (first - EPOCH).days
    table = ages_table(start, start + span, day)
    births = [first + dt.timedelta(days=offset) for offset in range(span + 1)]
    assert table.to_list() == _expected(births, day)


@given(DAYS, st.lists(st.none() | st.integers(0, 30), min_size=31, max_size=60), DAYS)
@example(dt.date(2000, 2, 10), [19, 20, None, *range(28)], dt.date(2026, 3, 1))
def test_a_dense_column_goes_through_the_table_and_keeps_its_nulls(
    first: dt.date, offsets: list[int | None], day: dt.date
) -> None:
    births = [None if o is None else first + dt.timedelta(days=o) for o in offsets]
    ages = ages_on(pl.Series("birth_date", births, dtype=pl.Date), day)
    assert ages.to_list() == _expected(births, day)


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
