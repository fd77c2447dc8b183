"""Row-level validation errors for file imports: which file, line and column, what value, why."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from jisr.core.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class RowError:
    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}={self.value!r}: {self.reason}"


class InvalidRows(InvalidInput):
    code = "invalid_rows"
    message = _("The file has invalid rows; nothing was written.")

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(errors=len(errors))
        self.errors = list(errors)

    def __str__(self) -> str:
        shown = "\n".join(f"  {error}" for error in self.errors[:20])
        more = f"\n  ... and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        return f"{self.text} ({len(self.errors)} errors)\n{shown}{more}"


def errors_to_csv(errors: Iterable[RowError]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "line", "column", "value", "reason"])
    for error in errors:
        writer.writerow([error.file, error.line, error.column, error.value, error.reason])
    return buffer.getvalue()


def read_csv_rows(
    path: Path, required: Sequence[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """Read a UTF-8 CSV into (line number, row) pairs; header/encoding problems are errors."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [RowError(name, 0, "", "", str(_("The file is not valid UTF-8 (%s).") % error))]
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in required if column not in (reader.fieldnames or [])]
    if missing:
        reason = str(_("Missing column(s): %s") % ", ".join(missing))
        return [], [RowError(name, 1, ",".join(missing), "", reason)]
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    for row in reader:
        if None in row:
            errors.append(RowError(name, reader.line_num, "", "", str(_("Too many fields."))))
            continue
        rows.append((reader.line_num, {key: (value or "").strip() for key, value in row.items()}))
    return rows, errors
