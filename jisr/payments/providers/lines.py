"""The payment lines an order is written from, and the checks that refuse them before any byte is
written: whole-column expressions, so 4 million lines are checked in about a second."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from jisr.core.identifiers import CNIE_PATTERN, rib_valid_expr
from jisr.payments.providers.base import (
    IDENTIFIER,
    METHODS,
    OrderRefused,
    Problem,
    Problems,
)

LINE_SCHEMA: dict[str, pl.DataType] = {
    "reference": pl.String(),  # the payment line id; the EndToEndId of the transfer
    "household_id": pl.String(),
    "beneficiary_name": pl.String(),  # Latin script
    "beneficiary_cnie": pl.String(),
    "method": pl.String(),  # METHODS
    "rib": pl.String(),  # bank lines
    "phone": pl.String(),  # wallet lines
    "pickup_code": pl.String(),  # cash lines
    "amount": pl.Int64(),  # centimes, > 0
    "region_code": pl.String(),
}
# The column each method needs; a provider's frame must have those of the methods it pays.
METHOD_FIELD = {"bank": "rib", "wallet": "phone", "cash": "pickup_code"}
BASE_COLUMNS = tuple(name for name in LINE_SCHEMA if name not in METHOD_FIELD.values())
# Far above any allowance (a line of 1 billion MAD), low enough that the sum of a national order
# of 4 M lines fits both Int64 and the 18 digits of an ISO 20022 CtrlSum with its 2 decimals.
MAX_LINE_CENTIMES = 10**11
# Wallets are opened on mobile numbers: +212 then 6 or 7. # source: ANRT numbering plan.
WALLET_PHONE = r"^\+212[67][0-9]{8}$"
PICKUP_CODE = r"^[A-Z0-9]{6,20}$"
# Latin letters with their accents, spaces, apostrophes, dots and hyphens, starting with a letter:
# what banks' and transfer networks' systems print, and never a spreadsheet formula (=, +, -, @).
LATIN_NAME = r"^\p{Latin}[\p{Latin}\p{M} '’.\-]{0,139}$"
ASCII_NAME = r"^[A-Za-z][A-Za-z '.\-]{0,139}$"


@dataclass(frozen=True, slots=True)
class Rule:
    field: str
    code: str
    detail: str | None
    ok: pl.Expr  # true (or null) where the line passes


def _filled(name: str) -> pl.Expr:
    if LINE_SCHEMA[name] != pl.String():
        return pl.col(name).is_not_null()
    return pl.col(name).is_not_null() & (pl.col(name) != "")


def _matches(name: str, pattern: str) -> pl.Expr:
    return pl.col(name).is_null() | (pl.col(name) == "") | pl.col(name).str.contains(pattern)


def _latin_name() -> pl.Expr:
    # Most names are plain ASCII: the Unicode-class regex (ten times slower) runs on the rest only.
    name = pl.col("beneficiary_name")
    ascii_name = name.str.contains(ASCII_NAME)
    others = pl.when(~ascii_name & (name != "")).then(name)
    return name.is_null() | (name == "") | ascii_name | others.str.contains(LATIN_NAME)


def line_rules(methods: Collection[str], provider: str) -> list[Rule]:
    rules = [
        Rule(name, "required", None, _filled(name))
        for name in BASE_COLUMNS
        if name != "beneficiary_cnie"
    ]
    # The card is shown at the agency to collect cash; a transfer to an account or a wallet is
    # identified by the account (a beneficiary may not have a CNIE yet: minors heading a household,
    # cards being renewed).
    rules.append(
        Rule(
            "beneficiary_cnie",
            "required",
            None,
            (pl.col("method") != "cash") | _filled("beneficiary_cnie"),
        )
    )
    rules += [
        Rule("reference", "identifier", None, _matches("reference", f"^{IDENTIFIER}$")),
        Rule("household_id", "identifier", None, _matches("household_id", f"^{IDENTIFIER}$")),
        Rule("region_code", "identifier", None, _matches("region_code", f"^{IDENTIFIER}$")),
        Rule("beneficiary_name", "latin_name", None, _latin_name()),
        Rule("beneficiary_cnie", "cnie", None, _matches("beneficiary_cnie", CNIE_PATTERN.pattern)),
        Rule(
            "method",
            "method",
            ", ".join(METHODS),
            pl.col("method").is_null() | pl.col("method").is_in(METHODS),
        ),
        Rule(
            "method",
            "method_not_supported",
            provider,
            ~pl.col("method").is_in(METHODS) | pl.col("method").is_in(sorted(methods)),
        ),
        Rule(
            "amount",
            "line_amount",
            f"0.01–{MAX_LINE_CENTIMES // 100}",
            pl.col("amount").is_between(1, MAX_LINE_CENTIMES),
        ),
        Rule("reference", "duplicate_reference", None, ~pl.col("reference").is_duplicated()),
    ]
    formats = {"bank": None, "wallet": WALLET_PHONE, "cash": PICKUP_CODE}
    for method in sorted(methods):
        name = METHOD_FIELD[method]
        other_method = pl.col("method") != method
        rules.append(Rule(name, "required", method, other_method | _filled(name)))
        pattern = formats[method]
        valid = rib_valid_expr(pl.col(name)) if pattern is None else _matches(name, pattern)
        rules.append(Rule(name, name, None, other_method | ~_filled(name) | valid))
    return rules


def _schema_problems(lines: pl.DataFrame, methods: Collection[str]) -> list[Problem]:
    needed = [*BASE_COLUMNS, *(METHOD_FIELD[method] for method in sorted(methods))]
    problems = []
    for name in needed:
        if name not in lines.schema:
            problems.append(Problem(0, None, name, "missing_column"))
        elif lines.schema[name] != LINE_SCHEMA[name] and lines.schema[name] != pl.Null():
            problems.append(Problem(0, None, name, "column_type", str(LINE_SCHEMA[name])))
    return problems


def checked_lines(lines: pl.DataFrame, methods: Collection[str], provider: str) -> pl.DataFrame:
    """The lines with the columns this provider writes, sorted by reference; or OrderRefused with
    every problem (`line` = 1-based row of `lines`)."""
    schema_problems = _schema_problems(lines, methods)
    if schema_problems:
        raise OrderRefused(schema_problems)
    if lines.height == 0:
        raise OrderRefused([Problem(0, None, "", "no_lines")])
    needed = [*BASE_COLUMNS, *(METHOD_FIELD[method] for method in sorted(methods))]
    frame = lines.select(pl.col(name).cast(LINE_SCHEMA[name]) for name in needed)
    rules = line_rules(methods, provider)
    passed = frame.select(rule.ok.fill_null(True).alias(str(i)) for i, rule in enumerate(rules))
    failing = [i for i, count in enumerate(passed.select(pl.all().not_().sum()).row(0)) if count]
    if failing:
        problems = Problems()
        numbered = frame.with_row_index("line", offset=1).cast({"line": pl.Int64})
        for i in failing:
            rule = rules[i]
            failed = numbered.filter(~passed[str(i)])
            detail = pl.lit(rule.detail, dtype=pl.String)
            if rule.code == "duplicate_reference":
                # The lines sharing the reference: '3, 17'.
                detail = pl.col("line").cast(pl.String).str.join(", ").over("reference")
            problems.frame(
                failed.select(
                    "line",
                    "reference",
                    field=pl.lit(rule.field),
                    code=pl.lit(rule.code),
                    detail=detail,
                )
            )
        raise OrderRefused(problems.collect())
    if not frame["reference"].is_sorted():
        # The caller sorts; sorting again here keeps two writes of one payroll byte-identical
        # even if a caller forgets.
        frame = frame.sort("reference")
    return frame
