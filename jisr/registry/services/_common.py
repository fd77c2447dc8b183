"""What every declaration shares: access, optimistic version check, history entries, validation."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import CHANGE_HOUSEHOLD
from jisr.core import access, audit
from jisr.core.errors import Conflict
from jisr.core.identifiers import CNIE_PATTERN, is_valid_rnp_id, normalise_cnie
from jisr.core.names import normalise_arabic, normalise_latin
from jisr.registry import choices as c
from jisr.registry.errors import HouseholdNotActive, InvalidDeclaration
from jisr.registry.models import EventKind, Household, HouseholdEvent, Person
from jisr.registry.signals import notify_household_changed

# Older than any living person: refuse birth dates before it as a typing error. # source: the
# oldest validated humans lived to ~122 years; 125 leaves margin.
MAX_AGE_YEARS = 125


@dataclass(frozen=True, kw_only=True)
class PersonInput:
    """A new person as declared (a birth, a new member)."""

    rnp_id: str
    first_name_ar: str
    last_name_ar: str
    first_name_lat: str
    last_name_lat: str
    sex: str
    birth_date: dt.date
    cnie: str | None = None
    nationality: str = "MA"
    disability: bool = False
    disability_severity: str = ""
    in_school: bool = False
    school_level: str = ""
    school_sector: str = ""
    social_security: str = c.SocialSecurity.NONE
    amo: str = c.AmoCover.NONE
    father_deceased: bool = False
    marital_status: str = ""


def person_input_errors(data: PersonInput, *, today: dt.date) -> dict[str, str]:
    """Field -> reason for every problem in a declared person (empty when valid)."""
    errors: dict[str, str] = {}
    if not is_valid_rnp_id(data.rnp_id):
        errors["rnp_id"] = _("An RNP identifier has 12 digits, the last a check digit.")
    if data.cnie and not CNIE_PATTERN.fullmatch(normalise_cnie(data.cnie)):
        errors["cnie"] = _("A CNIE is one or two capital letters followed by digits.")
    for name in ("first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat"):
        if not getattr(data, name).strip():
            errors[name] = _("A name is required.")
    if data.sex not in c.Sex.values:
        errors["sex"] = _("Sex must be M or F.")
    if data.birth_date > today:
        errors["birth_date"] = _("The birth date is in the future.")
    elif (today - data.birth_date).days > MAX_AGE_YEARS * 366:
        errors["birth_date"] = _("The birth date is implausibly old.")
    if data.disability_severity and not data.disability:
        errors["disability_severity"] = _("A severity is given without a disability.")
    if data.school_level and not data.in_school:
        errors["school_level"] = _("A school level is given for someone not in school.")
    return errors


def person_create(data: PersonInput) -> Person:
    errors = person_input_errors(data, today=timezone.localdate())
    if errors:
        raise InvalidDeclaration(fields=errors)
    values = asdict(data)
    values["cnie"] = normalise_cnie(data.cnie) if data.cnie else None
    person = Person(**values)
    name_keys_set(person)
    person.save()
    return person


def name_keys_set(person: Person) -> None:
    person.name_ar_key = normalise_arabic(f"{person.first_name_ar} {person.last_name_ar}")
    person.name_lat_key = normalise_latin(f"{person.first_name_lat} {person.last_name_lat}")


def household_lock(*, actor: object, household: Household, expected_version: int) -> Household:
    """Check the caller may change the household and that nobody changed it since they read it.

    The conditional UPDATE both bumps the version and row-locks the household until commit, so of
    two concurrent writers holding the same version exactly one succeeds; the other gets a Conflict.
    """
    access.require(actor, CHANGE_HOUSEHOLD, household)
    updated = Household.objects.filter(pk=household.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        current = (
            Household.objects.filter(pk=household.pk).values_list("version", flat=True).first()
        )
        raise Conflict(expected_version=expected_version, current_version=current)
    household.refresh_from_db()
    if household.status != c.HouseholdStatus.ACTIVE:
        raise HouseholdNotActive()
    return household


def event_record(
    *,
    household: Household,
    kind: EventKind,
    actor: object,
    effective: dt.date,
    reason: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    person: Person | None = None,
    affects_eligibility: bool = True,
    source: str = "",
    change_request_id: int | None = None,
) -> HouseholdEvent:
    """One history entry + one audit event; eligibility-relevant changes mark the household."""
    user_id = audit.actor_id(actor)
    event = HouseholdEvent.objects.create(
        household=household,
        kind=kind,
        effective=effective,
        actor_id=user_id,
        reason=reason,
        before=audit.jsonable(before) if before is not None else None,
        after=audit.jsonable(after) if after is not None else None,
        person=person,
        source=source,
        change_request_id=change_request_id,
    )
    audit.record(
        actor=actor,
        action=f"registry.{kind}",
        target=household,
        before=before,
        after=after,
        reason=reason,
    )
    if affects_eligibility:
        Household.objects.filter(pk=household.pk).update(needs_recompute=True)
        notify_household_changed([household.pk], reason=str(kind))
    return event
