"""Fixtures for the registry's tests: a household of three in Casablanca-Settat, its workers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.registry.models import Household, Person
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory


@pytest.fixture
def family(regions: None) -> dict[str, Any]:
    household = HouseholdFactory(region_code="06")
    father = PersonFactory(
        first_name_lat="Ahmed", first_name_ar="أحمد", sex="M", birth_date=dt.date(1975, 3, 2)
    )
    mother = PersonFactory(
        first_name_lat="Fatima", first_name_ar="فاطمة", sex="F", birth_date=dt.date(1980, 5, 17)
    )
    son = PersonFactory(
        first_name_lat="Youssef",
        first_name_ar="يوسف",
        sex="M",
        cnie=None,
        birth_date=dt.date(2012, 9, 1),
    )
    start = dt.date(2024, 9, 1)
    MembershipFactory(household=household, person=father, relationship="head", start=start)
    MembershipFactory(household=household, person=mother, relationship="spouse", start=start)
    MembershipFactory(household=household, person=son, relationship="child", start=start)
    return {"household": household, "father": father, "mother": mother, "son": son}


@pytest.fixture
def worker(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_WORKER, username="worker06", regions=["06"])


@pytest.fixture
def supervisor(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SUPERVISOR, username="supervisor06", regions=["06"])


def fresh(household: Household) -> Household:
    return Household.objects.get(pk=household.pk)


def members(household: Household, day: dt.date) -> dict[str, str]:
    from jisr.registry.services.declarations import memberships_on

    return {
        m.person.rnp_id: m.relationship
        for m in household.memberships.filter(memberships_on(day)).select_related("person")
    }


__all__ = ["Person", "fresh", "members"]
