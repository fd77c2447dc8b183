"""A household of Casablanca-Settat with a case, and everyone who may or may not reach it:
its owner and other workers, supervisors (of the team, of the territory, of elsewhere), auditors,
partner staff (of the organisation a referral went to, and of another), and the roles that never
see cases. For the browser journeys: a team, an association's day centre and a household with a
severely disabled child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jisr.accounts.roles import Role
from jisr.casework import services
from jisr.partners.models import Organization, OrganizationMember, Service, ServiceArea
from jisr.registry.tests.conftest import family
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory
from jisr.workforce.tests.factories import profile_for

__all__ = ["family"]
TODAY = timezone.localdate


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Users by their relationship to the case built in `case`."""
    team_supervisor = make_user(Role.SUPERVISOR, username="sup_team", regions=["02"])
    people = {
        "owner": make_user(Role.SOCIAL_WORKER, username="owner", regions=["06"]),
        "colleague": make_user(Role.SOCIAL_WORKER, username="colleague", regions=["06"]),
        "receiver": make_user(Role.SOCIAL_WORKER, username="receiver", regions=["06"]),
        "sup_team": team_supervisor,
        "sup_territory": make_user(Role.SUPERVISOR, username="sup_territory", regions=["06"]),
        "sup_elsewhere": make_user(Role.SUPERVISOR, username="sup_elsewhere", regions=["02"]),
        "auditor_in": make_user(Role.AUDITOR, username="auditor_in", regions=["06"]),
        "auditor_out": make_user(Role.AUDITOR, username="auditor_out", regions=["02"]),
        "auditor_national": make_user(Role.AUDITOR, username="auditor_national", national=True),
        "partner_in": make_user(Role.PARTNER_STAFF, username="partner_in"),
        "partner_out": make_user(Role.PARTNER_STAFF, username="partner_out"),
        "manager": make_user(Role.PROGRAMME_MANAGER, username="manager", national=True),
        "payer": make_user(Role.PAYMENT_OFFICER, username="payer", national=True),
        "admin": make_user(Role.ADMINISTRATOR, username="admin", national=True),
    }
    for name in ("owner", "colleague", "receiver"):
        profile_for(people[name], region="06", supervisor=team_supervisor)
    for name in ("sup_team", "sup_territory", "sup_elsewhere"):
        profile_for(people[name], region="06" if name == "sup_territory" else "02")
    return people


@pytest.fixture
def partner(people: dict[str, Any], regions: None) -> dict[str, Any]:
    association = Organization.objects.create(
        kind="association", name_fr="Association Amal pour les enfants handicapés", region_id="06"
    )
    other = Organization.objects.create(kind="association", name_fr="Autre", region_id="06")
    service = Service.objects.create(organization=association, name="Rééducation", status="active")
    OrganizationMember.objects.create(user=people["partner_in"], organization=association)
    OrganizationMember.objects.create(user=people["partner_out"], organization=other)
    return {"organization": association, "other": other, "service": service}


RATINGS = {
    name: {"level": level, "note": ""}
    for name, level in (
        ("health_disability", "high"),
        ("elderly_autonomy", "none"),
        ("child_protection", "medium"),
        ("isolation", "low"),
        ("housing", "low"),
        ("income_benefits", "medium"),
    )
}


@pytest.fixture
def case(family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]) -> Any:
    """An active case (assessed, plan approved by the team's supervisor), with consent for the
    association, referred to its service, and a transfer proposed to `receiver`."""
    owner = people["owner"]
    case = services.case_open(
        actor=owner,
        household=family["household"],
        person=family["son"],
        source="self",
        summary="Youssef needs physiotherapy",
    )
    services.assessment_record(actor=owner, case=case, ratings=RATINGS)
    plan = services.plan_submit(
        actor=owner,
        case=case,
        goals=["Weekly physiotherapy"],
        actions=[
            {"description": "Refer to the association", "service": str(partner["service"].pk)}
        ],
        review_date=TODAY() + dt.timedelta(days=90),
    )
    services.plan_decide(actor=people["sup_team"], plan=plan, approve=True)
    services.consent_record(
        actor=owner,
        case=case,
        given_by="Fatima (mother)",
        purpose="physiotherapy",
        scope="referral",
        fields=["first_name", "age", "needs"],
        given_on=TODAY(),
        recipients=[partner["organization"]],
    )
    services.referral_send(actor=owner, case=case, service=partner["service"], reason="physio")
    services.note_add(actor=owner, case=case, text="Father worried about transport costs.")
    services.transfer_propose(actor=owner, case=case, to_user=people["receiver"], reason="move")
    case.refresh_from_db()
    return case


# --- Browser journeys ----------------------------------------------------------------------------
@pytest.fixture
def journey(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Casablanca-Settat: a supervisor and her accredited social worker, an association with a
    day centre (and its staff member), a household with a severely disabled eight-year-old."""
    nadia = make_user(Role.SUPERVISOR, username="nadia", regions=["06"])
    khadija = make_user(Role.SOCIAL_WORKER, username="khadija", regions=["06"])
    omar = make_user(Role.PARTNER_STAFF, username="omar")
    profile_for(nadia, region="06")
    profile_for(khadija, region="06", supervisor=nadia)
    association = Organization.objects.create(
        kind="association",
        name_fr="Association Nour",
        name_ar="جمعية نور",
        region_id="06",
    )
    service = Service.objects.create(
        organization=association,
        name="Centre d'accueil de jour",
        name_ar="مركز الاستقبال النهاري",
        status="active",
    )
    ServiceArea.objects.create(service=service, region_id="06")
    OrganizationMember.objects.create(user=omar, organization=association)
    home = HouseholdFactory(region_code="06")
    today = timezone.localdate()
    child = PersonFactory(
        first_name_ar="سلمى",
        first_name_lat="Salma",
        sex="F",
        cnie=None,
        birth_date=today.replace(year=today.year - 8),
        disability=True,
        disability_severity="severe",
    )
    start = dt.date(2020, 1, 1)
    MembershipFactory(household=home, person=PersonFactory(), relationship="head", start=start)
    MembershipFactory(household=home, person=child, relationship="child", start=start)
    return {
        "household": home,
        "child": child,
        "service": service,
        "association": association,
        "supervisor": nadia,
        "worker": khadija,
        "partner_staff": omar,
    }
