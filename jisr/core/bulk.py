"""Moving whole frames in and out of the database: COPY on PostgreSQL, executemany on SQLite.

Bulk writers (the registry import, eligibility decisions) run the same SQL on both: frames are
loaded into temporary staging tables, then joined, inserted and updated with set-based statements.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.db import connection

from jisr.core import faults

# Staging column types: (PostgreSQL, SQLite). SQLite keeps Django's representations: dates as
# ISO text, booleans as 0/1, decimals as numbers.
SQL_TYPES: dict[type[pl.DataType] | pl.DataType, tuple[str, str]] = {
    pl.String: ("text", "text"),
    pl.Int64: ("bigint", "integer"),
    pl.Int32: ("integer", "integer"),
    pl.Boolean: ("boolean", "integer"),
    pl.Date: ("date", "text"),
    pl.Float64: ("double precision", "real"),
}
JSON_SQL = ("jsonb", "text")
# Bytes sent to COPY per write; crash-safety tests make it small to die in the middle of a COPY.
COPY_BLOCK = int(os.environ.get("JISR_COPY_BLOCK") or 1 << 20)


def postgres() -> bool:
    return connection.vendor == "postgresql"


def _sql_type(dtype: pl.DataType, *, json: bool) -> str:
    index = 0 if postgres() else 1
    if json:
        return JSON_SQL[index]
    if isinstance(dtype, pl.Decimal):
        return f"numeric({dtype.precision or 38}, {dtype.scale})" if index == 0 else "text"
    return SQL_TYPES[dtype.base_type()][index]


def timestamp(now: dt.datetime) -> str:
    """A timestamp as staged text: ISO with its offset on PostgreSQL (cast to timestamptz), naive
    UTC on SQLite (as Django stores it)."""
    if postgres():
        return now.isoformat()
    return now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def rows(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def scalar(sql: str, params: Sequence[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


@contextmanager
def staged(name: str, frame: pl.DataFrame, *, json: Sequence[str] = ()) -> Iterator[str]:
    """A temporary table `name` holding `frame` for the duration of the block."""
    columns = ", ".join(
        f'"{col}" {_sql_type(dtype, json=col in json)}' for col, dtype in frame.schema.items()
    )
    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
    try:
        if frame.height:
            _load(name, frame)
            if postgres():  # temporary tables are never analysed automatically
                execute(f"ANALYZE {name}")
        yield name
    finally:
        execute(f"DROP TABLE IF EXISTS {name}")


def insert(table: str, frame: pl.DataFrame) -> int:
    """Append `frame`'s rows to `table` (its columns named as the frame's), in the frame's order:
    one COPY, without a staging table, when nothing needs joining. Returns the rows written."""
    if frame.height:
        _load(table, frame)
    return frame.height


def _load(name: str, frame: pl.DataFrame) -> None:
    quoted = ", ".join(f'"{col}"' for col in frame.columns)
    if postgres():
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False, date_format="%Y-%m-%d")
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {name} ({quoted}) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            data = buffer.getbuffer()
            for start in range(0, len(data), COPY_BLOCK):
                faults.point("bulk.copy")  # a crash in the middle of the COPY stream
                copy.write(data[start : start + COPY_BLOCK])
        return
    text = frame.with_columns(
        pl.col(pl.Decimal).cast(pl.String), pl.col(pl.Date).dt.to_string("%Y-%m-%d")
    )
    marks = ", ".join(["%s"] * len(frame.columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({marks})", text.rows())  # noqa: S608


def frame(sql: str, schema: dict[str, pl.DataType], params: Sequence[Any] = ()) -> pl.DataFrame:
    """The rows of a query as a frame (columns in `schema` order, converted from text)."""
    text_schema = dict.fromkeys(schema, pl.String)
    if postgres() and not params:
        buffer = io.BytesIO()
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy,
        ):
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        raw = (
            pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=text_schema)
            if buffer.getbuffer().nbytes
            else pl.DataFrame(schema=text_schema)
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [tuple(None if v is None else str(v) for v in row) for row in cursor.fetchall()]
        raw = pl.DataFrame(rows, schema=text_schema, orient="row")
    return raw.select(_from_text(name, dtype) for name, dtype in schema.items())


def _from_text(name: str, dtype: pl.DataType) -> pl.Expr:
    value = pl.col(name)
    if dtype == pl.Boolean:
        return value.is_in(["t", "true", "1", "True"]).alias(name)
    if dtype == pl.Date:
        return value.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d").alias(name)
    return value.cast(dtype).alias(name)
