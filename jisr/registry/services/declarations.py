"""Declarations that any permitted worker records directly (each one a history entry).

Membership periods are half-open: a member who leaves on day E has `end = E`, and may join another
household from E. Sensitive changes (new head, death, merge) are change requests: see
`jisr.registry.services.change_requests`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import CHANGE_HOUSEHOLD
from jisr.core import access
from jisr.core.identifiers import is_valid_phone, luhn_check_digit, normalise_phone
from jisr.geo.models import Commune
from jisr.registry import choices as c
from jisr.registry.errors import AlreadyMember, HeadRequired, InvalidDeclaration, NotAMember
from jisr.registry.models import EventKind, Household, Membership, Person
from jisr.registry.services._common import (
    PersonInput,
    event_record,
    household_lock,
    person_create,
)

# The socio-economic attributes a declaration may update (what the index uses), and their checks.
SOCIO_ECONOMIC_FIELDS = {
    "housing_type": c.HousingType.values,
    "tenure": c.Tenure.values,
    "water_source": c.WaterSource.values,
    "electricity": c.Electricity.values,
    "sanitation": c.Sanitation.values,
}
SOCIO_ECONOMIC_COUNTS = {"rooms": 100, "mobile_phones": 50}
SOCIO_ECONOMIC_FLAGS = (
    "has_fridge",
    "has_tv",
    "has_satellite",
    "has_washing_machine",
    "has_computer",
    "has_internet",
    "has_car",
    "has_motorbike",
    "formal_family_allowances",
)
SPENDING_FIELDS = ("spend_water", "spend_electricity", "spend_butane", "spend_telephone")


def memberships_on(day: dt.date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))


def current_membership(household: Household, person: Person, day: dt.date) -> Membership:
    membership = (
        Membership.objects.filter(memberships_on(day), household=household, person=person)
        .select_for_update()
        .first()
    )
    if membership is None:
        raise NotAMember(person=person.rnp_id)
    return membership


def _join(
    *, household: Household, person: Person, relationship: str, effective: dt.date
) -> Membership:
    if relationship == c.Relationship.HEAD:
        raise HeadRequired()
    overlapping = Membership.objects.filter(person=person).filter(
        Q(end__isnull=True) | Q(end__gt=effective)
    )
    if overlapping.exists():
        raise AlreadyMember(person=person.rnp_id, on=effective)
    return Membership.objects.create(
        household=household, person=person, relationship=relationship, start=effective
    )


@transaction.atomic
def birth_declare(
    *,
    actor: object,
    household: Household,
    expected_version: int,
    child: PersonInput,
    relationship: str = c.Relationship.CHILD,
    reason: str,
) -> Person:
    """A child born into the household: a new person, a member from the birth date."""
    household = household_lock(actor=actor, household=household, expected_version=expected_version)
    person = person_create(child)
    _join(household=household, person=person, relationship=relationship, effective=child.birth_date)
    event_record(
        household=household,
        kind=EventKind.BIRTH,
        actor=actor,
        effective=child.birth_date,
        reason=reason,
        person=person,
        after={
            "person": person.rnp_id,
            "relationship": relationship,
            "birth_date": child.birth_date,
        },
    )
    return person


@transaction.atomic
def member_join(
    *,
    actor: object,
    household: Household,
    expected_version: int,
    relationship: str,
    effective: dt.date,
    reason: str,
    person: Person | None = None,
    new_person: PersonInput | None = None,
) -> Membership:
    """An existing person (who must have left any other household) or a new one joins."""
    household = household_lock(actor=actor, household=household, expected_version=expected_version)
    if (person is None) == (new_person is None):
        raise InvalidDeclaration(fields={"person": _("Give either an existing or a new person.")})
    member = person if person is not None else person_create(new_person)  # type: ignore[arg-type]
    if member.death_date is not None:
        raise InvalidDeclaration(fields={"person": _("This person is recorded as deceased.")})
    membership = _join(
        household=household, person=member, relationship=relationship, effective=effective
    )
    event_record(
        household=household,
        kind=EventKind.MEMBER_JOINED,
        actor=actor,
        effective=effective,
        reason=reason,
        person=member,
        after={"person": member.rnp_id, "relationship": relationship},
    )
    return membership


@transaction.atomic
def member_leave(
    *,
    actor: object,
    household: Household,
    expected_version: int,
    person: Person,
    effective: dt.date,
    reason: str,
) -> Membership:
    """A member leaves (not the head: a new head is named first, by a change request)."""
    household = household_lock(actor=actor, household=household, expected_version=expected_version)
    membership = current_membership(household, person, effective)
    if membership.relationship == c.Relationship.HEAD:
        raise HeadRequired()
    if effective < membership.start:
        raise InvalidDeclaration(fields={"effective": _("Before the person joined.")})
    membership.end = effective
    membership.save(update_fields=["end"])
    event_record(
        household=household,
        kind=EventKind.MEMBER_LEFT,
        actor=actor,
        effective=effective,
        reason=reason,
        person=person,
        before={"person": person.rnp_id, "relationship": membership.relationship},
    )
    return membership


@transaction.atomic
def household_move(
    *,
    actor: object,
    household: Household,
    expected_version: int,
    commune: Commune,
    address: str,
    effective: dt.date,
    reason: str,
) -> Household:
    """The household moves to another commune (the new place must be in the actor's scope too)."""
    household = household_lock(actor=actor, household=household, expected_version=expected_version)
    access.require(actor, CHANGE_HOUSEHOLD, _Place(commune))
    before = {
        "commune": household.commune_id,
        "region": household.region_id,
        "milieu": household.milieu,
        "address": household.address,
    }
    household.commune, household.region_id, household.milieu = (
        commune,
        commune.region_id,
        commune.milieu,
    )
    household.address = address.strip()
    household.save(update_fields=["commune", "region", "milieu", "address"])
    event_record(
        household=household,
        kind=EventKind.MOVED,
        actor=actor,
        effective=effective,
        reason=reason,
        before=before,
        after={
            "commune": commune.code,
            "region": commune.region_id,
            "milieu": commune.milieu,
            "address": household.address,
        },
    )
    return household


class _Place:
    def __init__(self, commune: Commune) -> None:
        self.scope_region, self.scope_commune = commune.region_id, commune.code


def socio_economic_errors(changes: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in changes.items():
        if name in SOCIO_ECONOMIC_FIELDS:
            if value not in SOCIO_ECONOMIC_FIELDS[name]:
                errors[name] = _("Not one of the allowed values.")
        elif name in SOCIO_ECONOMIC_COUNTS:
            if not isinstance(value, int) or not 0 <= value <= SOCIO_ECONOMIC_COUNTS[name]:
                errors[name] = _("A whole number between 0 and %d.") % SOCIO_ECONOMIC_COUNTS[name]
        elif name in SOCIO_ECONOMIC_FLAGS:
            if not isinstance(value, bool):
                errors[name] = _("Must be true or false.")
        elif name in SPENDING_FIELDS:
            if not isinstance(value, int | Decimal) or value < 0 or value > 1_000_000:
                errors[name] = _("An amount in MAD between 0 and 1,000,000.")
        else:
            errors[name] = _("This field cannot be changed by this declaration.")
    return errors


@transaction.atomic
def socio_economic_update(
    *,
    actor: object,
    household: Household,
    expected_version: int,
    changes: dict[str, Any],
    effective: dt.date,
    reason: str,
) -> Household:
    """Updated housing, assets, services or declared spending (what the index is computed from)."""
    errors = socio_economic_errors(changes)
    if errors or not changes:
        raise InvalidDeclaration(fields=errors or {"changes": _("Nothing to change.")})
    household = household_lock(actor=actor, household=household, expected_version=expected_version)
    before = {name: getattr(household, name) for name in changes}
    for name, value in changes.items():
        setattr(
            household,
            name,
            Decimal(value).quantize(Decimal("0.01")) if name in SPENDING_FIELDS else value,
        )
    household.save(update_fields=list(changes))
    event_record(
        household=household,
        kind=EventKind.SOCIO_ECONOMIC_UPDATED,
        actor=actor,
        effective=effective,
        reason=reason,
        before=before,
        after={name: getattr(household, name) for name in changes},
    )
    return household


@transaction.atomic
def contact_update(
    *,
    actor: object,
    household: Household,
    expected_version: int,
    phone: str,
    reason: str,
) -> Household:
    phone = normalise_phone(phone) if phone else ""
    if phone and not is_valid_phone(phone):
        raise InvalidDeclaration(
            fields={"phone": _("A Moroccan number in the form +212XXXXXXXXX.")}
        )
    household = household_lock(actor=actor, household=household, expected_version=expected_version)
    before = {"phone": household.phone}
    household.phone = phone
    household.save(update_fields=["phone"])
    event_record(
        household=household,
        kind=EventKind.CONTACT_UPDATED,
        actor=actor,
        effective=timezone.localdate(),
        reason=reason,
        before=before,
        after={"phone": phone},
        affects_eligibility=False,
    )
    return household


def new_rsu_id() -> str:
    """A fresh, unused RSU identifier (random payload, Luhn check digit)."""
    while True:
        payload = f"{secrets.randbelow(10**9):09d}"
        rsu_id = payload + str(luhn_check_digit(payload))
        if not Household.objects.filter(rsu_id=rsu_id).exists():
            return rsu_id


@transaction.atomic
def household_register(
    *,
    actor: object,
    commune: Commune,
    head: PersonInput | Person,
    attributes: dict[str, Any],
    address: str,
    phone: str = "",
    effective: dt.date,
    reason: str,
) -> Household:
    """Register a new household with its head (a new person, or one who left another household)."""
    access.require(actor, CHANGE_HOUSEHOLD, _Place(commune))
    errors = socio_economic_errors(attributes)
    missing = (set(SOCIO_ECONOMIC_FIELDS) | {"rooms"} | set(SPENDING_FIELDS)) - set(attributes)
    errors.update({name: _("Required.") for name in sorted(missing)})
    phone = normalise_phone(phone) if phone else ""
    if phone and not is_valid_phone(phone):
        errors["phone"] = _("A Moroccan number in the form +212XXXXXXXXX.")
    if errors:
        raise InvalidDeclaration(fields=errors)
    household = Household.objects.create(
        rsu_id=new_rsu_id(),
        commune=commune,
        region_id=commune.region_id,
        milieu=commune.milieu,
        address=address.strip(),
        phone=phone,
        **attributes,
    )
    person = head if isinstance(head, Person) else person_create(head)
    if (
        Membership.objects.filter(person=person)
        .filter(Q(end__isnull=True) | Q(end__gt=effective))
        .exists()
    ):
        raise AlreadyMember(person=person.rnp_id, on=effective)
    Membership.objects.create(
        household=household, person=person, relationship=c.Relationship.HEAD, start=effective
    )
    event_record(
        household=household,
        kind=EventKind.REGISTERED,
        actor=actor,
        effective=effective,
        reason=reason,
        person=person,
        after={"rsu_id": household.rsu_id, "head": person.rnp_id, "commune": commune.code},
    )
    return household
