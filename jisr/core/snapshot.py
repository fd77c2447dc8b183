"""Columnar snapshots of the database for national batches (fetch → compute → persist).

On PostgreSQL a query is streamed with `COPY (query) TO STDOUT` straight into Polars (no Python
object per row); elsewhere (the SQLite demo) the cursor's rows are used.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from django.db import connection


def query_frame(sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    """Run `sql` (its columns in the order of `schema`) and return the rows as a Polars frame."""
    names = list(schema)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            buffer = io.BytesIO()
            query = raw.mogrify(sql, list(params)) if params else sql
            with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for chunk in copy:
                    buffer.write(chunk)
        buffer.seek(0)
        if not buffer.getbuffer().nbytes:
            return pl.DataFrame(schema=dict(schema))
        return pl.read_csv(
            buffer, has_header=False, new_columns=names, schema=dict(schema), infer_schema=False
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=dict(schema), orient="row")
