"""Money in MAD: exact `Decimal` with two places at the edges, whole centimes inside the engine.

Polars computes amounts as Int64 centimes, which is exact and fast; every value that leaves the
engine (JSON, explanations, payroll) is a `Decimal` with two places.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import polars as pl

CENT = Decimal("0.01")


def mad(value: object) -> Decimal:
    """A MAD amount as `Decimal` with two places; refuses floats (inexact) and non-numbers."""
    if isinstance(value, float):
        raise TypeError("amounts are never floats; give a string, an int or a Decimal")
    if isinstance(value, bool):
        raise TypeError(f"not an amount: {value!r}")
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {value!r}") from error
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_centimes(value: object) -> int:
    """MAD → whole centimes; refuses amounts with fractions of a centime."""
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if amount != mad(amount):
        raise ValueError(f"an amount has at most two decimal places: {value!r}")
    return int(amount * 100)


def from_centimes(centimes: int) -> Decimal:
    return (Decimal(int(centimes)) / 100).quantize(CENT)


def text(centimes: int) -> str:
    """Centimes → the decimal string of the JSON contract (`"1308.00"`)."""
    return str(from_centimes(centimes))


def mad_column(centimes: pl.Expr, precision: int = 12) -> pl.Expr:
    """Int64 centimes → `Decimal(precision, 2)` MAD, exactly, on a whole column. A product, not
    `/ 100`: Polars gives a Decimal quotient the scale of its dividend, so dividing a scale-0
    Decimal by 100 would round every amount to whole MAD."""
    return (centimes.cast(pl.Decimal(precision + 2, 2)) * pl.lit(CENT)).cast(
        pl.Decimal(precision, 2)
    )
