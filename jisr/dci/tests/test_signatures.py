"""Signing and verifying DCI messages (Ed25519 over the canonical header and message)."""

from __future__ import annotations

import pytest

from jisr.dci import signatures
from jisr.dci.tests.factories import ed25519_keypair

HEADER = {"message_id": "m1", "action": "search", "sender_id": "cnss.ma", "total_count": 1}
MESSAGE = {"transaction_id": "t1", "search_request": [{"reference_id": "r1", "name": "فاطمة"}]}


def signed(private: str, *, created: int = 1_700_000_000, expires: int = 1_700_000_300) -> str:
    return signatures.sign(
        private_key_pem=private,
        sender_id="cnss.ma",
        key_id="k1",
        header=HEADER,
        message=MESSAGE,
        created=created,
        expires=expires,
    )


def test_a_signature_verifies_whatever_the_key_order() -> None:
    private, public = ed25519_keypair()
    params = signatures.parse(signed(private))
    assert (params.sender_id, params.key_id, params.algorithm) == ("cnss.ma", "k1", "ed25519")
    reordered = dict(reversed(list(HEADER.items())))
    signatures.verify(params, public_key_pem=public, header=reordered, message=MESSAGE)


def test_a_changed_message_or_another_key_does_not_verify() -> None:
    private, public = ed25519_keypair()
    _other, other_public = ed25519_keypair()
    params = signatures.parse(signed(private))
    with pytest.raises(signatures.SignatureError):
        signatures.verify(params, public_key_pem=public, header=HEADER, message={**MESSAGE, "x": 1})
    with pytest.raises(signatures.SignatureError):
        signatures.verify(params, public_key_pem=other_public, header=HEADER, message=MESSAGE)


def test_times_are_checked() -> None:
    private, _public = ed25519_keypair()
    params = signatures.parse(signed(private))
    signatures.check_times(params, now=1_700_000_100, max_age=3600)
    with pytest.raises(signatures.SignatureError, match="expired"):
        signatures.check_times(params, now=1_700_100_000, max_age=3600)
    with pytest.raises(signatures.SignatureError, match="future"):
        signatures.check_times(params, now=1_600_000_000, max_age=3600)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Signature: garbage",
        'kidId="cnss.ma|k1", created="1", signature="AAAA"',  # no algorithm in kid
        'kidId="cnss.ma|k1|rsa-sha256", created="1", signature="AAAA"',
        'kidId="cnss.ma|k1|ed25519", signature="AAAA"',  # no created
        'kidId="cnss.ma|k1|ed25519", created="soon", signature="AAAA"',
        'kidId="cnss.ma|k1|ed25519", created="1", signature="not base64!"',
        'kidId="cnss.ma|k1|ed25519", created="1", headers="digest", signature="AAAA"',
    ],
)
def test_malformed_signatures_are_refused(text: str) -> None:
    with pytest.raises(signatures.SignatureError):
        signatures.parse(text)


def test_the_spec_example_placeholder_is_refused() -> None:
    example = (
        'Signature:  namespace="dci", kidId="{sender_id}|{unique_key_id}|{algorithm}", '
        'algorithm="ed25519", created="1606970629", expires="1607030629", '
        'headers="(created) (expires) digest", signature="Base64(signing content)'
    )
    with pytest.raises(signatures.SignatureError):
        signatures.parse(example)
