"""Request and response bodies of the registry API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from jisr.registry.models import ChangeRequest, Household, HouseholdEvent, Membership, Person


class PersonOut(Schema):
    rnp_id: str
    cnie: str | None
    first_name_ar: str
    last_name_ar: str
    first_name_lat: str
    last_name_lat: str
    sex: str
    birth_date: dt.date
    death_date: dt.date | None
    nationality: str
    disability: bool
    disability_severity: str
    in_school: bool
    school_level: str
    school_sector: str
    social_security: str
    amo: str
    father_deceased: bool

    @staticmethod
    def of(person: Person) -> PersonOut:
        return PersonOut.model_validate(person, from_attributes=True)


class MemberOut(PersonOut):
    relationship: str
    member_since: dt.date

    @staticmethod
    def of_membership(membership: Membership) -> MemberOut:
        data = PersonOut.of(membership.person).model_dump()
        return MemberOut(
            **data, relationship=membership.relationship, member_since=membership.start
        )


class HouseholdSummary(Schema):
    rsu_id: str
    region_code: str
    commune_code: str
    milieu: str
    status: str
    version: int

    @staticmethod
    def of(household: Household) -> HouseholdSummary:
        return HouseholdSummary(
            rsu_id=household.rsu_id,
            region_code=household.region_id,
            commune_code=household.commune_id,
            milieu=household.milieu,
            status=household.status,
            version=household.version,
        )


class HouseholdOut(HouseholdSummary):
    address: str
    phone: str
    housing_type: str
    rooms: int
    tenure: str
    water_source: str
    electricity: str
    sanitation: str
    assets: dict[str, bool]
    mobile_phones: int
    spending: dict[str, Decimal]
    formal_family_allowances: bool
    index_value: Decimal | None
    index_computed_at: dt.datetime | None
    index_model: str
    members: list[MemberOut]


class EventOut(Schema):
    kind: str
    effective: dt.date
    recorded_at: dt.datetime
    actor: str | None
    reason: str
    before: Any
    after: Any
    person: str | None
    change_request: int | None

    @staticmethod
    def of(event: HouseholdEvent) -> EventOut:
        return EventOut(
            kind=event.kind,
            effective=event.effective,
            recorded_at=event.recorded_at,
            actor=event.actor.get_username() if event.actor else None,
            reason=event.reason,
            before=event.before,
            after=event.after,
            person=event.person.rnp_id if event.person else None,
            change_request=event.change_request_id,
        )


class ChangeRequestOut(Schema):
    id: int
    kind: str
    household: str
    payload: dict[str, Any]
    effective: dt.date
    reason: str
    status: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decision_note: str

    @staticmethod
    def of(request: ChangeRequest) -> ChangeRequestOut:
        return ChangeRequestOut(
            id=request.pk,
            kind=request.kind,
            household=request.household.rsu_id,
            payload=request.payload,
            effective=request.effective,
            reason=request.reason,
            status=request.status,
            requested_by=request.requested_by.get_username(),
            requested_at=request.requested_at,
            decided_by=request.decided_by.get_username() if request.decided_by else None,
            decision_note=request.decision_note,
        )


class NewPersonIn(Schema):
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
    social_security: str = "none"
    amo: str = "none"
    father_deceased: bool = False
    marital_status: str = ""


class VersionedIn(Schema):
    expected_version: int
    reason: str


class BirthIn(VersionedIn):
    child: NewPersonIn
    relationship: str = "child"


class JoinIn(VersionedIn):
    relationship: str
    effective: dt.date
    rnp_id: str | None = None
    new_person: NewPersonIn | None = None


class LeaveIn(VersionedIn):
    effective: dt.date


class MoveIn(VersionedIn):
    commune_code: str
    address: str
    effective: dt.date


class SocioEconomicIn(VersionedIn):
    effective: dt.date
    changes: dict[str, Any]


class ContactIn(VersionedIn):
    phone: str


class RegisterIn(Schema):
    commune_code: str
    address: str
    phone: str = ""
    effective: dt.date
    reason: str
    head: NewPersonIn | None = None
    head_rnp_id: str | None = None
    attributes: dict[str, Any]


class HeadChangeIn(Schema):
    new_head_rnp_id: str
    former_head_relationship: str
    effective: dt.date
    reason: str


class DeathIn(Schema):
    rnp_id: str
    death_date: dt.date
    reason: str
    new_head_rnp_id: str | None = None


class MergeIn(Schema):
    keep_rnp_id: str
    duplicate_rnp_id: str
    reason: str


class DecisionIn(Schema):
    note: str = ""
