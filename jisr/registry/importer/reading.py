"""Reading the households and persons files (CSV, XLSX or Parquet) into frames of text.

Every column becomes a string column (stripped; empty is null) with the source line of each row
in `LINE`: for CSV the line counting the header as line 1 (the record's line: a quoted value
spanning lines counts once); for XLSX the sheet row (header = row 1); for Parquet the row number
+ 1. Problems with the file itself (missing, unreadable, not UTF-8, missing columns, no rows, rows
with the wrong number of fields) become row errors, never exceptions.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from jisr.registry.importer.columns import FileSpec
from jisr.registry.importer.issues import Issues

LINE = "__line"
EXTENSIONS = {".csv": "CSV", ".xlsx": "XLSX", ".parquet": "Parquet"}
_DATE_TIME_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?$"


@dataclass
class Table:
    """One file read: its name (as reported), rows as text, and problems found while reading."""

    name: str
    frame: pl.DataFrame
    issues: Issues = field(default_factory=Issues)


def find(directory: Path, spec: FileSpec, issues: Issues) -> Path | None:
    found = [directory / f"{spec.stem}{ext}" for ext in EXTENSIONS]
    found = [path for path in found if path.is_file()]
    if not found:
        issues.file(f"{spec.stem}.csv", "missing_file")
        return None
    if len(found) > 1:
        issues.file(found[0].name, "ambiguous_file", ", ".join(path.name for path in found))
        return None
    return found[0]


def read(path: Path, spec: FileSpec) -> Table:
    """Read one file; on any problem the table has issues (and possibly no rows)."""
    table = Table(path.name, pl.DataFrame())
    kind = EXTENSIONS[path.suffix.lower()]
    try:
        if path.stat().st_size == 0:
            table.issues.file(path.name, "empty_file")
            return table
        if kind == "CSV":
            frame = _read_csv(path, spec, table.issues)
        elif kind == "XLSX":
            frame = _read_xlsx(path, spec, table.issues)
        else:
            frame = _read_parquet(path, spec, table.issues)
    except (OSError, ValueError, pa.ArrowException, pl.exceptions.PolarsError) as error:
        table.issues.file(path.name, "unreadable", kind, value=str(error)[:200])
        return table
    except Exception as error:  # fastexcel's errors share no base class
        table.issues.file(path.name, "unreadable", kind, value=str(error)[:200])
        return table
    if frame is None:
        return table
    if frame.height == 0:
        table.issues.file(path.name, "no_rows")
    table.frame = _clean(frame, spec)
    return table


def _clean(frame: pl.DataFrame, spec: FileSpec) -> pl.DataFrame:
    """Strip spaces; an empty or blank value is null (missing).

    Stripping rebuilds every string, so only the columns that need it are stripped (finding them
    is a cheap scan); readers already give null for empty fields.
    """
    edges = (" ", "\t", "\u00a0")
    needs = frame.select(
        (
            pl.any_horizontal(
                *(pl.col(name).str.starts_with(e) | pl.col(name).str.ends_with(e) for e in edges)
            ).any()
            | (pl.col(name).str.len_bytes().min() == 0)
        ).alias(name)
        for name in spec.names
    ).row(0, named=True)
    cleaned = []
    for name in spec.names:
        if needs[name]:
            value = pl.col(name).str.strip_chars()
            cleaned.append(pl.when(value != "").then(value).alias(name))
        else:
            cleaned.append(pl.col(name))
    return frame.select(pl.col(LINE).cast(pl.Int64), *cleaned)


def _missing(name: str, header: list[str], spec: FileSpec, issues: Issues) -> bool:
    missing = [column for column in spec.names if column not in header]
    for column in missing:
        issues.add(name, 1, column, "", "missing_column")
    return bool(missing)


def _csv_header(path: Path, issues: Issues) -> list[str] | None:
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    try:
        first = head.decode("utf-8-sig").splitlines()[0] if head.strip() else ""
    except UnicodeDecodeError:
        _utf8_issue(path, issues)
        return None
    except IndexError:
        first = ""
    if not first.strip():
        issues.file(path.name, "empty_file")
        return None
    return [name.strip() for name in next(csv.reader([first]))]


def _utf8_issue(path: Path, issues: Issues) -> None:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        issues.add(path.name, line, "", repr(data[error.start : error.start + 4]), "not_utf8")
        return
    issues.file(path.name, "not_utf8")


def _read_csv(path: Path, spec: FileSpec, issues: Issues) -> pl.DataFrame | None:
    header = _csv_header(path, issues)
    if header is None or _missing(path.name, header, spec, issues):
        return None
    broken: list[tuple[int | None, int]] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        broken.append((row.number, row.actual_columns))
        return "skip"

    def parse(threads: bool) -> pa.Table:
        broken.clear()
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=threads, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=on_invalid_row
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(spec.names),
                column_types=dict.fromkeys(spec.names, pa.string()),
                strings_can_be_null=True,
            ),
        )

    try:
        arrow = parse(threads=True)
        if broken:  # row numbers are only known when reading on one thread: read again
            arrow = parse(threads=False)
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error) or "utf8" in str(error).lower():
            _utf8_issue(path, issues)
            return None
        raise
    frame = pl.from_arrow(arrow)
    if not isinstance(frame, pl.DataFrame):  # pragma: no cover - a table always converts
        raise TypeError(type(frame))
    lines = np.arange(2, frame.height + len(broken) + 2, dtype=np.int64)
    if broken:
        skipped = np.array([number or 0 for number, _ in broken], dtype=np.int64)
        lines = np.setdiff1d(lines, skipped, assume_unique=True)
        for number, count in broken:
            issues.add(path.name, number or 0, "", "", "field_count", str(count))
    return frame.with_columns(pl.Series(LINE, lines[: frame.height]))


def _read_parquet(path: Path, spec: FileSpec, issues: Issues) -> pl.DataFrame | None:
    header = list(pl.read_parquet_schema(path))
    if _missing(path.name, header, spec, issues):
        return None
    frame = pl.read_parquet(path, columns=list(spec.names))
    return frame.select(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE),
        *(pl.col(name).cast(pl.String) for name in spec.names),
    )


def _read_xlsx(path: Path, spec: FileSpec, issues: Issues) -> pl.DataFrame | None:
    import fastexcel

    reader = fastexcel.read_excel(path)
    sheet = reader.load_sheet(0, dtypes="string")
    header = [str(getattr(column, "name", column)).strip() for column in sheet.available_columns()]
    if _missing(path.name, header, spec, issues):
        return None
    frame = pl.from_arrow(sheet.to_arrow())
    if not isinstance(frame, pl.DataFrame):  # pragma: no cover - a table always converts
        raise TypeError(type(frame))
    frame = frame.rename({name: name.strip() for name in frame.columns})
    frame = frame.select(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE),
        *(pl.col(name).cast(pl.String) for name in spec.names),
    )
    # Spreadsheets keep formatted-but-empty rows; a date cell reads as a midnight date-time.
    frame = frame.filter(~pl.all_horizontal(pl.col(name).is_null() for name in spec.names))
    return frame.with_columns(
        pl.col(name).str.replace(_DATE_TIME_MIDNIGHT, "${1}")
        for name in spec.names
        if name == "birth_date"
    )


def read_all(directory: Path, specs: tuple[FileSpec, ...]) -> tuple[dict[str, Table], Issues]:
    issues = Issues()
    tables: dict[str, Table] = {}
    if not directory.is_dir():
        issues.file(str(directory), "missing_file")
        return tables, issues
    for spec in specs:
        path = find(directory, spec, issues)
        if path is not None:
            table = read(path, spec)
            issues.extend(table.issues)
            tables[spec.stem] = table
    return tables, issues


__all__ = ["LINE", "Table", "io", "read_all"]
