"""The problems found in the files: collected as frames (one row per bad cell), reported at the end.

Checks run on whole columns and hand over frames of failures; only these (hopefully few) rows are
ever turned into Python objects, to write the report.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from jisr.core.rows import RowError
from jisr.registry.importer.reasons import reason_text

SCHEMA = {
    "file": pl.String,
    "line": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "code": pl.String,
    "detail": pl.String,
    "household": pl.String,  # the household the row belongs to (rejected whole), if known
}
# Problems with a whole file: nothing can be imported, even with --skip-invalid.
FATAL = frozenset(
    {
        "missing_file",
        "ambiguous_file",
        "unreadable",
        "not_utf8",
        "empty_file",
        "no_rows",
        "missing_column",
    }
)


class Issues:
    def __init__(self) -> None:
        self._frames: list[pl.DataFrame] = []
        self._rows: list[dict[str, object]] = []

    def add(
        self,
        file: str,
        line: int,
        column: str,
        value: str,
        code: str,
        detail: str | None = None,
        household: str | None = None,
    ) -> None:
        self._rows.append(
            {
                "file": file,
                "line": line,
                "column": column,
                "value": value,
                "code": code,
                "detail": detail,
                "household": household,
            }
        )

    def file(self, file: str, code: str, detail: str | None = None, *, value: str = "") -> None:
        """A problem with a whole file (reported on line 0)."""
        self.add(file, 0, "", value, code, detail)

    def frame(self, failures: pl.DataFrame) -> None:
        if failures.height:
            self._frames.append(failures.select(pl.col(n).cast(t) for n, t in SCHEMA.items()))

    def extend(self, other: Issues) -> None:
        self._frames.extend(other._frames)
        self._rows.extend(other._rows)

    def collect(self, order: Iterable[str] = ()) -> pl.DataFrame:
        frames = [*self._frames, pl.DataFrame(self._rows, schema=SCHEMA)]
        rank = {name: position for position, name in enumerate(order)}
        every = pl.concat(frames, how="vertical").unique(maintain_order=True)
        return every.sort(
            pl.col("file").replace_strict(rank, default=len(rank), return_dtype=pl.Int64),
            "file",
            "line",
            "column",
            "code",
        )

    def __len__(self) -> int:
        return len(self._rows) + sum(frame.height for frame in self._frames)

    def fatal(self) -> bool:
        codes = {row["code"] for row in self._rows}
        return bool(codes & FATAL)


def row_errors(failures: pl.DataFrame) -> list[RowError]:
    """The report's rows, with each reason in the active language (one loop: failures only)."""
    reasons: dict[tuple[str, str | None], str] = {}
    errors = []
    for file, line, column, value, code, detail in failures.select(
        "file", "line", "column", "value", "code", "detail"
    ).iter_rows():
        key = (code, detail)
        if key not in reasons:
            reasons[key] = reason_text(code, detail)
        errors.append(RowError(file, line, column, value or "", reasons[key]))
    return errors
