"""Test partners (a DCI sender with its account, token and signing key) and message builders."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from jisr.accounts import services as accounts
from jisr.dci import conf, services, signatures
from jisr.dci.models import DciSender

_ids = itertools.count(1)


def ed25519_keypair() -> tuple[str, str]:
    """(private key PEM, public key PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def sign(
    envelope: dict[str, Any], *, private_pem: str, sender_id: str, key_id: str = "k1"
) -> dict[str, Any]:
    created = int(time.time())
    signature = signatures.sign(
        private_key_pem=private_pem,
        sender_id=sender_id,
        key_id=key_id,
        header=envelope["header"],
        message=envelope.get("message"),
        created=created,
        expires=created + 300,
    )
    return {**envelope, "signature": signature}


@dataclass
class Partner:
    """An onboarded system: its DCI sender, the account and token it uses, its signing key."""

    user: Any
    sender: DciSender
    token: str
    private_pem: str
    key_id: str = "k1"
    client: Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def envelope(
        self,
        message: dict[str, Any],
        *,
        action: str = "search",
        sign_it: bool = True,
        **header: Any,
    ) -> dict[str, Any]:
        count = len(message.get("search_request", [])) if action == "search" else 1
        envelope = {
            "header": {
                "version": "1.0.0",
                "message_id": f"msg-{next(_ids)}",
                "message_ts": "2025-01-15T10:00:00+01:00",
                "action": action,
                "sender_id": self.sender.sender_id,
                "receiver_id": conf.receiver_id(),
                "total_count": count,
                "is_msg_encrypted": False,
                **header,
            },
            "message": message,
        }
        if not sign_it:
            return envelope
        return sign(
            envelope,
            private_pem=self.private_pem,
            sender_id=self.sender.sender_id,
            key_id=self.key_id,
        )

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/dci{path}", body, content_type="application/json")


def make_partner(
    make_user: Any,
    *,
    sender_id: str = "cnss.ma",
    role: str = "programme_manager",
    national: bool = True,
    regions: tuple[str, ...] = (),
    callback_urls: tuple[str, ...] = ("http://127.0.0.1/",),
    signature_required: bool = True,
) -> Partner:
    user = make_user(role, national=national, regions=regions)
    _token, secret = accounts.token_create(user=user)
    sender = services.sender_register(
        sender_id=sender_id,
        name=sender_id,
        user=user,
        callback_urls=callback_urls,
        signature_required=signature_required,
    )
    private, public = ed25519_keypair()
    services.sender_key_add(sender=sender, key_id="k1", public_key_pem=public)
    return Partner(user=user, sender=sender, token=secret, private_pem=private)


def search_item(
    query_type: str,
    query: Any,
    *,
    entity: str | None = None,
    reference_id: str = "r1",
    pagination: dict[str, Any] | None = None,
    sort: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    criteria: dict[str, Any] = {"version": "1.0.0", "query_type": query_type, "query": query}
    if entity is not None:
        criteria["response_entity"] = entity
    if pagination is not None:
        criteria["pagination"] = pagination
    if sort is not None:
        criteria["sort"] = sort
    return {
        "reference_id": reference_id,
        "timestamp": "2025-01-15T10:00:00+01:00",
        "search_criteria": criteria,
    }


def search_message(*items: dict[str, Any], transaction_id: str = "t-1") -> dict[str, Any]:
    return {"transaction_id": transaction_id, "search_request": list(items)}


def nosql(query: dict[str, Any], collection: str = "Person") -> dict[str, Any]:
    return {
        "type": "ns:org:QueryType:NoSql",
        "value": {"expression": {"collection": collection, "query": query}},
    }


def predicate(name: str, operator: str, value: Any) -> dict[str, Any]:
    return {"attribute_name": name, "operator": operator, "attribute_value": value}
