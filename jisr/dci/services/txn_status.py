"""DCI transaction status: what became of a sender's earlier search, now or by callback."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jisr.core import jobs
from jisr.dci import messages, selectors
from jisr.dci.envelope import Envelope, answer_header
from jisr.dci.errors import DciError, ErrorCode
from jisr.dci.messages import StatusQuery
from jisr.dci.models import DciSender, DciTransaction, RequestStatus, TransactionKind
from jisr.dci.services import _transactions
from jisr.dci.services.senders import sender_authenticate


def _status_message(sender: DciSender, query: StatusQuery) -> dict[str, Any]:
    found = selectors.transaction_find(
        sender=sender, attribute_type=query.attribute_type, value=query.value
    )
    if found is None:
        raise DciError(
            ErrorCode.NOT_FOUND, _("No search transaction of this sender matches."), http_status=404
        )
    txn, items = found
    return messages.status_response(query=query, found=txn, items=items)


def txn_status_sync(*, user: Any, envelope: Envelope) -> dict[str, Any]:
    """`/registry/sync/txn/status`: the status of a search transaction of the same sender."""
    sender = sender_authenticate(user=user, envelope=envelope)
    query = messages.status_query(envelope)
    try:
        with transaction.atomic(durable=True):
            _transactions.transaction_create(
                sender=sender,
                user=user,
                envelope=envelope,
                kind=TransactionKind.TXN_STATUS,
                transaction_id=query.transaction_id,
                status=RequestStatus.SUCCEEDED,
                completed_at=timezone.now(),
            )
            message = _status_message(sender, query)
    except IntegrityError as error:
        raise _transactions.duplicate_error() from error
    return _transactions.answer(action="txn-on-status", sender=sender, count=1, message=message)


def txn_status_accept(*, user: Any, envelope: Envelope) -> DciTransaction:
    """`/registry/txn/status`: acknowledged at once, answered on the sender's callback URL."""
    sender = sender_authenticate(user=user, envelope=envelope)
    query = messages.status_query(envelope)
    return _transactions.accept(
        user=user,
        envelope=envelope,
        sender=sender,
        kind=TransactionKind.TXN_STATUS,
        job_kind="dci.txn_status",
        transaction_id=query.transaction_id,
        request={"query": dataclasses.asdict(query), "language": translation.get_language()},
    )


def txn_status_process(
    *, transaction_pk: int, progress: jobs.Progress | None = None
) -> dict[str, Any]:
    """Answer an accepted status query on the sender's callback URL (`txn-on-status`)."""
    txn = _transactions.pending(transaction_pk)
    if txn is None:
        return {"skipped": True}
    request: dict[str, Any] = txn.request or {}
    query = StatusQuery(**request["query"])
    with translation.override(request.get("language") or None):
        try:
            body = _transactions.answer(
                action="txn-on-status",
                sender=txn.sender,
                count=1,
                message=_status_message(txn.sender, query),
            )
            status = RequestStatus.SUCCEEDED
        except DciError as error:
            header = answer_header(
                action="txn-on-status",
                status=RequestStatus.REJECTED,
                receiver_id=txn.sender.sender_id,
                total_count=1,
                completed_count=1,
                reason_message=f"{error.dci_code.value}: {error.text}",
            )
            body, status = messages.signed({"header": header}), RequestStatus.REJECTED
    DciTransaction.objects.filter(pk=txn.pk).update(status=status, completed_at=timezone.now())
    return _transactions.deliver(txn, body)
