"""Refused messages (authentication, sender, signature, malformed envelope): spec codes, no 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jisr.dci.models import DciTransaction
from jisr.dci.tests.conftest import Population
from jisr.dci.tests.factories import (
    Partner,
    ed25519_keypair,
    make_partner,
    search_item,
    search_message,
    sign,
)
from jisr.dci.tests.spec import assert_valid_response

pytestmark = pytest.mark.django_db
SYNC = "/registry/sync/search"
ENDPOINTS = [
    "/registry/sync/search",
    "/registry/search",
    "/registry/sync/txn/status",
    "/registry/txn/status",
]


def a_search() -> dict[str, Any]:
    return search_message(search_item("idtype-value", {"type": "UIN", "value": "000000000018"}))


def refused(response: Any, path: str, status: int, code: str) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert response.status_code == status, body
    assert body["errors"][0]["code"] == code, body
    assert body["header"]["status"] == "rjct"
    assert_valid_response(path, status, body)
    if path in ("/registry/search", "/registry/txn/status"):
        assert body["message"]["ack_status"] == "ERR"
        assert body["message"]["error"]["code"] == code
    return body


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("authorization", [None, "Bearer jisr_nope_nope", "Basic abc"])
def test_without_a_valid_token_the_request_is_unauthorized(
    partner: Partner, path: str, authorization: str | None
) -> None:
    client = Client(HTTP_AUTHORIZATION=authorization) if authorization else Client()
    action = "search" if "search" in path else "txn-status"
    body = partner.envelope(a_search(), action=action)
    response = client.post(f"/api/dci{path}", body, content_type="application/json")
    refused(response, path, 401, "err.request.unauthorized")


def test_a_sender_not_registered_is_refused(partner: Partner) -> None:
    body = partner.envelope(a_search(), sender_id="someone.else", sign_it=False)
    refused(partner.post(SYNC, body), SYNC, 403, "err.sender_id.invalid")


def test_a_token_cannot_speak_for_another_accounts_sender(
    partner: Partner, make_user: Callable[..., Any]
) -> None:
    other = make_partner(make_user, sender_id="amo.ma")
    body = partner.envelope(a_search(), sender_id=other.sender.sender_id, sign_it=False)
    body = sign(body, private_pem=other.private_pem, sender_id=other.sender.sender_id)
    refused(partner.post(SYNC, body), SYNC, 403, "err.sender_id.invalid")


def test_an_unsigned_message_is_refused(partner: Partner) -> None:
    body = partner.envelope(a_search(), sign_it=False)
    refused(partner.post(SYNC, body), SYNC, 403, "err.signature.missing")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda b: b["message"]["search_request"][0].update(reference_id="changed"),
        lambda b: b["header"].update(total_count=1, message_id="other"),
        lambda b: b.update(
            signature=b["signature"].replace('kidId="cnss.ma|k1', 'kidId="cnss.ma|k9')
        ),
        lambda b: b.update(signature=b["signature"].replace("ed25519", "rsa-sha256")),
        lambda b: b.update(signature="Signature: garbage"),
        lambda b: b.update(signature=json.load(open_example())["signature"]),
    ],
)
def test_a_bad_signature_is_refused(
    partner: Partner, tamper: Callable[[dict[str, Any]], Any]
) -> None:
    body = partner.envelope(a_search())
    tamper(body)
    refused(partner.post(SYNC, body), SYNC, 403, "err.signature.invalid")
    assert not DciTransaction.objects.exists()


def open_example() -> Any:
    from jisr.dci.openapi import EXAMPLES_DIR

    return (EXAMPLES_DIR / "processflow2req.json").open(encoding="utf-8")


def test_a_signature_by_another_key_is_refused(partner: Partner) -> None:
    stranger, _public = ed25519_keypair()
    body = partner.envelope(a_search(), sign_it=False)
    body = sign(body, private_pem=stranger, sender_id=partner.sender.sender_id)
    refused(partner.post(SYNC, body), SYNC, 403, "err.signature.invalid")


def test_an_expired_signature_is_refused(partner: Partner, settings: Any) -> None:
    body = partner.envelope(a_search())
    settings.JISR_DCI_SIGNATURE_MAX_AGE = 10
    created = body["signature"].split('created="')[1].split('"')[0]
    body = {
        **body,
        "signature": body["signature"].replace(f'expires="{int(created) + 300}"', 'expires="1000"'),
    }
    refused(partner.post(SYNC, body), SYNC, 403, "err.signature.invalid")


def test_a_sender_not_requiring_signatures_may_omit_them(
    make_user: Callable[..., Any], population: Population
) -> None:
    lenient = make_partner(make_user, sender_id="lab.ma", signature_required=False)
    response = lenient.post(SYNC, lenient.envelope(a_search(), sign_it=False))
    assert response.status_code == 200


def test_a_role_without_registry_rights_is_forbidden(make_user: Callable[..., Any]) -> None:
    partner = make_partner(make_user, sender_id="ngo.ma", role="partner_staff")
    refused(partner.post(SYNC, partner.envelope(a_search())), SYNC, 403, "err.request.forbidden")


@pytest.mark.parametrize(
    ("change", "code", "reason"),
    [
        ({"action": "subscribe"}, "err.request.bad", "rjct.action.not_supported"),
        ({"action": "find"}, "err.request.bad", "rjct.action.invalid"),
        ({"version": "2.0.0"}, "err.version.not_supported", "rjct.version.invalid"),
        ({"message_ts": "yesterday"}, "err.request.bad", "rjct.message_ts.invalid"),
        ({"total_count": 3}, "err.request.bad", "rjct.total_count.invalid"),
        ({"total_count": "x"}, "err.request.bad", "rjct.total_count.invalid"),
        ({"message_id": ""}, "err.request.bad", None),
        ({"receiver_id": "someone-else"}, "err.receiver_id.invalid", None),
        ({"is_msg_encrypted": True}, "err.encryption.invalid", None),
    ],
)
def test_a_malformed_header_gets_the_spec_code(
    partner: Partner, change: dict[str, Any], code: str, reason: str | None
) -> None:
    body = partner.envelope(a_search(), **change)
    status = 403 if code.startswith("err.sender") else 400
    answer = refused(partner.post(SYNC, body), SYNC, status, code)
    assert answer["header"].get("status_reason_code") == reason


def test_too_many_requests_in_a_batch(partner: Partner, settings: Any) -> None:
    settings.JISR_DCI_MAX_BATCH = 2
    items = [
        search_item("idtype-value", {"type": "UIN", "value": "1"}, reference_id=str(i))
        for i in range(3)
    ]
    body = partner.envelope(search_message(*items))
    answer = refused(partner.post(SYNC, body), SYNC, 400, "err.request.bad")
    assert answer["header"]["status_reason_code"] == "rjct.total_count.limit_exceeded"


def test_a_message_id_is_used_once(partner: Partner, population: Population) -> None:
    body = partner.envelope(a_search())
    assert partner.post(SYNC, body).status_code == 200
    answer = refused(partner.post(SYNC, body), SYNC, 409, "err.request.bad")
    assert answer["header"]["status_reason_code"] == "rjct.message_id.duplicate"


GARBAGE: list[Any] = [
    b"",
    b"not json",
    b"[]",
    b"null",
    b'"text"',
    b"{}",
    b'{"header": []}',
    b'{"header": {}, "message": {}}',
    b'{"header": {"action": "search", "message_id": 5}}',
    b"\xff\xfe",
    b'{"header": {"message_id": "a\\u0000", "action": "search"}, "message": {}}',
]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_is_refused_as_a_bad_request_never_a_500(
    partner: Partner, path: str, raw: bytes
) -> None:
    response = partner.client.post(f"/api/dci{path}", raw, content_type="application/json")
    refused(response, path, 400, "err.request.bad")


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"search_request": []},
        {"search_request": "all"},
        {"transaction_id": ["x"], "search_request": [{}]},
        {"transaction_id": "t", "search_request": [None]},
    ],
)
def test_a_malformed_search_message_never_causes_a_500(
    partner: Partner, message: dict[str, Any]
) -> None:
    count = (
        len(message.get("search_request") or [])
        if isinstance(message.get("search_request"), list)
        else 0
    )
    response = partner.post(SYNC, partner.envelope(message, total_count=count))
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        item = response.json()["message"]["search_response"][0]
        assert item["status"] == "rjct"
        assert_valid_response(SYNC, 200, response.json())


@pytest.mark.parametrize(
    "criteria",
    [
        None,
        "x",
        {"query_type": "sql", "query": "select *"},
        {"query_type": "expression", "query": {"type": "GraphQl", "value": {}}},
        {"query_type": "expression", "query": {"value": {"expression": {"query": {"$where": 1}}}}},
        {
            "query_type": "expression",
            "query": {"value": {"expression": {"query": {"a": {"$regex": 1}}}}},
        },
        {"query_type": "predicate", "query": [{"expression1": "x"}]},
        {"query_type": "predicate", "query": [{"expression1": {"attribute_name": ["x"]}}]},
        {"query_type": "idtype-value", "query": {"type": "UIN", "value": {"nested": 1}}},
        {"query_type": "idtype-value", "query": {"type": "UIN"}, "response_entity": "Planet"},
        {"query_type": "idtype-value", "query": {"type": "UIN", "value": "1"}, "sort": "x"},
        {
            "query_type": "idtype-value",
            "query": {"type": "UIN", "value": "1"},
            "pagination": {"page_size": 10, "page_number": 10**20},
        },
        {"query_type": "expression", "query": {"value": {"expression": {"poverty_score": 1e300}}}},
        {"query_type": "expression", "query": {"value": {"expression": {"poverty_score": "NaN"}}}},
        {"query_type": "idtype-value", "query": {"type": "UIN", "value": "1"}, "pagination": 3},
    ],
)
def test_malformed_criteria_reject_the_request_only(
    partner: Partner, population: Population, criteria: Any
) -> None:
    item = {"reference_id": "r", "timestamp": "2025-01-01T00:00:00Z", "search_criteria": criteria}
    response = partner.post(SYNC, partner.envelope(search_message(item)))
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert body["message"]["search_response"][0]["status"] == "rjct"
    assert body["message"]["search_response"][0]["status_reason_code"].startswith("rjct.")
    assert_valid_response(SYNC, 200, body)
