"""Households, persons, members and history; every write goes through `jisr.registry.services`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from jisr.accounts.api import api_user
from jisr.core.errors import NotFound
from jisr.geo.models import Commune
from jisr.registry import selectors, services
from jisr.registry.api.schemas import (
    BirthIn,
    ContactIn,
    EventOut,
    HouseholdOut,
    HouseholdSummary,
    JoinIn,
    LeaveIn,
    MemberOut,
    MoveIn,
    NewPersonIn,
    PersonOut,
    RegisterIn,
    SocioEconomicIn,
)
from jisr.registry.models import Household, Person
from jisr.registry.services.declarations import SOCIO_ECONOMIC_FLAGS, SPENDING_FIELDS

router = Router(tags=["registry"])
ASSETS = tuple(flag for flag in SOCIO_ECONOMIC_FLAGS if flag.startswith("has_"))


def _household(request: HttpRequest, rsu_id: str) -> Household:
    return selectors.household_get(user=api_user(request), rsu_id=rsu_id).household


def _person(request: HttpRequest, rnp_id: str) -> Person:
    return selectors.person_get(user=api_user(request), rnp_id=rnp_id)[0]


def _commune(code: str) -> Commune:
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        raise NotFound(commune=code)
    return commune


def _new_person(data: NewPersonIn) -> services.PersonInput:
    return services.PersonInput(**data.model_dump())


def household_out(detail: selectors.HouseholdDetail) -> HouseholdOut:
    h = detail.household
    return HouseholdOut(
        **HouseholdSummary.of(h).model_dump(),
        address=h.address,
        phone=h.phone,
        housing_type=h.housing_type,
        rooms=h.rooms,
        tenure=h.tenure,
        water_source=h.water_source,
        electricity=h.electricity,
        sanitation=h.sanitation,
        assets={name: getattr(h, name) for name in ASSETS},
        mobile_phones=h.mobile_phones,
        spending={name: getattr(h, name) for name in SPENDING_FIELDS},
        formal_family_allowances=h.formal_family_allowances,
        index_value=h.index_value,
        index_computed_at=h.index_computed_at,
        index_model=h.index_model,
        members=[MemberOut.of_membership(m) for m in detail.members],
    )


@router.get("/households/", response=list[HouseholdSummary])
def household_list(
    request: HttpRequest,
    q: str = "",
    region: str = "",
    commune: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[HouseholdSummary]:
    """Search households in your scope: RSU id, RNP id, CNIE, phone, a member's name, a place.

    By name, the best matches first, among at most 200 matching persons (a name with no word of
    three letters or more is a 422 `name_too_short`); otherwise in RSU id order.
    """
    limit = max(1, min(limit, 500))
    rows = selectors.household_list(
        user=api_user(request), query=q, region=region, commune=commune
    )[offset : offset + limit]
    return [HouseholdSummary.of(h) for h in rows]


@router.get("/households/{rsu_id}", response=HouseholdOut)
def household_get(request: HttpRequest, rsu_id: str) -> HouseholdOut:
    return household_out(selectors.household_get(user=api_user(request), rsu_id=rsu_id))


@router.get("/households/{rsu_id}/history", response=list[EventOut])
def household_history(request: HttpRequest, rsu_id: str) -> list[EventOut]:
    detail = selectors.household_get(user=api_user(request), rsu_id=rsu_id)
    return [EventOut.of(event) for event in detail.events]


@router.post("/households/", response={201: HouseholdSummary})
def household_register(request: HttpRequest, body: RegisterIn) -> Status[HouseholdSummary]:
    head = (
        _person(request, body.head_rnp_id)
        if body.head_rnp_id
        else (_new_person(body.head) if body.head else None)
    )
    if head is None:
        raise NotFound(head=None)
    household = services.household_register(
        actor=api_user(request),
        commune=_commune(body.commune_code),
        head=head,
        attributes=body.attributes,
        address=body.address,
        phone=body.phone,
        effective=body.effective,
        reason=body.reason,
    )
    return Status(201, HouseholdSummary.of(household))


@router.post("/households/{rsu_id}/births", response={201: PersonOut})
def birth_declare(request: HttpRequest, rsu_id: str, body: BirthIn) -> Status[PersonOut]:
    person = services.birth_declare(
        actor=api_user(request),
        household=_household(request, rsu_id),
        expected_version=body.expected_version,
        child=_new_person(body.child),
        relationship=body.relationship,
        reason=body.reason,
    )
    return Status(201, PersonOut.of(person))


@router.post("/households/{rsu_id}/members", response={201: HouseholdSummary})
def member_join(request: HttpRequest, rsu_id: str, body: JoinIn) -> Status[HouseholdSummary]:
    household = _household(request, rsu_id)
    membership = services.member_join(
        actor=api_user(request),
        household=household,
        expected_version=body.expected_version,
        relationship=body.relationship,
        effective=body.effective,
        reason=body.reason,
        person=_person(request, body.rnp_id) if body.rnp_id else None,
        new_person=_new_person(body.new_person) if body.new_person else None,
    )
    return Status(201, HouseholdSummary.of(membership.household))


@router.post("/households/{rsu_id}/members/{rnp_id}/leave", response=HouseholdSummary)
def member_leave(request: HttpRequest, rsu_id: str, rnp_id: str, body: LeaveIn) -> HouseholdSummary:
    membership = services.member_leave(
        actor=api_user(request),
        household=_household(request, rsu_id),
        expected_version=body.expected_version,
        person=_person(request, rnp_id),
        effective=body.effective,
        reason=body.reason,
    )
    return HouseholdSummary.of(Household.objects.get(pk=membership.household_id))


@router.post("/households/{rsu_id}/move", response=HouseholdSummary)
def household_move(request: HttpRequest, rsu_id: str, body: MoveIn) -> HouseholdSummary:
    household = services.household_move(
        actor=api_user(request),
        household=_household(request, rsu_id),
        expected_version=body.expected_version,
        commune=_commune(body.commune_code),
        address=body.address,
        effective=body.effective,
        reason=body.reason,
    )
    return HouseholdSummary.of(household)


@router.patch("/households/{rsu_id}/socio-economic", response=HouseholdSummary)
def socio_economic_update(
    request: HttpRequest, rsu_id: str, body: SocioEconomicIn
) -> HouseholdSummary:
    household = services.socio_economic_update(
        actor=api_user(request),
        household=_household(request, rsu_id),
        expected_version=body.expected_version,
        changes=body.changes,
        effective=body.effective,
        reason=body.reason,
    )
    return HouseholdSummary.of(household)


@router.patch("/households/{rsu_id}/contact", response=HouseholdSummary)
def contact_update(request: HttpRequest, rsu_id: str, body: ContactIn) -> HouseholdSummary:
    household = services.contact_update(
        actor=api_user(request),
        household=_household(request, rsu_id),
        expected_version=body.expected_version,
        phone=body.phone,
        reason=body.reason,
    )
    return HouseholdSummary.of(household)


@router.get("/persons/", response=list[PersonOut])
def person_list(request: HttpRequest, q: str, limit: int = 50, offset: int = 0) -> list[PersonOut]:
    """Find persons in your scope by RNP id, CNIE or name (Arabic or Latin, variant-insensitive).

    By name, the best matches first, at most 200 (a name with no word of three letters or more is
    a 422 `name_too_short`); by identifier, in name order.
    """
    limit = max(1, min(limit, 500))
    persons = list(selectors.person_list(user=api_user(request), query=q)[offset : offset + limit])
    from jisr.core import audit

    audit.read_many(actor=api_user(request), action="registry.person_listed", targets=persons)
    return [PersonOut.of(person) for person in persons]


@router.get("/persons/{rnp_id}", response=PersonOut)
def person_get(request: HttpRequest, rnp_id: str) -> PersonOut:
    return PersonOut.of(_person(request, rnp_id))
