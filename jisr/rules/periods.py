"""Calendar months, the period of every programme rule, and the day ages are computed on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import polars as pl

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, written `YYYY-MM`."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 2200:
            raise ValueError(f"not a month: {self.year:04d}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """`YYYY-MM` → Month; anything else raises ValueError naming the text."""
        found = _MONTH.match(text.strip()) if isinstance(text, str) else None
        if not found:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    @property
    def reference_day(self) -> dt.date:
        """The day on which ages and statuses are read for the month: its first day.

        A child counts in a month if aged 0–20 on the 1st: the month of the 21st birthday is
        the first month without the allowance (unless the birthday is on the 1st, which ends
        it the same month). Documented in docs/rules.md.
        """
        return self.first_day

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (someone born on 29 February ages on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def ages_on(births: pl.Series, day: dt.date) -> pl.Series:
    """`age_on(birth, day)` for a whole column of birth dates (Int64; null where the date is).

    For a fixed day, age is a function of the birth date alone: computed once per day of the
    births' span and gathered, it costs a fraction of reading the year, month and day of millions
    of dates. A span longer than the column (a few persons) reads the dates themselves.
    """
    dates = births.cast(pl.Date)
    days = dates.to_physical()  # days since 1970-01-01
    first, last = days.min(), days.max()
    if not isinstance(first, int) or not isinstance(last, int) or last - first >= days.len():
        return _ages_of_dates(dates, day)
    return ages_table(first, last, day).gather(days - first).alias(births.name)


def ages_table(first: int, last: int, day: dt.date) -> pl.Series:
    """Age on `day` of someone born on each day from `first` to `last` (days since 1970)."""
    span = np.arange(first, last + 1, dtype=np.int64).astype("datetime64[D]")
    return _ages_of_dates(pl.Series(span).cast(pl.Date), day)


def _ages_of_dates(births: pl.Series, day: dt.date) -> pl.Series:
    """The rule on the dates themselves (someone born on 29 February ages on 1 March)."""
    month, mday = births.dt.month(), births.dt.day()
    before_birthday = (month > day.month) | ((month == day.month) & (mday > day.day))
    years = day.year - births.dt.year().cast(pl.Int64)
    return (years - before_birthday.cast(pl.Int64)).alias(births.name)
