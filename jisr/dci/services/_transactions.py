"""What every DCI message shares: its stored transaction, its signed answer, its callback.

Private to `jisr.dci.services`: the search and status services build on these.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.core import audit, jobs
from jisr.dci import callbacks, conf, messages
from jisr.dci.envelope import Envelope, answer_header, new_id
from jisr.dci.errors import DciError, ErrorCode, HeaderReason
from jisr.dci.models import DciSender, DciTransaction, DeliveryStatus, RequestStatus
from jisr.dci.services.senders import callback_url_choose


def transaction_create(
    *, sender: DciSender, user: Any, envelope: Envelope, kind: str, **fields: Any
) -> DciTransaction:
    header = envelope.header
    if DciTransaction.objects.filter(sender=sender, message_id=header.message_id).exists():
        raise duplicate_error()
    txn = DciTransaction.objects.create(
        sender=sender,
        requested_by=user,
        kind=kind,
        message_id=header.message_id,
        correlation_id=new_id(),
        **fields,
    )
    audit.record(
        actor=user,
        action=f"dci.{kind}_received",
        target=txn,
        after={"sender": sender.sender_id, "message_id": header.message_id, "kind": kind},
    )
    return txn


def duplicate_error() -> DciError:
    return DciError(
        ErrorCode.BAD_REQUEST,
        _("This message_id was already used by this sender."),
        http_status=409,
        header_reason=HeaderReason.MESSAGE_ID_DUPLICATE,
    )


def answer(*, action: str, sender: DciSender, count: int, message: Any) -> dict[str, Any]:
    header = answer_header(
        action=action,
        status=RequestStatus.SUCCEEDED,
        receiver_id=sender.sender_id,
        total_count=count,
        completed_count=count,
    )
    return messages.signed({"header": header, "message": message})


def accept(
    *, user: Any, envelope: Envelope, sender: DciSender, kind: str, job_kind: str, **fields: Any
) -> DciTransaction:
    callback = callback_url_choose(sender=sender, sender_uri=envelope.header.sender_uri)
    try:
        with transaction.atomic(durable=True):
            txn = transaction_create(
                sender=sender,
                user=user,
                envelope=envelope,
                kind=kind,
                asynchronous=True,
                status=RequestStatus.RECEIVED,
                callback_url=callback,
                delivery_status=DeliveryStatus.PENDING,
                **fields,
            )
            # Enqueued in the same transaction: the job row exists exactly when the transaction
            # does, and no worker sees it before the commit.
            txn.job = jobs.enqueue(kind=job_kind, params={"transaction": txn.pk}, actor=user)
            txn.save(update_fields=["job"])
    except IntegrityError as error:
        raise duplicate_error() from error
    return txn


def pending(transaction_pk: int) -> DciTransaction | None:
    """The transaction to process, or None if it was processed already (jobs may run twice)."""
    txn = (
        DciTransaction.objects.select_related("sender", "requested_by")
        .filter(pk=transaction_pk)
        .first()
    )
    if txn is None or txn.delivery_status != DeliveryStatus.PENDING or txn.request is None:
        return None
    DciTransaction.objects.filter(pk=txn.pk).update(status=RequestStatus.PENDING)
    txn.items.update(status=RequestStatus.PENDING)
    return txn


def deliver(txn: DciTransaction, body: dict[str, Any]) -> dict[str, Any]:
    """POST the answer to the callback URL and record the outcome; raise if it failed."""
    status, error, code = DeliveryStatus.DELIVERED, "", 0
    try:
        code = callbacks.deliver(
            url=txn.callback_url,
            body=body,
            bases=txn.sender.callback_urls,
            timeout=conf.callback_timeout(),
        )
    except callbacks.CallbackRefused:
        status, error = DeliveryStatus.REFUSED, "callback URL no longer allowed"
    except callbacks.CallbackFailed as failure:
        status, error = DeliveryStatus.FAILED, str(failure)[:2000]
    with transaction.atomic():
        # The request is dropped once answered: the registry keeps statuses, not queries.
        DciTransaction.objects.filter(pk=txn.pk).update(
            delivery_status=status,
            delivery_error=error,
            delivered_at=timezone.now() if status == DeliveryStatus.DELIVERED else None,
            request=None,
        )
        audit.record(
            actor=None,
            action=f"dci.callback_{status}",
            target=txn,
            after={"url": txn.callback_url, "error": error},
        )
    if status != DeliveryStatus.DELIVERED:
        raise callbacks.CallbackFailed(f"{status}: {error}")
    return {"delivered": True, "http_status": code}
