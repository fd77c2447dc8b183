"""Validation against Open Referral's HSDS 3.0 JSON schemas (package data in `schemas/`).

The schemas refer to each other by file name (`"$ref": "phone.json"`); a `referencing.Registry`
holds every file under its name, so a validator built on `{"$ref": "service.json"}` resolves the
whole tree. Formats are checked (uuid, email, uri, date-time): a `id` that is not a UUID is an
error, as HSDS requires.

Errors are reported as `Problem`s naming the HSDS object (its kind and `id`) and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_PACKAGE = "jisr.partners.hsds"
# An organisation with its services, as HSDS's API returns it (`GET /organizations/{id}` with
# `full_service`): the compiled organization.json, built here from the per-object files.
ORGANIZATION_WITH_SERVICES = {
    "allOf": [{"$ref": "organization.json"}],
    "properties": {"services": {"type": "array", "items": {"$ref": "service.json"}}},
}
# The HSDS object a key of a parent object holds.
KEY_OBJECT = {
    "services": "service",
    "service": "service",
    "organization": "organization",
    "locations": "location",
    "location": "location",
    "service_at_locations": "service_at_location",
    "schedules": "schedule",
    "service_areas": "service_area",
    "languages": "language",
    "phones": "phone",
    "contacts": "contact",
    "addresses": "address",
    "attributes": "attribute",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
    "funding": "funding",
    "cost_options": "cost_option",
    "programs": "program",
    "program": "program",
    "organization_identifiers": "organization_identifier",
    "required_documents": "required_document",
    "accessibility": "accessibility",
    "metadata": "metadata",
}
REQUIRED_NAME = re.compile(r"^'(?P<name>[^']+)' is a required property")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in an HSDS document: which object (kind and id), which field, why."""

    where: str  # e.g. "organizations.json[0].services[2].status"
    object: str  # the HSDS object: organization, service, schedule…
    id: str  # its HSDS id ("" when it has none)
    field: str
    message: str

    def __str__(self) -> str:
        named = f"{self.object} {self.id}".strip()
        return f"{self.where}: {named}: {self.field or '-'}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {
            "where": self.where,
            "object": self.object,
            "id": self.id,
            "field": self.field,
            "message": self.message,
        }


def schema_files() -> dict[str, Any]:
    """Every packaged HSDS schema, by file name."""
    folder = resources.files(SCHEMA_PACKAGE).joinpath("schemas")
    return {
        entry.name: json.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


@cache
def registry() -> Registry[Any]:
    resources_ = [
        (name, Resource.from_contents(contents, default_specification=DRAFT202012))
        for name, contents in schema_files().items()
    ]
    return Registry().with_resources(resources_)


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and " " not in value


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value.upper() and moment.tzinfo is not None


def format_checker() -> FormatChecker:
    """jsonschema's checkers (uuid, email…) plus uri and date-time, which otherwise need extra
    packages and would silently pass anything."""
    checker = FormatChecker()
    checker.checks("uri")(_is_uri)
    checker.checks("date-time")(_is_datetime)
    return checker


@cache
def validator(root: str) -> Draft202012Validator:
    """A validator for an HSDS object: "organization", "service", "organization_with_services"…"""
    schema: dict[str, Any] = (
        ORGANIZATION_WITH_SERVICES
        if root == "organization_with_services"
        else {"$ref": f"{root}.json"}
    )
    return Draft202012Validator(schema, registry=registry(), format_checker=format_checker())


def _located(root_object: str, instance: Any, path: Sequence[Any]) -> tuple[str, str, str, str]:
    """(where, object, id, field) of a path inside `instance`: the innermost object on the path."""
    kind = root_object
    ident = str(instance.get("id", "")) if isinstance(instance, dict) else ""
    field, where, node, key = "", "", instance, ""
    for step in path:
        where += f"[{step}]" if isinstance(step, int) else f".{step}"
        node = node[step] if isinstance(node, (dict, list)) else None
        if isinstance(step, str):
            key, field = step, step
        if isinstance(node, dict) and key in KEY_OBJECT:
            # Entering a nested object (`services[2]`, `location`): it is now the one named.
            kind, ident, field = KEY_OBJECT[key], str(node.get("id", "")), ""
    return where, kind, ident, field


def _problem(error: ValidationError, root_object: str, instance: Any, prefix: str) -> Problem:
    path = list(error.absolute_path)
    where, kind, ident, field = _located(root_object, instance, path)
    if error.validator == "required":
        match = REQUIRED_NAME.match(error.message)
        field = match["name"] if match else field
        where += f".{field}"
    return Problem(prefix + where, kind, ident, field, error.message)


def validate(
    instance: Any, *, root: str, object_name: str | None = None, prefix: str = ""
) -> list[Problem]:
    """Every schema error of `instance` (an HSDS `root` object), in document order."""
    errors = sorted(
        validator(root).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]
    )
    name = object_name or ("organization" if root.startswith("organization") else root)
    return [_problem(error, name, instance, prefix) for error in errors]


def validate_organizations(documents: Iterable[Any], *, prefix: str = "") -> list[Problem]:
    """Validate a list of organisations with their services (Jisr's export, an import)."""
    problems: list[Problem] = []
    for position, document in enumerate(documents):
        problems += validate(
            document, root="organization_with_services", prefix=f"{prefix}[{position}]"
        )
    return problems
