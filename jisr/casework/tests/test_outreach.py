"""Registry-driven outreach: the households a social worker should visit, found from the registry,
assigned in bulk to the supervisor's team (territory first, then the lightest caseload)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jisr.casework import selectors, services
from jisr.casework.models import OutreachItem
from jisr.core.errors import AccessDenied, InvalidInput
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.fixture
def registry(regions: None) -> dict[str, Any]:
    """One household per reason to visit, and one that needs nothing."""
    start = dt.date(2020, 1, 1)

    def household(*members: dict[str, Any]) -> Any:
        home = HouseholdFactory(region_code="06")
        for i, fields in enumerate(members):
            MembershipFactory(
                household=home,
                person=PersonFactory(**fields),
                start=start,
                relationship="head" if i == 0 else "child",
            )
        return home

    adult = {"birth_date": years_ago(40)}
    return {
        "disabled": household(
            adult,
            {
                "birth_date": years_ago(8),
                "disability": True,
                "disability_severity": "severe",
                "cnie": None,
            },
        ),
        "orphan": household(
            adult,
            {
                "birth_date": years_ago(10),
                "father_deceased": True,
                "in_school": False,
                "cnie": None,
            },
        ),
        "alone": household({"birth_date": years_ago(80)}),
        "elderly_couple": household({"birth_date": years_ago(80)}, {"birth_date": years_ago(78)}),
        "fine": household(
            adult,
            {
                "birth_date": years_ago(10),
                "in_school": True,
                "school_level": "primary",
                "school_sector": "public",
                "cnie": None,
            },
        ),
    }


def test_the_registry_says_who_to_visit(registry: dict[str, Any], people: dict[str, Any]) -> None:
    found = services.outreach_build(actor=people["sup_territory"])
    assert found["added"] == 3
    kinds = dict(OutreachItem.objects.values_list("household_id", "kind"))
    assert kinds == {
        registry["disabled"].pk: "disabled_child",
        registry["orphan"].pk: "orphan_out_of_school",
        registry["alone"].pk: "elderly_alone",
    }
    assert services.outreach_build(actor=people["sup_territory"])["added"] == 0  # not twice
    assert services.outreach_build(actor=people["sup_elsewhere"])["added"] == 0  # not their area
    with pytest.raises(AccessDenied):
        services.outreach_build(actor=people["owner"])


def test_a_supervisor_of_the_area_assigns_to_their_team(
    registry: dict[str, Any], people: dict[str, Any], family: dict[str, Any], make_user: Any
) -> None:
    from jisr.accounts.roles import Role
    from jisr.workforce.tests.factories import profile_for

    lead = make_user(Role.SUPERVISOR, username="lead06", regions=["06"])
    profile_for(lead, region="06")
    a = make_user(Role.SOCIAL_WORKER, username="a06", regions=["06"])
    b = make_user(Role.SOCIAL_WORKER, username="b06", regions=["06"])
    profile_for(a, region="06", supervisor=lead)
    profile_for(b, region="06", supervisor=lead)
    services.case_open(actor=a, household=family["household"], source="self", summary="x")
    services.outreach_build(actor=lead)
    items = list(OutreachItem.objects.order_by("pk").values_list("pk", flat=True))
    assigned = services.outreach_assign(actor=lead, items=items)
    per_worker = sorted(list(assigned.values()).count(w.pk) for w in (a, b))
    assert per_worker == [1, 2]  # a (one case already) gets one, b two: loads 2 and 2
    assert list(assigned.values()).count(a.pk) == 1
    mine = selectors.caseload(user=b).outreach
    assert len(mine) == 2
    case = services.case_open(
        actor=b, household=mine[0].household, source="registry", summary="visit", outreach=mine[0]
    )
    assert OutreachItem.objects.get(pk=mine[0].pk).case == case
    with pytest.raises(InvalidInput):  # already assigned: not open any more
        services.outreach_assign(actor=lead, items=items[:1])


def test_a_household_with_an_open_case_is_not_listed_again(
    registry: dict[str, Any], people: dict[str, Any]
) -> None:
    services.outreach_build(actor=None)
    item = OutreachItem.objects.get(household=registry["alone"])
    services.case_open(actor=people["owner"], household=registry["alone"], source="registry",
                       summary="visit", outreach=item)  # fmt: skip
    assert services.outreach_build(actor=None)["added"] == 0
    assert OutreachItem.objects.filter(household=registry["alone"]).count() == 1
