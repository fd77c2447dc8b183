"""Before/after of the changed values of each household, as JSON, on whole columns.

Values are encoded by Polars (`struct.json_encode`), so names and addresses are escaped properly;
only identifiers and closed codes (digits, ASCII) are written between quotes directly.
"""

from __future__ import annotations

import polars as pl

OLD = "_old"


def _json_value(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return value.cast(pl.String) if isinstance(dtype, pl.Decimal | pl.Date) else value


def changed(name: str) -> pl.Expr:
    return pl.col(name).ne_missing(pl.col(name + OLD))


def field_members(fields: dict[str, pl.DataType], *, side: str) -> pl.Expr:
    """The changed fields of a row as JSON members ('' when none changed); side: old or new."""
    parts = []
    for name, dtype in fields.items():
        source = pl.col(name + OLD) if side == "old" else pl.col(name)
        member = pl.struct(_json_value(source, dtype).alias(name)).struct.json_encode()
        parts.append(
            pl.when(changed(name)).then(member.str.strip_prefix("{").str.strip_suffix("}"))
        )
    return pl.concat_list(parts).list.drop_nulls().list.join(",")


def any_changed(fields: dict[str, pl.DataType] | list[str]) -> pl.Expr:
    return pl.any_horizontal([changed(name) for name in fields])


def keyed(key: pl.Expr, members: pl.Expr) -> pl.Expr:
    """'"<key>":{<members>}' — key is an identifier (digits)."""
    return pl.concat_str(pl.lit('"'), key, pl.lit('":{'), members, pl.lit("}"))


def quoted_or_null(value: pl.Expr) -> pl.Expr:
    """A closed code as a JSON string, or null."""
    return (
        pl.when(value.is_null())
        .then(pl.lit("null"))
        .otherwise(pl.concat_str(pl.lit('"'), value, pl.lit('"')))
    )


def obj(*members: pl.Expr) -> pl.Expr:
    """A JSON object from member strings, skipping empty or null ones."""
    parts = [pl.when(m.is_not_null() & (m != "")).then(m) for m in members]
    return pl.concat_str(
        pl.lit("{"), pl.concat_list(parts).list.drop_nulls().list.join(","), pl.lit("}")
    )


def section(name: str, inner: pl.Expr) -> pl.Expr:
    """'"name":{inner}' or null when inner is empty or null."""
    return pl.when(inner.is_not_null() & (inner != "")).then(
        pl.concat_str(pl.lit(f'"{name}":{{'), inner, pl.lit("}"))
    )


def keyed_value(key: pl.Expr, value: pl.Expr) -> pl.Expr:
    """'"<key>":<value>' — key is an identifier (digits), value already JSON."""
    return pl.concat_str(pl.lit('"'), key, pl.lit('":'), value)
