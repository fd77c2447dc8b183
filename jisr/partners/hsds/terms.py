"""Jisr's fields that HSDS has no field for, carried as HSDS `attributes`.

HSDS's extension point is the attribute: a link from any object to a taxonomy term, with a value.
Jisr publishes one small taxonomy ("jisr") whose terms name its fields (`organization_kind`,
`region`, `commune`, `sex`, `requires_disability`, `places`…); each attribute carries the field's
value as text. Every id here is a UUID derived from stable names (uuid5), so an export is the same
from one run to the next and an import recognises its own terms.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from jisr.partners.hsds.schema import Problem

NAMESPACE = uuid.UUID("5b0c6d0e-57d3-4c1e-9a43-6a3f1f0b7a21")
TAXONOMY_NAME = "jisr"
TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy")
# code → (entities it applies to, description)
TERMS: dict[str, tuple[tuple[str, ...], str]] = {
    "organization_kind": (
        ("organization",),
        "Kind of organisation: association, eps (social protection establishment, law 65.15), "
        "public_service, cooperative, foundation, other.",
    ),
    "region": (
        ("organization", "service_area"),
        "Region code of Morocco's territorial division (two digits, e.g. 06).",
    ),
    "commune": (
        ("location", "service_area"),
        "Commune code of Morocco's territorial division (RR.PP.CCC, e.g. 06.03.017).",
    ),
    "sex": (("service",), "Whom the service is for: F (women and girls) or M (men and boys)."),
    "requires_disability": (("service",), "true: only for people with a disability."),
    "requires_rsu": (("service",), "true: only for people registered in the RSU."),
    "requires_asd": (("service",), "true: only for households receiving ASD."),
    "places": (("service",), "Number of places (a whole number)."),
    "places_taken": (("service",), "Places currently taken (a whole number)."),
}


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"term:{code}")


TERM_CODES = {str(term_id(code)): code for code in TERMS}


def taxonomy_term(code: str) -> dict[str, Any]:
    return {
        "id": str(term_id(code)),
        "code": code,
        "name": code,
        "description": TERMS[code][1],
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": str(TAXONOMY_ID),
    }


def attributes(entity: str, link_id: uuid.UUID, values: Mapping[str, str | None]) -> list[Any]:
    """The attributes of one object: one per Jisr field with a value (None: left out)."""
    return [
        {
            "id": str(uuid.uuid5(NAMESPACE, f"{link_id}:{code}")),
            "link_id": str(link_id),
            "link_type": TAXONOMY_NAME,
            "link_entity": entity,
            "taxonomy_term_id": str(term_id(code)),
            "value": value,
            "taxonomy_term": taxonomy_term(code),
        }
        for code, value in values.items()
        if value is not None
    ]


def _code(attribute: Mapping[str, Any]) -> str | None:
    """The Jisr field an attribute carries (by its term id, else its term's code in the Jisr
    taxonomy); None for attributes of other taxonomies."""
    code = TERM_CODES.get(str(attribute.get("taxonomy_term_id", "")))
    if code:
        return code
    term = attribute.get("taxonomy_term")
    if isinstance(term, Mapping) and term.get("taxonomy") == TAXONOMY_NAME:
        named = term.get("code")
        return str(named) if named in TERMS else None
    return None


def attribute_values(
    entity: str, owner: Mapping[str, Any], where: str, problems: list[Problem]
) -> dict[str, str]:
    """The Jisr fields of an HSDS object, by code (problems: a term used on the wrong object or
    twice)."""
    values: dict[str, str] = {}
    found: Iterable[Any] = owner.get("attributes") or []
    ident = str(owner.get("id", ""))
    for position, attribute in enumerate(found):
        code = _code(attribute) if isinstance(attribute, Mapping) else None
        if code is None:
            continue
        here = f"{where}.attributes[{position}]"
        if entity not in TERMS[code][0]:
            message = f"the Jisr term {code!r} does not apply to a {entity}"
            problems.append(Problem(here, entity, ident, code, message))
        elif code in values:
            problems.append(Problem(here, entity, ident, code, f"{code!r} is given twice"))
        else:
            values[code] = str(attribute.get("value") or "")
    return values
