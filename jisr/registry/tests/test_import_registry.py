# ruff: noqa: F811  (pytest fixtures imported from test_import are parameters here)
"""Rules against what the registry already holds, and who may import what."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jisr.accounts.roles import Role
from jisr.core.errors import AccessDenied
from jisr.core.rows import RowError
from jisr.registry.importer import registry_import
from jisr.registry.models import Household
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory
from jisr.registry.tests.test_import import (  # noqa: F401  (fixtures)
    EFFECTIVE,
    files,
    places,
    population,
    read_text,
)
from jisr.registry.tests.test_import_validation import rejected

pytestmark = pytest.mark.django_db


def test_a_person_of_another_household_cannot_move_silently(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    person = read_text(directory, "persons").row(0, named=True)
    elsewhere = HouseholdFactory(region_code="06")
    MembershipFactory(
        household=elsewhere, person=PersonFactory(rnp_id=person["person_id"]), relationship="head"
    )
    errors = rejected(directory)
    assert (
        RowError(
            "persons.csv",
            2,
            "household_id",
            person["household_id"],
            f"This person is a member of household {elsewhere.rsu_id} in the registry; a person "
            "belongs to one household (record the departure first).",
        )
        in errors
    )


def test_a_cnie_held_by_another_person(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    person = read_text(directory, "persons").row(0, named=True)
    PersonFactory(cnie=person["cnie"])
    errors = rejected(directory)
    assert (
        RowError(
            "persons.csv",
            2,
            "cnie",
            person["cnie"],
            "Another person of the registry has this CNIE.",
        )
        in errors
    )


def test_a_dissolved_household_is_not_imported_again(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    registry_import(directory=directory, effective=EFFECTIVE)
    rsu_id = read_text(directory, "households")["household_id"][0]
    Household.objects.filter(rsu_id=rsu_id).update(status="dissolved")
    errors = rejected(directory)
    assert (
        RowError(
            "households.csv",
            2,
            "household_id",
            rsu_id,
            "This household is dissolved in the registry; it cannot be imported again.",
        )
        in errors
    )


def test_a_regional_user_cannot_import_rows_of_other_regions(
    places: None, files: Callable[[str], Path], english: None, make_user: Callable[..., Any]
) -> None:
    directory = files("csv")
    households = read_text(directory, "households").with_row_index()
    region = households["region_code"][0]
    worker = make_user(Role.SOCIAL_WORKER, regions=[region])
    errors = rejected(directory, actor=worker)
    outside = households.filter(pl.col("region_code") != region)
    assert outside.height
    for row in outside.iter_rows(named=True):
        assert (
            RowError(
                "households.csv",
                row["index"] + 2,
                "commune_code",
                row["commune_code"],
                "You may not import households of this place (outside your scope).",
            )
            in errors
        )
    inside = households.filter(pl.col("region_code") == region)
    assert not any(
        e.line in set(inside["index"] + 2) and e.file == "households.csv" for e in errors
    )

    result = registry_import(directory=directory, actor=worker, skip_invalid=True)
    assert result.households_created == inside.height
    assert set(Household.objects.values_list("region_id", flat=True)) == {region}


@pytest.mark.parametrize(("role", "national"), [(Role.AUDITOR, True), (Role.SOCIAL_WORKER, False)])
def test_without_the_right_or_a_scope_nothing_is_imported(
    places: None,
    files: Callable[[str], Path],
    make_user: Callable[..., Any],
    role: Role,
    national: bool,
) -> None:
    user = make_user(role, national=national)
    with pytest.raises(AccessDenied):
        registry_import(directory=files("csv"), actor=user)
    assert Household.objects.count() == 0
