"""The `message` part of DCI requests and answers: search batches and transaction status.

Reading turns a request's message into plain values (or a DciError for the whole message);
writing builds the spec's `SearchResponse` and `TxnStatusResponse` from outcomes.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from jisr.dci import conf, signatures
from jisr.dci.envelope import Envelope, bad, check_batch_size, now_iso
from jisr.dci.errors import SearchReason
from jisr.dci.models import DciRequestItem, DciTransaction
from jisr.dci.selectors import Page

VERSION = "1.0.0"
LOCALE = re.compile(r"^[a-z]{3}$")


@dataclass(frozen=True)
class SearchMessage:
    transaction_id: str
    items: list[Any]


def _transaction_id(message: dict[str, Any]) -> str:
    value = message.get("transaction_id", "")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > 99:
        raise bad(_("transaction_id must be a string of at most 99 characters."))
    return value


def search_message(envelope: Envelope) -> SearchMessage:
    message = envelope.message
    items = message.get("search_request")
    if not isinstance(items, list) or not items:
        raise bad(_("search_request must be a non-empty list."))
    check_batch_size(envelope.header, len(items))
    return SearchMessage(transaction_id=_transaction_id(message), items=items)


@dataclass(frozen=True)
class StatusQuery:
    transaction_id: str
    reference_id: str
    attribute_type: str
    value: str | list[str]


def status_query(envelope: Envelope) -> StatusQuery:
    message = envelope.message
    request = message.get("txnstatus_request")
    if not isinstance(request, dict):
        raise bad(_("txnstatus_request must be an object."))
    txn_type = str(request.get("txn_type") or "search").strip().lower()
    if txn_type != "search":
        raise bad(_("Only the status of search transactions can be asked."))
    attribute_type = str(request.get("attribute_type") or "").strip()
    raw = request.get("attribute_value")
    value: str | list[str]
    if attribute_type == "reference_id_list":
        listed = [raw] if isinstance(raw, str) else raw
        if not isinstance(listed, list) or not 0 < len(listed) <= 1000:
            raise bad(_("attribute_value must be a list of reference ids."))
        value = [str(reference) for reference in listed if isinstance(reference, str | int)]
        if len(value) != len(listed):
            raise bad(_("attribute_value must be a list of reference ids."))
    elif attribute_type in ("transaction_id", "correlation_id"):
        if not isinstance(raw, str) or not raw or len(raw) > 99:
            raise bad(_("attribute_value must be the id asked about."))
        value = raw
    else:
        raise bad(_("attribute_type must be transaction_id, reference_id_list or correlation_id."))
    reference = request.get("reference_id", "")
    return StatusQuery(
        transaction_id=_transaction_id(message),
        reference_id=reference if isinstance(reference, str) else str(reference),
        attribute_type=attribute_type,
        value=value,
    )


@dataclass
class Outcome:
    """What became of one request of a search batch."""

    position: int
    reference_id: str
    status: str
    timestamp: str = ""
    reason: SearchReason | None = None
    reason_message: str = ""
    entity: str = ""
    page: Page | None = None
    locale: str = ""


def _item(outcome: Outcome) -> dict[str, Any]:
    item: dict[str, Any] = {
        "reference_id": outcome.reference_id,
        "timestamp": outcome.timestamp or now_iso(),
        "status": outcome.status,
    }
    if outcome.reason is not None:
        item["status_reason_code"] = outcome.reason.value
        item["status_reason_message"] = outcome.reason_message[:999]
    if outcome.page is not None:
        item["data"] = {
            "version": VERSION,
            "reg_record_type": outcome.entity,
            "reg_records": outcome.page.records,
        }
        item["pagination"] = {
            "page_size": outcome.page.page_size,
            "page_number": outcome.page.page_number,
            "total_count": outcome.page.total,
        }
    if LOCALE.match(outcome.locale):
        item["locale"] = outcome.locale
    return item


def search_response(
    *, transaction_id: str, correlation_id: str, outcomes: list[Outcome]
) -> dict[str, Any]:
    return {
        "transaction_id": transaction_id,
        "correlation_id": correlation_id,
        "search_response": [_item(outcome) for outcome in outcomes],
    }


def _status_item(item: DciRequestItem) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "reference_id": item.reference_id,
        "timestamp": item.timestamp or now_iso(),
        "status": item.status,
    }
    if item.reason_code:
        answer["status_reason_code"] = item.reason_code
        answer["status_reason_message"] = item.reason_message
    if item.page_size is not None and item.total_count is not None:
        answer["pagination"] = {
            "page_size": item.page_size,
            "page_number": item.page_number or 1,
            "total_count": item.total_count,
        }
    return answer


def status_response(
    *, query: StatusQuery, found: DciTransaction, items: list[DciRequestItem]
) -> dict[str, Any]:
    """A `TxnStatusResponse`: the statuses of the requests, never the records found."""
    return {
        "transaction_id": query.transaction_id,
        "correlation_id": found.correlation_id,
        "txnstatus_response": {
            "txn_type": "search",
            "txn_status": {
                "transaction_id": found.transaction_id,
                "correlation_id": found.correlation_id,
                "search_response": [_status_item(item) for item in items],
            },
        },
    }


def signed(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with this registry's signature when a signing key is configured."""
    key = conf.signing_key_pem()
    if not key:
        return body
    created = int(time.time())
    signature = signatures.sign(
        private_key_pem=key,
        sender_id=conf.receiver_id(),
        key_id=conf.signing_key_id(),
        header=body["header"],
        message=body.get("message"),
        created=created,
        expires=created + conf.signature_max_age(),
    )
    return {"signature": signature, **body}
