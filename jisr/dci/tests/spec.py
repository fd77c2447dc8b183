"""Validation of Jisr's DCI answers against the vendored spec's JSON schemas (`$ref`s resolved)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from jisr.dci import openapi

URI = "urn:dci:social-api:1.0.0"


def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(
        openapi.document(), default_specification=DRAFT7
    )
    registry: Registry[Any] = Registry().with_resource(URI, resource)
    return registry


REGISTRY = _registry()


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def response_pointer(path: str, status: int) -> str:
    """The JSON pointer of the response schema the spec gives `POST path` for `status`."""
    responses = openapi.document()["paths"][path]["post"]["responses"]
    key = str(status) if str(status) in responses else "default"
    response = responses[key]
    base = (
        response["$ref"] if "$ref" in response else f"#/paths/{_escape(path)}/post/responses/{key}"
    )
    return f"{base}/content/application~1json/schema"


def schema_errors(instance: Any, pointer: str) -> list[str]:
    validator = Draft7Validator({"$ref": f"{URI}{pointer}"}, registry=REGISTRY)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def assert_valid_response(path: str, status: int, body: Any) -> None:
    errors = schema_errors(body, response_pointer(path, status))
    assert not errors, errors


def assert_valid_callback(path: str, body: Any) -> None:
    """A callback we send (`/registry/on-search`, `/registry/txn/on-status`): its request schema."""
    pointer = f"#/paths/{_escape(path)}/post/requestBody/content/application~1json/schema"
    errors = schema_errors(body, pointer)
    assert not errors, errors
