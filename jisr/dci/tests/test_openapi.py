"""The DCI API publishes its OpenAPI document with the spec's request and response schemas."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_document_describes_the_dci_endpoints() -> None:
    response = Client().get("/api/dci/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    for path in ("search", "sync/search", "txn/status", "sync/txn/status"):
        operation = paths[f"/api/dci/registry/{path}"]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(schema["required"]) == {"header", "message"}
        assert "default" in operation["responses"]
        assert "$ref" not in str(schema)
    ack = paths["/api/dci/registry/search"]["post"]["responses"]["default"]
    assert "ack_status" in str(ack)
