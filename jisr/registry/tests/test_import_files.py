# ruff: noqa: F811  (pytest fixtures imported from test_import are parameters here)
"""Bad files never cause a traceback: missing, unreadable, not UTF-8, bad columns, empty, broken."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from jisr.core.rows import RowError
from jisr.registry.importer import registry_import
from jisr.registry.models import Household
from jisr.registry.tests.test_import import (  # noqa: F401  (fixtures)
    EFFECTIVE,
    HOUSEHOLDS,
    files,
    places,
    population,
    read_text,
    write_text,
)
from jisr.registry.tests.test_import_validation import rejected

pytestmark = pytest.mark.django_db


def test_a_missing_file(places: None, files: Callable[[str], Path], english: None) -> None:
    directory = files("csv")
    (directory / "persons.csv").unlink()
    assert rejected(directory) == [
        RowError(
            "persons.csv",
            0,
            "",
            "",
            "The file is missing: give households and persons files (CSV, XLSX or Parquet).",
        )
    ]


def test_a_missing_directory(places: None, tmp_path: Path, english: None) -> None:
    errors = rejected(tmp_path / "nowhere")
    assert [error.reason for error in errors] == [
        "The file is missing: give households and persons files (CSV, XLSX or Parquet)."
    ]


def test_two_files_for_one_table(places: None, files: Callable[[str], Path], english: None) -> None:
    directory = files("csv")
    shutil.copy(files("parquet") / "persons.parquet", directory)
    errors = rejected(directory)
    assert [(e.file, e.reason) for e in errors] == [
        (
            "persons.csv",
            "There are several files for this table (persons.csv, persons.parquet); keep only one.",
        )
    ]


def test_an_unreadable_spreadsheet(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("xlsx")
    (directory / "persons.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    errors = rejected(directory)
    assert len(errors) == 1
    assert (errors[0].file, errors[0].line, errors[0].reason) == (
        "persons.xlsx",
        0,
        "The file cannot be read as XLSX.",
    )


def test_an_unreadable_parquet_file(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("parquet")
    (directory / "households.parquet").write_text("household_id\n1\n", encoding="utf-8")
    errors = rejected(directory)
    assert (errors[0].file, errors[0].reason) == (
        "households.parquet",
        "The file cannot be read as Parquet.",
    )


def test_a_file_that_is_not_utf8(places: None, files: Callable[[str], Path], english: None) -> None:
    directory = files("csv")
    text = (directory / "persons.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[3] = lines[3].replace(lines[3].split(",")[7], '"Aïcha"')  # first_name_lat
    (directory / "persons.csv").write_bytes(
        "".join(lines[:3]).encode()
        + lines[3].encode("latin-1", errors="replace")
        + "".join(lines[4:]).encode()
    )
    errors = rejected(directory)
    assert [(e.file, e.line, e.reason) for e in errors] == [
        ("persons.csv", 4, "The file is not UTF-8 text; save it as UTF-8 (CSV UTF-8).")
    ]


def test_missing_columns_are_named(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    write_text(read_text(directory, "households").drop("rooms", "tenure"), directory, "households")
    errors = rejected(directory)
    assert errors == [
        RowError("households.csv", 1, "rooms", "", "This column is missing from the header."),
        RowError("households.csv", 1, "tenure", "", "This column is missing from the header."),
    ]


def test_extra_columns_are_ignored(places: None, files: Callable[[str], Path]) -> None:
    directory = files("csv")
    frame = read_text(directory, "households")
    write_text(frame.with_columns(notes=frame["household_id"]), directory, "households")
    result = registry_import(directory=directory, effective=EFFECTIVE)
    assert result.households_created == HOUSEHOLDS


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("", 0, "The file is empty."),
        ("\n\n", 0, "The file is empty."),
    ],
)
def test_empty_files(
    places: None, files: Callable[[str], Path], english: None, content: str, line: int, reason: str
) -> None:
    directory = files("csv")
    (directory / "households.csv").write_text(content, encoding="utf-8")
    assert [(e.file, e.line, e.reason) for e in rejected(directory)] == [
        ("households.csv", line, reason)
    ]


def test_a_header_without_rows(places: None, files: Callable[[str], Path], english: None) -> None:
    directory = files("csv")
    header = (directory / "persons.csv").read_text(encoding="utf-8").splitlines()[0]
    (directory / "persons.csv").write_text(header + "\n", encoding="utf-8")
    errors = rejected(directory)
    assert ("persons.csv", 0, "The file has a header but no rows.") in [
        (e.file, e.line, e.reason) for e in errors
    ]


def test_a_truncated_file(places: None, files: Callable[[str], Path], english: None) -> None:
    directory = files("csv")
    path = directory / "persons.csv"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 60])  # cut in the middle of the last row
    lines = data.decode().count("\n")
    errors = rejected(directory)
    broken = [e for e in errors if e.file == "persons.csv"]
    assert broken
    assert broken[0].line == lines
    assert broken[0].reason.startswith("This row has ")
    assert Household.objects.count() == 0


def test_a_row_with_too_many_fields(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    path = directory / "households.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + ',"surplus"\n'
    path.write_text("".join(lines), encoding="utf-8")
    errors = rejected(directory)
    count = lines[4].count(",") + 1
    assert (
        RowError(
            "households.csv",
            5,
            "",
            "",
            f"This row has {count} fields; the header has a different number (a truncated or "
            "broken row).",
        )
        in errors
    )
