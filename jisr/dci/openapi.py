"""The vendored DCI specification (`spec/social_api_v1.0.0.yaml`) and what is derived from it.

The published OpenAPI document of `/api/dci/` carries the spec's own request and response schemas
for each endpoint, with every `$ref` inlined (the spec's references point into its own `paths`,
which do not exist under Jisr's prefix).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).resolve().parent / "spec"
SPEC_FILE = SPEC_DIR / "social_api_v1.0.0.yaml"
EXAMPLES_DIR = SPEC_DIR / "examples"


@functools.cache
def document() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with SPEC_FILE.open(encoding="utf-8") as spec:
        loaded: dict[str, Any] = yaml.load(spec, Loader=loader)  # noqa: S506  (a safe loader)
    return loaded


def pointer(doc: dict[str, Any], ref: str, depth: int = 0) -> Any:
    """The node at a local JSON pointer (`#/components/schemas/Error`).

    Some of the spec's pointers run through a `$ref` (`.../oneOf/0/properties/...` where `oneOf/0`
    is a reference): the reference is followed on the way.
    """
    node: Any = doc
    for token in ref.removeprefix("#/").split("/"):
        key = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key not in node and "$ref" in node and depth < 20:
            node = pointer(doc, node["$ref"], depth + 1)
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def inline(node: Any, doc: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """`node` with each local `$ref` replaced by a copy of its target (a cycle becomes `{}`)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in seen:
                return {}
            return inline(copy.deepcopy(pointer(doc, ref)), doc, (*seen, ref))
        return {key: inline(value, doc, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(item, doc, seen) for item in node]
    return node


@functools.cache
def operation(path: str) -> dict[str, Any]:
    """The spec's request body and responses for `POST path`, references inlined."""
    doc = document()
    spec_operation = doc["paths"][path]["post"]
    return {
        "requestBody": inline(spec_operation["requestBody"], doc),
        "responses": inline(spec_operation["responses"], doc),
        "description": spec_operation.get("description", ""),
    }


def document_paths(schema: dict[str, Any], *, prefix: str, paths: tuple[str, ...]) -> None:
    """Put the spec's bodies into the generated OpenAPI `schema` for each served DCI path."""
    for path in paths:
        served = schema.get("paths", {}).get(prefix.rstrip("/") + path, {}).get("post")
        if served is None:
            continue
        spec_operation = operation(path)
        served["requestBody"] = spec_operation["requestBody"]
        served["responses"] = {**served.get("responses", {}), **spec_operation["responses"]}
        served["description"] = (
            f"{served.get('description', '')}\n\nDCI: {spec_operation['description']}".strip()
        )
