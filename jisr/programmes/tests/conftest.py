"""A registry household ready for the rules: the family of the registry tests, with an index."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.registry.models import Household, Person
from jisr.registry.tests.conftest import family, supervisor, worker

__all__ = ["family", "supervisor", "worker"]  # the registry's fixtures, used here too


@pytest.fixture
def assessed(family: dict[str, Any]) -> dict[str, Any]:
    """Father, mother, son aged 13 in public lower-secondary school; index 9.1 (ASD: the son's
    300 MAD raised to the 500 minimum in 2026; AMO Tadamon)."""
    Person.objects.filter(pk__in=[family["father"].pk, family["mother"].pk]).update(
        social_security="none", amo="none", in_school=False, school_level="", school_sector=""
    )
    Person.objects.filter(pk=family["son"].pk).update(
        in_school=True,
        school_level="lower_secondary",
        school_sector="public",
        social_security="none",
        amo="none",
        disability=False,
        father_deceased=False,
    )
    Household.objects.filter(pk=family["household"].pk).update(
        index_value=Decimal("9.1000000"),
        needs_recompute=False,
        formal_family_allowances=False,
        status="active",
    )
    family["household"].refresh_from_db()
    return family


@pytest.fixture
def programme_manager(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.PROGRAMME_MANAGER, username="manager06", regions=["06"])
