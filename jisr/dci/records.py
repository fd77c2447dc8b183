"""Registry records as the DCI social vocabulary's objects (schema.spdci.org/extensions/social/v1):
`SRPerson`, `Member` and `Group`, with the code lists of the DCI common vocabulary.

Names are given twice, as the vocabulary's `name` list allows: the Latin spelling (BCP 47
`ar-Latn`) and the Arabic one (`ar`). Identifier types: `UIN` (the RNP identifier), `CNIE` (the
national identity card) and `RSU` (the household's social registry identifier). Fields Jisr does
not hold (employment, income, education level codes) are left out rather than sent empty.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jisr.registry.models import Household, Membership, Person

CONTEXT = {
    "@vocab": "https://schema.spdci.org/extensions/social/v1/",
    "common": "https://schema.spdci.org/common/v1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
SEX = {"M": "male", "F": "female"}
MARITAL_STATUS = {"single": "S", "married": "M", "widowed": "W", "divorced": "D"}
# RelationshipTypeEnum of the social vocabulary (HL7 v3 role codes); "other" (no kinship) has no
# code there and is sent as OTHER.
RELATIONSHIP = {
    "head": "SELF",
    "spouse": "SPS",
    "child": "CHILD",
    "grandchild": "GRNDCHILD",
    "parent": "PRN",
    "other_relative": "EXT",
    "other": "OTHER",
}
# HouseholdStatusEnum: 1 head of household, 4 not head (child), 5 unknown.
HOUSEHOLD_STATUS = {"head": "1", "child": "4"}
YES_NO = {True: "1", False: "2"}  # IsDisabledEnum / IsDeceasedEnum


def _identifier(kind: str, value: str) -> dict[str, str]:
    return {"@type": "Identifier", "identifier_type": kind, "identifier_value": value}


def identifiers(person: Person) -> list[dict[str, str]]:
    found = [_identifier("UIN", person.rnp_id)]
    if person.cnie:
        found.append(_identifier("CNIE", person.cnie))
    return found


def names(person: Person) -> list[dict[str, str]]:
    return [
        {
            "@type": "Name",
            "given_name": person.first_name_lat,
            "surname": person.last_name_lat,
            "language": "ar-Latn",
        },
        {
            "@type": "Name",
            "given_name": person.first_name_ar,
            "surname": person.last_name_ar,
            "language": "ar",
        },
    ]


def address(household: Household) -> dict[str, Any]:
    commune = household.commune
    place: dict[str, Any] = {
        "@type": "Address",
        "locality": commune.name_fr,
        "locality_code": commune.code,
        "sub_region_code": commune.province_id,
        "region_code": household.region_id,
        "country_code": "MA",
    }
    if household.address:
        place["address_line1"] = household.address
    return place


def _score(value: Decimal | None) -> float | None:
    # The index is a ranking score, not money: a JSON number at the edge, as the vocabulary has it.
    return float(value) if value is not None else None


def person(membership: Membership, *, context: bool = True) -> dict[str, Any]:
    """The person of `membership` as an `SRPerson`, located by that (current) household."""
    who, household = membership.person, membership.household
    record: dict[str, Any] = {
        "@type": "SRPerson",
        "@id": f"urn:jisr:person:{who.rnp_id}",
        "identifier": identifiers(who),
        "name": names(who),
        "sex": SEX.get(who.sex, "unknown"),
        "birth_date": who.birth_date.isoformat(),
        "is_disabled": YES_NO[who.disability],
        "is_deceased": YES_NO[who.death_date is not None],
        "nationality": [who.nationality],
        "address": [address(household)],
        "household_identifier": household.rsu_id,
        "household_status": HOUSEHOLD_STATUS.get(membership.relationship, "5"),
        "poverty_score": _score(household.index_value),
        "registration_date": who.created_at.isoformat(),
        "last_updated": who.updated_at.isoformat(),
    }
    if who.marital_status:
        record["marital_status"] = MARITAL_STATUS[who.marital_status]
    if who.death_date is not None:
        record["death_date"] = who.death_date.isoformat()
    return {"@context": CONTEXT, **record} if context else record


def member(membership: Membership, *, context: bool = False) -> dict[str, Any]:
    """`membership` as a `Member` of its group, with the person as its `demographic_info`."""
    who = membership.person
    record: dict[str, Any] = {
        "@type": "Member",
        "@id": f"urn:jisr:member:{membership.household.rsu_id}:{who.rnp_id}",
        "member_identifier": identifiers(who),
        "demographic_info": person(membership, context=False),
        "relationship_head": RELATIONSHIP.get(membership.relationship, "OTHER"),
        "is_disabled": who.disability,
        "registration_date": membership.start.isoformat(),
        "group_identifier": membership.household.rsu_id,
    }
    if who.marital_status:
        record["marital_status"] = MARITAL_STATUS[who.marital_status]
    return {"@context": CONTEXT, **record} if context else record


def group(household: Household, members: list[Membership]) -> dict[str, Any]:
    """`household` as a `Group`; `members` are its current members (empty if not disclosed)."""
    record: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Group",
        "@id": f"urn:jisr:household:{household.rsu_id}",
        "group_identifier": [_identifier("RSU", household.rsu_id)],
        "group_type": "household",
        "address": address(household),
        "poverty_score": _score(household.index_value),
        "poverty_score_type": "proxy-means-test",
        "group_size": getattr(household, "member_count", len(members)),
        "member_list": [member(m) for m in members],
        "registration_date": household.created_at.isoformat(),
        "last_updated": household.updated_at.isoformat(),
        "additional_attributes": [
            {"name": "milieu", "value": household.milieu},
            {"name": "status", "value": household.status},
        ],
    }
    head = next((m for m in members if m.relationship == "head"), None)
    if head is not None:
        record["group_head_info"] = member(head)
    return record
