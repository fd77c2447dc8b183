# ruff: noqa: F811  (pytest fixtures imported from test_import are parameters here)
"""Each validation rule of the bulk import: exact file, line, column and reason; nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jisr.core.identifiers import luhn_check_digit
from jisr.core.rows import RowError
from jisr.registry.importer import ImportRejected, registry_import
from jisr.registry.tests.test_import import (  # noqa: F401  (fixtures)
    EFFECTIVE,
    counts,
    files,
    places,
    population,
    read_text,
    set_cell,
    write_text,
)

pytestmark = pytest.mark.django_db


def rejected(directory: Path, **kwargs: Any) -> list[RowError]:
    before = counts()
    with pytest.raises(ImportRejected) as caught:
        registry_import(directory=directory, effective=EFFECTIVE, **kwargs)
    assert counts() == before, "nothing may be written"
    return caught.value.errors


def other_luhn(value: str) -> str:
    """A well-formed identifier different from `value`."""
    payload = str(int(value[:-1]) + 1).zfill(len(value) - 1)
    return payload + str(luhn_check_digit(payload))


def wrong_check_digit(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


# (file, row, column, new value, reason)  — the row is 0-based, so the line is row + 2.
CELL_RULES = [
    (
        "households",
        0,
        "household_id",
        "12345",
        "An RSU household identifier has 10 digits, the last a check digit.",
    ),
    ("households", 0, "region_code", "13", "No region has this code."),
    (
        "households",
        0,
        "commune_code",
        "99.99.999",
        "No commune has this code (load the communes first: jisr geo load).",
    ),
    ("households", 0, "size", "two", "A whole number from 1 – 50 is expected."),
    ("households", 0, "rooms", "0", "A whole number from 1 – 100 is expected."),
    ("households", 1, "mobile_phones", "3.5", "A whole number from 0 – 50 is expected."),
    ("households", 0, "phone", "0612", "A Moroccan number in the form +212XXXXXXXXX."),
    ("households", 0, "has_tv", "yes", "Must be true or false."),
    (
        "households",
        0,
        "spend_water",
        "-5",
        "An amount in MAD (at most 2 decimals) from 0 – 1,000,000 is expected.",
    ),
    (
        "households",
        0,
        "spend_butane",
        "12.345",
        "An amount in MAD (at most 2 decimals) from 0 – 1,000,000 is expected.",
    ),
    (
        "households",
        0,
        "housing_type",
        "castle",
        "Not one of the allowed values: villa_apartment, modern_house, traditional_house, shanty, "
        "rural_house, other.",
    ),
    ("households", 0, "address", "  ", "A value is required."),
    ("households", 0, "address", "x" * 256, "At most 255 characters."),
    ("persons", 0, "birth_date", "2020-02-30", "A date in the form YYYY-MM-DD is expected."),
    ("persons", 0, "birth_date", "02/03/1990", "A date in the form YYYY-MM-DD is expected."),
    ("persons", 0, "birth_date", "2999-01-01", "The birth date is in the future."),
    (
        "persons",
        0,
        "birth_date",
        "1850-01-01",
        "The birth date is implausibly old (more than 125 years).",
    ),
    ("persons", 0, "sex", "X", "Not one of the allowed values: M, F."),
    (
        "persons",
        0,
        "cnie",
        "123",
        "A CNIE is one or two capital letters followed by 1 to 6 digits.",
    ),
    ("persons", 0, "nationality", "MAR", "A two-letter ISO country code (MA, FR, …) is expected."),
    ("persons", 0, "first_name_lat", "", "A value is required."),
    ("persons", 0, "last_name_ar", "ب" * 81, "At most 80 characters."),
    (
        "persons",
        0,
        "marital_status",
        "engaged",
        "Not one of the allowed values: single, married, divorced, widowed.",
    ),
]


@pytest.mark.parametrize(("stem", "row", "column", "value", "reason"), CELL_RULES)
def test_a_bad_value_is_reported_where_it_is(
    places: None,
    files: Callable[[str], Path],
    english: None,
    stem: str,
    row: int,
    column: str,
    value: str,
    reason: str,
) -> None:
    directory = files("csv")
    set_cell(directory, stem, row, column, value)
    errors = rejected(directory)
    assert RowError(f"{stem}.csv", row + 2, column, value.strip(), reason) in errors


def test_identifiers_must_carry_their_check_digit(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    person = read_text(directory, "persons")["person_id"][3]
    set_cell(directory, "persons", 3, "person_id", wrong_check_digit(person))
    errors = rejected(directory)
    assert (
        RowError(
            "persons.csv",
            5,
            "person_id",
            wrong_check_digit(person),
            "An RNP person identifier has 12 digits, the last a check digit.",
        )
        in errors
    )


def test_the_commune_must_be_in_the_region_and_milieu_given(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    households = read_text(directory, "households")
    region, milieu = households["region_code"][0], households["milieu"][0]
    other_region = "01" if region != "01" else "02"
    other_milieu = "rural" if milieu == "urban" else "urban"
    set_cell(directory, "households", 0, "region_code", other_region)
    set_cell(
        directory,
        "households",
        1,
        "milieu",
        other_milieu if households["milieu"][1] == milieu else milieu,
    )
    errors = rejected(directory)
    assert (
        RowError(
            "households.csv",
            2,
            "commune_code",
            households["commune_code"][0],
            f"This commune belongs to region {region}, not to the region given.",
        )
        in errors
    )
    assert (
        RowError(
            "households.csv",
            3,
            "commune_code",
            households["commune_code"][1],
            f"This commune is {households['milieu'][1]}; the milieu given differs.",
        )
        in errors
    )


def test_duplicate_identifiers_within_the_file(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    persons = read_text(directory, "persons")
    set_cell(directory, "persons", 2, "person_id", persons["person_id"][1])
    errors = rejected(directory)
    reason = "This identifier appears more than once in the file (lines 3, 4)."
    assert RowError("persons.csv", 3, "person_id", persons["person_id"][1], reason) in errors
    assert RowError("persons.csv", 4, "person_id", persons["person_id"][1], reason) in errors


def test_duplicate_cnie_within_the_file(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    persons = read_text(directory, "persons").with_row_index()
    adults = persons.filter(pl.col("cnie").is_not_null())
    first, second = adults.row(0, named=True), adults.row(1, named=True)
    set_cell(directory, "persons", second["index"], "cnie", first["cnie"])
    errors = rejected(directory)
    reason = (
        f"This CNIE appears more than once in the file (lines {first['index'] + 2}, "
        f"{second['index'] + 2})."
    )
    assert RowError("persons.csv", second["index"] + 2, "cnie", first["cnie"], reason) in errors


def test_every_household_needs_exactly_one_head(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    persons = read_text(directory, "persons").with_row_index()
    households = read_text(directory, "households").with_row_index()
    # Household 0 loses its head; in household 1 a second member becomes head too.
    set_cell(directory, "persons", 0, "relationship", "child")
    second = persons.filter(pl.col("household_id") == households["household_id"][1])
    for index in second["index"][:2]:
        set_cell(directory, "persons", index, "relationship", "head")
    errors = rejected(directory)
    assert (
        RowError(
            "households.csv",
            2,
            "household_id",
            households["household_id"][0],
            "This household has no head in the persons file.",
        )
        in errors
    )
    for index in second["index"][:2]:
        assert (
            RowError(
                "persons.csv",
                index + 2,
                "relationship",
                "head",
                "This household has more than one head.",
            )
            in errors
        )


def test_the_size_is_the_number_of_persons(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    size = int(read_text(directory, "households")["size"][0])
    set_cell(directory, "households", 0, "size", str(size + 1))
    errors = rejected(directory)
    assert (
        RowError(
            "households.csv",
            2,
            "size",
            str(size + 1),
            f"The persons file has {size} persons for this household, not this size.",
        )
        in errors
    )


def test_a_person_must_name_a_household_of_the_file(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    households = read_text(directory, "households")["household_id"]
    unknown = other_luhn(max(households))
    last = read_text(directory, "persons").height - 1
    set_cell(directory, "persons", last, "household_id", unknown)
    errors = rejected(directory)
    assert (
        RowError(
            "persons.csv",
            last + 2,
            "household_id",
            unknown,
            "No household of the households file has this identifier.",
        )
        in errors
    )


def test_flags_and_their_details_must_agree(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    persons = read_text(directory, "persons").with_row_index()
    healthy = persons.filter(pl.col("disability") == "false").row(0, named=True)
    pupil = persons.filter(pl.col("in_school") == "true").row(0, named=True)
    idle = persons.filter(pl.col("in_school") == "false").row(1, named=True)
    set_cell(directory, "persons", healthy["index"], "disability_severity", "mild")
    set_cell(directory, "persons", pupil["index"], "school_level", None)
    set_cell(directory, "persons", idle["index"], "school_sector", "public")
    errors = rejected(directory)
    assert (
        RowError(
            "persons.csv",
            healthy["index"] + 2,
            "disability_severity",
            "mild",
            "A disability severity is given without a disability.",
        )
        in errors
    )
    assert (
        RowError(
            "persons.csv",
            pupil["index"] + 2,
            "school_level",
            "",
            "In school: give the school level and sector.",
        )
        in errors
    )
    assert (
        RowError(
            "persons.csv",
            idle["index"] + 2,
            "school_sector",
            "public",
            "A school level or sector is given for someone not in school.",
        )
        in errors
    )
