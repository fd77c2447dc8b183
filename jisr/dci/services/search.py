"""DCI searches: answered in the response (`sync/search`) or later by callback (`search`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jisr.core import jobs
from jisr.dci import messages, selectors
from jisr.dci.envelope import Envelope, now_iso, parse_timestamp
from jisr.dci.errors import RequestRejected, SearchReason
from jisr.dci.messages import Outcome
from jisr.dci.models import DciRequestItem, DciTransaction, RequestStatus, TransactionKind
from jisr.dci.query import parse_criteria
from jisr.dci.services import _transactions
from jisr.dci.services.senders import sender_authenticate


def _reference(raw: object) -> str | None:
    reference = raw.get("reference_id", "") if isinstance(raw, dict) else None
    if isinstance(reference, int) and not isinstance(reference, bool):
        reference = str(reference)
    return reference if isinstance(reference, str) and len(reference) <= 100 else None


def _search_one(user: Any, position: int, raw: object, seen: set[str]) -> Outcome:
    reference = _reference(raw)
    locale = raw.get("locale") if isinstance(raw, dict) else ""
    outcome = Outcome(
        position=position,
        reference_id=reference or "",
        status=RequestStatus.SUCCEEDED,
        timestamp=now_iso(),
        locale=locale if isinstance(locale, str) else "",
    )
    try:
        if not isinstance(raw, dict):
            raise RequestRejected(
                SearchReason.SEARCH_CRITERIA_INVALID, _("Each search request must be an object.")
            )
        if reference is None:
            raise RequestRejected(SearchReason.REFERENCE_ID_INVALID, _("Invalid reference_id."))
        if reference in seen:
            raise RequestRejected(
                SearchReason.REFERENCE_ID_DUPLICATE, _("This reference_id is already in the batch.")
            )
        seen.add(reference)
        if parse_timestamp(raw.get("timestamp")) is None:
            raise RequestRejected(
                SearchReason.TIMESTAMP_INVALID, _("timestamp is not an ISO 8601 date-time.")
            )
        criteria = parse_criteria(raw.get("search_criteria"))
        outcome.entity = criteria.entity.value
        outcome.page = selectors.search(user=user, criteria=criteria)
    except RequestRejected as rejection:
        outcome.status = RequestStatus.REJECTED
        outcome.reason, outcome.reason_message = rejection.reason, str(rejection.text)
    return outcome


def search_run(
    *, user: Any, items: Iterable[object], progress: jobs.Progress | None = None
) -> list[Outcome]:
    """Run each request of a batch; a rejected request does not stop the others."""
    seen: set[str] = set()
    outcomes = []
    for position, raw in enumerate(items):
        outcomes.append(_search_one(user, position, raw, seen))
        if progress is not None:
            progress.advance()
    return outcomes


def _items_save(txn: DciTransaction, outcomes: list[Outcome]) -> None:
    txn.items.all().delete()
    DciRequestItem.objects.bulk_create(
        DciRequestItem(
            transaction=txn,
            position=outcome.position,
            reference_id=outcome.reference_id,
            timestamp=outcome.timestamp,
            status=outcome.status,
            reason_code=outcome.reason.value if outcome.reason else "",
            reason_message=outcome.reason_message[:999],
            page_size=outcome.page.page_size if outcome.page else None,
            page_number=outcome.page.page_number if outcome.page else None,
            total_count=outcome.page.total if outcome.page else None,
        )
        for outcome in outcomes
    )


def search_sync(*, user: Any, envelope: Envelope) -> dict[str, Any]:
    """`/registry/sync/search`: the on-search answer to a search batch."""
    sender = sender_authenticate(user=user, envelope=envelope)
    batch = messages.search_message(envelope)
    try:
        with transaction.atomic(durable=True):
            txn = _transactions.transaction_create(
                sender=sender,
                user=user,
                envelope=envelope,
                kind=TransactionKind.SEARCH,
                transaction_id=batch.transaction_id,
                status=RequestStatus.SUCCEEDED,
                completed_at=timezone.now(),
            )
            outcomes = search_run(user=user, items=batch.items)
            _items_save(txn, outcomes)
    except IntegrityError as error:  # the same message_id arrived twice at once
        raise _transactions.duplicate_error() from error
    message = messages.search_response(
        transaction_id=batch.transaction_id, correlation_id=txn.correlation_id, outcomes=outcomes
    )
    return _transactions.answer(
        action="on-search", sender=sender, count=len(outcomes), message=message
    )


def search_accept(*, user: Any, envelope: Envelope) -> DciTransaction:
    """`/registry/search`: store the batch and enqueue its processing; answered by callback."""
    sender = sender_authenticate(user=user, envelope=envelope)
    batch = messages.search_message(envelope)
    request = {"search_request": batch.items, "language": translation.get_language()}
    txn = _transactions.accept(
        user=user,
        envelope=envelope,
        sender=sender,
        kind=TransactionKind.SEARCH,
        job_kind="dci.search",
        transaction_id=batch.transaction_id,
        request=request,
    )
    DciRequestItem.objects.bulk_create(
        DciRequestItem(
            transaction=txn,
            position=position,
            reference_id=_reference(raw) or "",
            status=RequestStatus.RECEIVED,
        )
        for position, raw in enumerate(batch.items)
    )
    return txn


def search_process(*, transaction_pk: int, progress: jobs.Progress | None = None) -> dict[str, Any]:
    """Run an accepted search batch as its requester, then send the on-search callback."""
    txn = _transactions.pending(transaction_pk)
    if txn is None:
        return {"skipped": True}
    request: dict[str, Any] = txn.request or {}
    items = request.get("search_request", [])
    with translation.override(request.get("language") or None):
        if progress is not None:
            progress.stage("searching", total=len(items))
        with transaction.atomic(durable=True):
            outcomes = search_run(user=txn.requested_by, items=items, progress=progress)
            _items_save(txn, outcomes)
            txn.status, txn.completed_at = RequestStatus.SUCCEEDED, timezone.now()
            txn.save(update_fields=["status", "completed_at"])
        message = messages.search_response(
            transaction_id=txn.transaction_id,
            correlation_id=txn.correlation_id,
            outcomes=outcomes,
        )
        body = _transactions.answer(
            action="on-search", sender=txn.sender, count=len(items), message=message
        )
    return {**_transactions.deliver(txn, body), "requests": len(items)}
