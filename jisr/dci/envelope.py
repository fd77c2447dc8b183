"""The DCI message envelope (`signature`, `header`, `message`): reading requests, writing answers.

Reading is strict where the spec is (a header without `message_id` is refused) and lenient where
the spec's own published examples depart from its schemas, so that they are accepted as they are:
`total_count` given as a string of digits, empty `sender_uri`/`meta`, `consent: ""`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.dci import conf
from jisr.dci.errors import DciError, ErrorCode, HeaderReason

VERSION = "1.0.0"
SUPPORTED_ACTIONS = ("search", "txn-status")
# Actions of the DCI registry APIs that Jisr does not serve (subscriptions, notifications).
KNOWN_ACTIONS = ("subscribe", "unsubscribe", "notify", "on-search", "txn-on-status")


@dataclass(frozen=True)
class Header:
    version: str
    message_id: str
    message_ts: dt.datetime
    action: str
    sender_id: str
    sender_uri: str
    receiver_id: str
    total_count: int


@dataclass(frozen=True)
class Envelope:
    signature: str
    header: Header
    header_raw: dict[str, Any]
    message: dict[str, Any]


def parse_timestamp(value: object) -> dt.datetime | None:
    """An ISO 8601 date-time; one without a time zone is taken as UTC. None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def parse_count(value: object) -> int | None:
    """A non-negative integer, also when sent as a string of digits (as the spec's examples do)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def bad(message: Any, reason: HeaderReason | None = None, **details: Any) -> DciError:
    return DciError(ErrorCode.BAD_REQUEST, message, header_reason=reason, **details)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_json(body: bytes) -> dict[str, Any]:
    # A NUL character cannot be stored in PostgreSQL text or jsonb: refused here, not by a 500.
    if re.search(rb"\\u0000", body, re.IGNORECASE):
        raise bad(_("The body contains a NUL character."))
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise bad(_("The body is not valid JSON.")) from error
    if not isinstance(document, dict):
        raise bad(_("The body must be a JSON object with header and message."))
    return document


def _check_version_and_action(raw: dict[str, Any], action: str) -> None:
    version = raw.get("version", VERSION)
    if not isinstance(version, str) or version.strip() not in ("", "1.0", VERSION):
        raise DciError(
            ErrorCode.VERSION_NOT_SUPPORTED,
            _("Only version 1.0.0 of the DCI messages is supported."),
            header_reason=HeaderReason.VERSION_INVALID,
        )
    sent = _text(raw.get("action"))
    if sent != action:
        reason = (
            HeaderReason.ACTION_NOT_SUPPORTED
            if sent in KNOWN_ACTIONS or sent in SUPPORTED_ACTIONS
            else HeaderReason.ACTION_INVALID
        )
        raise bad(_("This endpoint takes the action “%(action)s”.") % {"action": action}, reason)


def parse_header(raw: object, *, action: str) -> Header:
    if not isinstance(raw, dict):
        raise bad(_("The header is missing or is not an object."))
    _check_version_and_action(raw, action)
    message_id = _text(raw.get("message_id"))
    if not message_id or len(message_id) > 100:
        raise bad(_("The header needs a message_id (at most 100 characters)."))
    message_ts = parse_timestamp(raw.get("message_ts"))
    if message_ts is None:
        raise bad(_("message_ts is not an ISO 8601 date-time."), HeaderReason.MESSAGE_TS_INVALID)
    sender_id = _text(raw.get("sender_id"))
    if not sender_id:
        raise DciError(
            ErrorCode.SENDER_ID_INVALID, _("The header needs a sender_id."), http_status=403
        )
    receiver_id = _text(raw.get("receiver_id"))
    if receiver_id and receiver_id != conf.receiver_id():
        raise DciError(
            ErrorCode.RECEIVER_ID_INVALID,
            _("This registry's receiver_id is “%(id)s”.") % {"id": conf.receiver_id()},
        )
    total_count = parse_count(raw.get("total_count"))
    if total_count is None:
        raise bad(_("total_count must be a whole number."), HeaderReason.TOTAL_COUNT_INVALID)
    return Header(
        version=VERSION,
        message_id=message_id,
        message_ts=message_ts,
        action=action,
        sender_id=sender_id,
        sender_uri=_text(raw.get("sender_uri")),
        receiver_id=receiver_id,
        total_count=total_count,
    )


def parse_envelope(document: dict[str, Any], *, action: str) -> Envelope:
    """The envelope of a request to an endpoint taking `action`; DciError if it is malformed."""
    header = parse_header(document.get("header"), action=action)
    signature = document.get("signature")
    if signature is not None and not isinstance(signature, str):
        raise bad(_("signature must be a string."))
    message = document.get("message")
    if not isinstance(message, dict):
        raise bad(_("The message is missing or is not an object."))
    encrypted = document["header"].get("is_msg_encrypted") is True or "ciphertext" in message
    if encrypted:
        raise DciError(
            ErrorCode.ENCRYPTION_INVALID,
            _("Encrypted messages are not supported: send the message in clear over TLS."),
        )
    return Envelope(
        signature=signature or "",
        header=header,
        header_raw=document["header"],
        message=message,
    )


def check_batch_size(header: Header, count: int) -> None:
    if count > conf.max_batch():
        raise bad(
            _("At most %(n)d requests per message.") % {"n": conf.max_batch()},
            HeaderReason.TOTAL_COUNT_LIMIT_EXCEEDED,
        )
    if header.total_count != count:
        raise bad(
            _("total_count (%(sent)d) is not the number of requests (%(count)d).")
            % {"sent": header.total_count, "count": count},
            HeaderReason.TOTAL_COUNT_INVALID,
        )


def now_iso() -> str:
    return timezone.now().isoformat()


def new_id() -> str:
    return uuid.uuid4().hex


def answer_header(
    *,
    action: str,
    status: str,
    receiver_id: str,
    total_count: int,
    completed_count: int,
    reason: HeaderReason | None = None,
    reason_message: str = "",
) -> dict[str, Any]:
    """A `MsgCallbackHeader` from this registry to `receiver_id`."""
    header: dict[str, Any] = {
        "version": VERSION,
        "message_id": new_id(),
        "message_ts": now_iso(),
        "action": action,
        "status": status,
        "total_count": total_count,
        "completed_count": completed_count,
        "sender_id": conf.receiver_id(),
        "receiver_id": receiver_id,
        "is_msg_encrypted": False,
    }
    if reason is not None:
        header["status_reason_code"] = reason.value
    if reason_message:
        header["status_reason_message"] = reason_message[:999]
    return header


def ack(*, correlation_id: str, error: DciError | None = None) -> dict[str, Any]:
    """The spec's acknowledgement (`components.responses.Response`): ACK, or ERR with the error."""
    message: dict[str, Any] = {
        "ack_status": "ERR" if error else "ACK",
        "timestamp": now_iso(),
        "correlation_id": correlation_id,
    }
    if error is not None:
        message["error"] = {"code": error.dci_code.value, "message": str(error.text)[:999]}
    return {"message": message}


def error_body(
    error: DciError, *, action: str, receiver_id: str, asynchronous: bool
) -> dict[str, Any]:
    """One body valid as the spec's HttpErrorResponse and as the endpoint's default response.

    `errors` is the HTTP-layer error list; `header` (status `rjct`) satisfies a synchronous
    endpoint's envelope; an asynchronous endpoint's ERR acknowledgement goes in `message`.
    """
    text = str(error.text)
    body: dict[str, Any] = {
        "errors": [{"code": error.dci_code.value, "message": text}],
        "header": answer_header(
            action=action,
            status="rjct",
            receiver_id=receiver_id,
            total_count=0,
            completed_count=0,
            reason=error.header_reason,
            reason_message=f"{error.dci_code.value}: {text}",
        ),
    }
    if asynchronous:
        body["message"] = ack(correlation_id="", error=error)["message"]
    return body
