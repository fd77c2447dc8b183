"""Columnar snapshots of the database for national batches (fetch → compute → persist).

On PostgreSQL, outside a transaction, a query is read with ADBC (the Arrow database connectivity
driver: binary COPY decoded in C straight into Arrow, no Python object per row; a million rows a
second on the reference machine). Inside a transaction (a request, a test) it goes through Django's
connection, so the snapshot sees the transaction's own writes; so does the SQLite demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import polars as pl
from django.db import connection


def query_frame(sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    """Run `sql` (its columns in the order of `schema`) and return the rows as a Polars frame
    typed as `schema`."""
    names = list(schema)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _adbc(sql, params, names).cast(dict(schema))  # type: ignore[arg-type]
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pl.DataFrame(
        [
            _series(name, list(values), schema[name])
            for name, values in zip(names, columns, strict=True)
        ]
    )


def _uri() -> str:
    settings = connection.settings_dict
    user = quote(str(settings.get("USER") or ""))
    password = quote(str(settings.get("PASSWORD") or ""))
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "localhost"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{quote(str(settings['NAME']))}"


def _adbc(sql: str, params: Sequence[Any], names: list[str]) -> pl.DataFrame:
    import adbc_driver_postgresql.dbapi as adbc

    with connection.cursor() as cursor:  # Django's quoting of the parameters
        query = cursor.mogrify(sql, list(params)) if params else sql
    text = query.decode() if isinstance(query, bytes) else str(query)
    with adbc.connect(_uri()) as conn, conn.cursor() as cursor:
        cursor.execute(text)
        table = cursor.fetch_arrow_table()
    frame = pl.DataFrame(pl.from_arrow(table))
    return frame.rename(dict(zip(frame.columns, names, strict=True)))


def _series(name: str, values: list[Any], dtype: Any) -> pl.Series:
    """Values as Django's cursor gives them (SQLite: 0/1 booleans, ISO-text dates) → a typed
    Series."""
    base = dtype.base_type() if hasattr(dtype, "base_type") else dtype
    if base == pl.Date:
        values = [dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v for v in values]
    elif base == pl.Boolean:
        values = [None if v is None else bool(v) for v in values]
    elif base in (pl.Float64, pl.Float32):
        values = [None if v is None else float(v) for v in values]
    elif base == pl.String:
        values = [None if v is None else str(v) for v in values]
    elif isinstance(next((v for v in values if v is not None), None), Decimal):
        values = [None if v is None else int(v) for v in values]
    return pl.Series(name, values, dtype=dtype)
