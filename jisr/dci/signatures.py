"""DCI message signatures (`MsgSignature`): "Signature of {header}+{message} body verified using
sender's signing public key", in the spec's format

    Signature: namespace="dci", kidId="{sender_id}|{unique_key_id}|{algorithm}",
               algorithm="ed25519", created="1606970629", expires="1607030629",
               headers="(created) (expires) digest", signature="<base64>"

The spec names the parameters but not the signing string; Jisr uses the one this format comes from
(the Beckn/ONDC HTTP-signature profile the DCI example copies):

    (created): {created}
    (expires): {expires}
    digest: BLAKE-512={base64(BLAKE2b-512(body))}

where body is the canonical JSON of {"header": ..., "message": ...}: keys sorted, no insignificant
whitespace, UTF-8 without escapes. Only Ed25519 (the spec's example algorithm) is accepted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "ed25519"
SIGNED_HEADERS = "(created) (expires) digest"
_PARAMETER = re.compile(r'([A-Za-z]+)\s*=\s*"([^"]*)"')


class SignatureError(ValueError):
    """The signature is malformed, stale, or does not verify."""


@dataclass(frozen=True)
class SignatureParams:
    sender_id: str
    key_id: str
    algorithm: str
    created: int
    expires: int | None
    signature: bytes


def _integer(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise SignatureError(f"{name} is not a Unix time")
    return int(value)


def parse(text: str) -> SignatureParams:
    """The parameters of a `Signature: ...` string (the leading `Signature:` is optional)."""
    body = re.sub(r"^\s*Signature\s*:?\s*", "", text)
    params = {name.lower(): value for name, value in _PARAMETER.findall(body)}
    key = params.get("kidid") or params.get("keyid") or ""
    parts = key.split("|")
    if len(parts) != 3 or not all(parts):
        raise SignatureError("kidId must be sender_id|key_id|algorithm")
    algorithm = params.get("algorithm", parts[2]).lower()
    if algorithm != ALGORITHM or parts[2].lower() != ALGORITHM:
        raise SignatureError("only ed25519 signatures are accepted")
    if params.get("headers", SIGNED_HEADERS).split() != SIGNED_HEADERS.split():
        raise SignatureError(f'headers must be "{SIGNED_HEADERS}"')
    created = _integer(params.get("created"), "created")
    if created is None:
        raise SignatureError("created is missing")
    try:
        signature = base64.b64decode(params.get("signature", ""), validate=True)
    except (binascii.Error, ValueError) as error:
        raise SignatureError("signature is not base64") from error
    if not signature:
        raise SignatureError("signature is missing")
    return SignatureParams(
        sender_id=parts[0],
        key_id=parts[1],
        algorithm=algorithm,
        created=created,
        expires=_integer(params.get("expires"), "expires"),
        signature=signature,
    )


def canonical_body(header: Any, message: Any) -> bytes:
    document = {"header": header, "message": message}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signing_string(*, created: int, expires: int | None, body: bytes) -> bytes:
    digest = base64.b64encode(hashlib.blake2b(body, digest_size=64).digest()).decode()
    expires_text = "" if expires is None else str(expires)
    return f"(created): {created}\n(expires): {expires_text}\ndigest: BLAKE-512={digest}".encode()


def check_times(params: SignatureParams, *, now: int, max_age: int) -> None:
    skew = max(1, max_age // 10)
    if params.created > now + skew:
        raise SignatureError("created is in the future")
    expires = params.expires if params.expires is not None else params.created + max_age
    if expires + skew < now:
        raise SignatureError("the signature has expired")


def load_public_key(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureError("the registered key is not an Ed25519 public key")
    return key


def verify(params: SignatureParams, *, public_key_pem: str, header: Any, message: Any) -> None:
    """Raise SignatureError unless `params.signature` signs this header and message."""
    key = load_public_key(public_key_pem)
    text = signing_string(
        created=params.created, expires=params.expires, body=canonical_body(header, message)
    )
    try:
        key.verify(params.signature, text)
    except InvalidSignature as error:
        raise SignatureError("the signature does not match the message") from error


def sign(
    *,
    private_key_pem: str,
    sender_id: str,
    key_id: str,
    header: Any,
    message: Any,
    created: int,
    expires: int,
) -> str:
    """The `signature` field for a message this registry sends."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError("the signing key is not an Ed25519 private key")
    text = signing_string(created=created, expires=expires, body=canonical_body(header, message))
    value = base64.b64encode(key.sign(text)).decode()
    return (
        f'Signature: namespace="dci", kidId="{sender_id}|{key_id}|{ALGORITHM}", '
        f'algorithm="{ALGORITHM}", created="{created}", expires="{expires}", '
        f'headers="{SIGNED_HEADERS}", signature="{value}"'
    )
