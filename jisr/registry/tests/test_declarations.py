from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from jisr.accounts.roles import Role
from jisr.core.errors import AccessDenied, Conflict, NotFound
from jisr.core.models import AuditEvent
from jisr.registry import services
from jisr.registry.errors import AlreadyMember, HeadRequired, InvalidDeclaration
from jisr.registry.models import EventKind, HouseholdEvent, Membership
from jisr.registry.signals import household_changed
from jisr.registry.tests.conftest import fresh, members
from jisr.registry.tests.factories import HouseholdFactory, commune_in, luhn_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = dt.date(2026, 11, 1)


def baby(**changes: Any) -> services.PersonInput:
    values: dict[str, Any] = {
        "rnp_id": luhn_id(777001, 12),
        "first_name_ar": "سلمى",
        "last_name_ar": "العلوي",
        "first_name_lat": "Salma",
        "last_name_lat": "Alaoui",
        "sex": "F",
        "birth_date": dt.date(2026, 10, 20),
    }
    return services.PersonInput(**{**values, **changes})


def test_birth_adds_a_child_records_history_and_marks_for_recompute(
    family: dict[str, Any], worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    household = family["household"]
    received: list[dict[str, Any]] = []
    household_changed.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            person = services.birth_declare(
                actor=worker,
                household=household,
                expected_version=1,
                child=baby(),
                reason="birth certificate 123",
            )
    finally:
        household_changed.disconnect(dispatch_uid="t")
    after = fresh(household)
    assert after.version == 2
    assert after.needs_recompute
    assert members(after, TODAY)[person.rnp_id] == "child"
    event = HouseholdEvent.objects.get(household=household, kind=EventKind.BIRTH)
    assert event.actor == worker
    assert event.effective == dt.date(2026, 10, 20)
    assert event.after["person"] == person.rnp_id
    assert event.reason == "birth certificate 123"
    assert person.name_lat_key  # searchable under its normalised name
    assert AuditEvent.objects.filter(action="registry.birth", target_id=str(household.pk)).exists()
    assert received == [
        {
            "signal": household_changed,
            "sender": None,
            "household_ids": [household.pk],
            "reason": "birth",
        }
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rnp_id": "123"}, "rnp_id"),
        ({"cnie": "12AB"}, "cnie"),
        ({"first_name_ar": " "}, "first_name_ar"),
        ({"sex": "X"}, "sex"),
        ({"birth_date": dt.date(2999, 1, 1)}, "birth_date"),
        ({"birth_date": dt.date(1850, 1, 1)}, "birth_date"),
        ({"disability_severity": "severe"}, "disability_severity"),
    ],
)
def test_an_invalid_birth_names_the_field_and_changes_nothing(
    family: dict[str, Any], worker: Any, changes: dict[str, Any], field: str
) -> None:
    household = family["household"]
    with pytest.raises(InvalidDeclaration) as raised:
        services.birth_declare(
            actor=worker, household=household, expected_version=1, child=baby(**changes), reason="x"
        )
    assert field in raised.value.details["fields"]
    assert fresh(household).version == 1
    assert not HouseholdEvent.objects.exists()


def test_a_stale_version_is_a_conflict_and_nothing_is_written(
    family: dict[str, Any], worker: Any
) -> None:
    household = family["household"]
    services.contact_update(
        actor=worker,
        household=household,
        expected_version=1,
        phone="06 12 34 56 78",
        reason="new number",
    )
    assert fresh(household).phone == "+212612345678"
    with pytest.raises(Conflict) as raised:
        services.birth_declare(
            actor=worker, household=household, expected_version=1, child=baby(), reason="late form"
        )
    assert raised.value.details == {"expected_version": 1, "current_version": 2}
    assert not HouseholdEvent.objects.filter(kind=EventKind.BIRTH).exists()


def test_member_leaves_and_joins_another_household(family: dict[str, Any], worker: Any) -> None:
    household, son = family["household"], family["son"]
    other = HouseholdFactory(region_code="06")
    with pytest.raises(AlreadyMember):
        services.member_join(
            actor=worker,
            household=other,
            expected_version=1,
            person=son,
            relationship="other_relative",
            effective=TODAY,
            reason="moved",
        )
    services.member_leave(
        actor=worker,
        household=household,
        expected_version=1,
        person=son,
        effective=TODAY,
        reason="moved to his uncle",
    )
    services.member_join(
        actor=worker,
        household=other,
        expected_version=1,
        person=son,
        relationship="other_relative",
        effective=TODAY,
        reason="moved",
    )
    assert son.rnp_id not in members(household, TODAY)
    assert son.rnp_id in members(household, TODAY - dt.timedelta(days=1))  # history kept
    assert members(other, TODAY)[son.rnp_id] == "other_relative"


def test_the_head_cannot_simply_leave(family: dict[str, Any], worker: Any) -> None:
    with pytest.raises(HeadRequired):
        services.member_leave(
            actor=worker,
            household=family["household"],
            expected_version=1,
            person=family["father"],
            effective=TODAY,
            reason="x",
        )


def test_one_open_membership_per_person_is_a_database_rule(family: dict[str, Any]) -> None:
    other = HouseholdFactory(region_code="06")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            household=other, person=family["son"], relationship="child", start=TODAY
        )


def test_move_checks_the_destination_scope_and_records_before_after(
    family: dict[str, Any], worker: Any
) -> None:
    household = family["household"]
    with pytest.raises(NotFound):  # the Oriental is outside a Casablanca worker's scope
        services.household_move(
            actor=worker,
            household=household,
            expected_version=1,
            commune=commune_in("02"),
            address="x",
            effective=TODAY,
            reason="x",
        )
    destination = commune_in("06", 7)
    services.household_move(
        actor=worker,
        household=fresh(household),
        expected_version=1,
        commune=destination,
        address="Rue 5",
        effective=TODAY,
        reason="rent",
    )
    moved = fresh(household)
    assert (moved.commune_id, moved.address) == (destination.code, "Rue 5")
    event = HouseholdEvent.objects.get(kind=EventKind.MOVED)
    assert event.before["commune"] == household.commune_id
    assert event.after["commune"] == destination.code


def test_socio_economic_update_validates_every_field(family: dict[str, Any], worker: Any) -> None:
    household = family["household"]
    with pytest.raises(InvalidDeclaration) as raised:
        services.socio_economic_update(
            actor=worker,
            household=household,
            expected_version=1,
            effective=TODAY,
            reason="x",
            changes={"rooms": -1, "housing_type": "palace", "spend_water": -5, "rsu_id": "1"},
        )
    assert set(raised.value.details["fields"]) == {"rooms", "housing_type", "spend_water", "rsu_id"}
    services.socio_economic_update(
        actor=worker,
        household=household,
        expected_version=1,
        effective=TODAY,
        reason="visit",
        changes={"rooms": 4, "has_fridge": True, "spend_electricity": 210},
    )
    updated = fresh(household)
    assert (updated.rooms, updated.has_fridge, str(updated.spend_electricity)) == (
        4,
        True,
        "210.00",
    )
    event = HouseholdEvent.objects.get(kind=EventKind.SOCIO_ECONOMIC_UPDATED)
    assert event.before == {"rooms": 3, "has_fridge": False, "spend_electricity": "150.00"}


def test_contact_update_refuses_a_foreign_number(family: dict[str, Any], worker: Any) -> None:
    with pytest.raises(InvalidDeclaration):
        services.contact_update(
            actor=worker,
            household=family["household"],
            expected_version=1,
            phone="+33612345678",
            reason="x",
        )


def test_register_a_household_with_a_new_head(worker: Any, regions: None) -> None:
    commune = commune_in("06", 3)
    attributes = {
        "housing_type": "shanty",
        "tenure": "tenant",
        "water_source": "public_tap",
        "electricity": "grid",
        "sanitation": "none",
        "rooms": 1,
        "spend_water": 0,
        "spend_electricity": 60,
        "spend_butane": 40,
        "spend_telephone": 30,
    }
    household = services.household_register(
        actor=worker,
        commune=commune,
        head=baby(birth_date=dt.date(1990, 1, 1)),
        attributes=attributes,
        address="Douar X",
        phone="0612345678",
        effective=TODAY,
        reason="first registration",
    )
    assert len(household.rsu_id) == 10
    assert household.region_id == "06"
    assert list(members(household, TODAY).values()) == ["head"]
    assert HouseholdEvent.objects.get(household=household).kind == EventKind.REGISTERED


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.AUDITOR, Role.PARTNER_STAFF])
def test_roles_without_the_right_cannot_declare(
    family: dict[str, Any], make_user: Callable[..., Any], role: Role
) -> None:
    user = make_user(role, national=True)
    with pytest.raises(AccessDenied):
        services.birth_declare(
            actor=user, household=family["household"], expected_version=1, child=baby(), reason="x"
        )
    assert fresh(family["household"]).version == 1
