"""Checks of each value, on whole columns: formats, check digits, codes, ranges, dates, places.

`column_checks` turns a frame of text into typed values and, for every cell, the code of the first
rule it breaks (or null). Nothing here loops over rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from jisr.core.access import Scope
from jisr.registry.importer.columns import Column, FileSpec, Kind
from jisr.registry.importer.reading import LINE
from jisr.registry.services._common import MAX_AGE_YEARS

ERROR = "__e_"  # prefix of the per-column error-code columns
DETAIL = "__d_"  # prefix of per-cell details (what the commune really is)
CNIE_RE = r"^[A-Z]{1,2}[0-9]{1,6}$"
PHONE_RE = r"^\+212[5-8][0-9]{8}$"
TRUE_WORDS, FALSE_WORDS = ["true", "1"], ["false", "0"]


@dataclass(frozen=True)
class Reference:
    """What values are checked against: the date, the places, the importer's scope."""

    today: dt.date
    regions: frozenset[str]
    communes: pl.DataFrame  # code, commune_region, commune_milieu
    scope: Scope


def luhn_valid(value: pl.Expr, length: int) -> pl.Expr:
    """True where `value` is `length` digits whose last is the Luhn check digit (never null)."""
    number = value.str.to_integer(strict=False)
    total = pl.lit(0, dtype=pl.Int64)
    for position in range(length):  # from the right; the check digit is position 0
        digit = (number // (10**position)) % 10
        if position % 2 == 1:
            digit = digit * 2
            digit = digit - pl.when(digit > 9).then(9).otherwise(0)
        total = total + digit
    shaped = value.str.contains(rf"^[0-9]{{{length}}}$")
    return (shaped & (total % 10 == 0)).fill_null(False)


def _first(rules: list[tuple[pl.Expr, str]]) -> pl.Expr:
    """The code of the first broken rule, or null."""
    chain: pl.Expr | None = None
    for broken, code in reversed(rules):
        chain = pl.when(broken).then(pl.lit(code)).otherwise(chain)
    return chain if chain is not None else pl.lit(None, dtype=pl.String)


Rules = tuple[list[tuple[pl.Expr, str]], pl.Expr, dict[str, str]]


def _bool(value: pl.Expr) -> Rules:
    lower = value.str.to_lowercase()
    typed = (
        pl.when(lower.is_in(TRUE_WORDS))
        .then(pl.lit(True))
        .when(lower.is_in(FALSE_WORDS))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )
    return [(~lower.is_in(TRUE_WORDS + FALSE_WORDS), "bool")], typed, {}


def _count(value: pl.Expr, column: Column) -> Rules:
    typed = value.str.to_integer(strict=False)
    shaped = value.str.contains(r"^[0-9]{1,9}$")
    broken = ~shaped | (typed < column.low) | (typed > column.high)
    return [(broken, "count")], typed, {"count": f"{column.low} – {column.high:,}"}


def _amount(value: pl.Expr, column: Column) -> Rules:
    shaped = value.str.contains(r"^[0-9]{1,9}(\.[0-9]{1,2})?$")
    typed = pl.when(shaped).then(value).otherwise(None).cast(pl.Decimal(12, 2), strict=False)
    broken = ~shaped | (typed > column.high)
    return [(broken, "amount")], typed, {"amount": f"0 – {column.high:,}"}


def _date(value: pl.Expr, today: dt.date) -> Rules:
    shaped = value.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    text = pl.when(shaped).then(value).otherwise(None)
    typed = text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    oldest = dt.date(today.year - MAX_AGE_YEARS, today.month, min(today.day, 28))
    rules = [
        (typed.is_null(), "date"),
        (typed > today, "birth_future"),
        (typed < oldest, "birth_too_old"),
    ]
    return rules, typed, {"birth_too_old": str(MAX_AGE_YEARS)}


def _pattern(typed: pl.Expr, pattern: str, code: str) -> Rules:
    return [(~typed.str.contains(pattern), code)], typed, {}


def _value_rules(column: Column, ref: Reference) -> Rules:
    """(rules as (broken, code), typed value, detail by code) for a present value."""
    value = pl.col(column.name)
    kind = column.kind
    if kind in (Kind.RSU_ID, Kind.RNP_ID):
        length = 10 if kind == Kind.RSU_ID else 12
        return [(~luhn_valid(value, length), kind.value)], value, {}
    if kind == Kind.CODE:
        return [(~value.is_in(column.choices), "code")], value, {"code": ", ".join(column.choices)}
    if kind == Kind.BOOL:
        return _bool(value)
    if kind == Kind.COUNT:
        return _count(value, column)
    if kind == Kind.AMOUNT:
        return _amount(value, column)
    if kind == Kind.DATE:
        return _date(value, ref.today)
    if kind == Kind.TEXT:
        too_long = value.str.len_chars() > column.high
        return [(too_long, "too_long")], value, {"too_long": str(column.high)}
    if kind == Kind.PHONE:
        return _pattern(value, PHONE_RE, "phone")
    if kind == Kind.CNIE:
        return _pattern(value.str.replace_all(r"[\s\-]", "").str.to_uppercase(), CNIE_RE, "cnie")
    if kind == Kind.COUNTRY:
        return _pattern(value.str.to_uppercase(), r"^[A-Z]{2}$", "country")
    if kind == Kind.REGION:
        return [(~value.is_in(sorted(ref.regions)), "unknown_region")], value, {}
    return _commune_rules(ref), value, {}


def _commune_rules(ref: Reference) -> list[tuple[pl.Expr, str]]:
    """Needs the commune's region and milieu joined in (see `column_checks`)."""
    region, milieu = pl.col("commune_region"), pl.col("commune_milieu")
    rules = [
        (region.is_null(), "unknown_commune"),
        (region != pl.col("region_code"), "commune_region"),
        (milieu != pl.col("milieu"), "commune_milieu"),
    ]
    if not ref.scope.national:
        in_scope = region.is_in(sorted(ref.scope.regions)) | pl.col("commune_code").is_in(
            sorted(ref.scope.communes)
        )
        rules.append((~in_scope, "out_of_scope"))
    return rules


@dataclass
class Checked:
    typed: pl.DataFrame  # LINE + every column, typed
    details: dict[tuple[str, str], str]  # (column, code) -> detail shown in the reason


def column_checks(frame: pl.DataFrame, spec: FileSpec, ref: Reference) -> Checked:
    """Every value checked at once; the error code of each cell in `__e_<column>`."""
    if any(column.kind == Kind.COMMUNE for column in spec.columns):
        frame = frame.join(
            ref.communes, left_on="commune_code", right_on="code", how="left", coalesce=True
        )
    typed, codes, details = [], [], {}
    for column in spec.columns:
        rules, value, detail = _value_rules(column, ref)
        present = pl.col(column.name).is_not_null()
        if column.required:
            rules = [(~present, "required"), *[(present & broken, c) for broken, c in rules]]
        else:
            rules = [(present & broken, c) for broken, c in rules]
        code = _first(rules)
        codes.append(code.alias(ERROR + column.name))
        typed.append(value.alias(column.name))
        if column.kind == Kind.COMMUNE:
            codes.append(
                pl.when(code == "commune_region")
                .then(pl.col("commune_region"))
                .when(code == "commune_milieu")
                .then(pl.col("commune_milieu"))
                .alias(DETAIL + column.name)
            )
        details.update({(column.name, code): text for code, text in detail.items()})
    checked = frame.select(pl.col(LINE), *typed, *codes)
    return Checked(checked, details)


CELLS = {"__line": pl.Int64, "column": pl.String, "code": pl.String, "detail": pl.String}


def cells(checked: Checked) -> pl.DataFrame:
    """The bad cells found by `column_checks`: line, column, code, detail."""
    error_columns = [name for name in checked.typed.columns if name.startswith(ERROR)]
    bad = checked.typed.filter(pl.any_horizontal(pl.col(error_columns).is_not_null()))
    long = bad.unpivot(on=error_columns, index=LINE, variable_name="column", value_name="code")
    long = long.filter(pl.col("code").is_not_null()).with_columns(
        pl.col("column").str.strip_prefix(ERROR)
    )
    details = pl.DataFrame(
        [(col, code, text) for (col, code), text in checked.details.items()],
        schema={"column": pl.String, "code": pl.String, "detail": pl.String},
        orient="row",
    )
    dynamic = [name for name in checked.typed.columns if name.startswith(DETAIL)]
    if dynamic:
        cell_details = (
            bad.unpivot(on=dynamic, index=LINE, variable_name="column", value_name="cell_detail")
            .filter(pl.col("cell_detail").is_not_null())
            .with_columns(pl.col("column").str.strip_prefix(DETAIL))
        )
    else:
        cell_details = pl.DataFrame(
            schema={LINE: pl.Int64, "column": pl.String, "cell_detail": pl.String}
        )
    described = long.join(details, on=["column", "code"], how="left").join(
        cell_details, on=[LINE, "column"], how="left"
    )
    return described.with_columns(pl.coalesce("cell_detail", "detail").alias("detail")).select(
        list(CELLS)
    )


def describe(found: list[pl.DataFrame], raw: pl.DataFrame, *, file: str) -> pl.DataFrame:
    """Bad cells as report rows: the file, the line, the column, its value as read, the code."""
    every = pl.concat([f.select(pl.col(n).cast(t) for n, t in CELLS.items()) for f in found])
    lines = raw.filter(pl.col(LINE).is_in(every[LINE].unique().implode()))
    values = lines.unpivot(index=LINE, variable_name="column", value_name="value")
    owners = lines.select(LINE, pl.col("household_id").alias("household"))
    described = every.join(values, on=[LINE, "column"], how="left").join(owners, on=LINE)
    return described.select(
        pl.lit(file).alias("file"),
        pl.col(LINE).alias("line"),
        "column",
        "value",
        "code",
        "detail",
        "household",
    )
