# ruff: noqa: F811  (pytest fixtures imported from test_import are parameters here)
"""Property: whatever cells are broken, the import either writes exactly the files or nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jisr.registry.importer import ImportRejected, registry_import
from jisr.registry.models import Household, Membership, Person
from jisr.registry.tests.test_import import (  # noqa: F401  (fixtures)
    EFFECTIVE,
    files,
    places,
    population,
    read_text,
    write_text,
)

pytestmark = pytest.mark.django_db

COLUMNS = {
    "households": [
        "household_id",
        "region_code",
        "commune_code",
        "milieu",
        "size",
        "rooms",
        "has_tv",
        "spend_water",
        "phone",
        "housing_type",
    ],
    "persons": [
        "person_id",
        "household_id",
        "relationship",
        "sex",
        "birth_date",
        "cnie",
        "first_name_lat",
        "disability",
        "school_level",
        "nationality",
    ],
}


def _wrong_digit(value: str | None) -> str | None:
    if not value or not value[-1].isdigit():
        return value
    return value[:-1] + str((int(value[-1]) + 1) % 10)


MUTATIONS: dict[str, Callable[[str | None, list[Any]], str | None]] = {
    "blank": lambda value, column: None,
    "garbage": lambda value, column: "??",
    "bad_date": lambda value, column: "2023-02-30",
    "bad_check_digit": lambda value, column: _wrong_digit(value),
    "duplicate": lambda value, column: column[0],
    "unknown_commune": lambda value, column: "99.99.999",
    "head": lambda value, column: "head",
    "child": lambda value, column: "child",
    # Harmless: spaces around a value, upper-case booleans and codes that accept it.
    "spaces": lambda value, column: f"  {value}  " if value else value,
    "upper": lambda value, column: value.upper() if value in ("true", "false") else value,
}

mutation = st.tuples(
    st.sampled_from(sorted(COLUMNS)),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=9),
    st.sampled_from(sorted(MUTATIONS)),
)


def _apply(directory: Path, changes: list[tuple[str, int, int, str]]) -> None:
    for stem, row, column_index, kind in changes:
        frame = read_text(directory, stem)
        column = COLUMNS[stem][column_index]
        values = frame[column].to_list()
        row %= len(values)
        values[row] = MUTATIONS[kind](values[row], values)
        write_text(frame.with_columns(pl.Series(column, values, dtype=pl.String)), directory, stem)


def _registry() -> dict[str, set[tuple[Any, ...]]]:
    return {
        "households": set(Household.objects.values_list("rsu_id", "commune_id", "rooms")),
        "persons": {
            (rnp, born.isoformat(), cnie)
            for rnp, born, cnie in Person.objects.values_list("rnp_id", "birth_date", "cnie")
        },
        "members": set(
            Membership.objects.filter(end__isnull=True).values_list(
                "household__rsu_id", "person__rnp_id", "relationship"
            )
        ),
    }


def _files(directory: Path) -> dict[str, set[tuple[Any, ...]]]:
    households = read_text(directory, "households").with_columns(pl.all().str.strip_chars())
    persons = read_text(directory, "persons").with_columns(pl.all().str.strip_chars())
    return {
        "households": {
            (h, c, int(r))
            for h, c, r in households.select("household_id", "commune_code", "rooms").iter_rows()
        },
        "persons": set(persons.select("person_id", "birth_date", "cnie").iter_rows()),
        "members": set(persons.select("household_id", "person_id", "relationship").iter_rows()),
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(mutation, min_size=1, max_size=3))
def test_the_registry_equals_the_files_or_nothing_is_written(
    places: None,
    files: Callable[[str], Path],
    tmp_path: Path,
    changes: list[tuple[str, int, int, str]],
) -> None:
    directory = tmp_path / "mutated"
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(files("csv"), directory)
    _apply(directory, changes)
    with transaction.atomic():
        before = _registry()
        rejection: ImportRejected | None = None
        try:
            registry_import(directory=directory, effective=EFFECTIVE)
        except ImportRejected as error:
            rejection = error
        if rejection is None:
            assert _registry() == _files(directory)
        else:
            assert rejection.errors, "a rejection names at least one row"
            assert all(e.reason for e in rejection.errors)
            assert _registry() == before
        transaction.set_rollback(True)
