"""DCI commands: authenticate a sender, answer searches and status queries, now or by callback.

Every message received is stored as a transaction (one row per message, one per request of its
batch) in one durable transaction with its audit row, so that a refused message leaves nothing.
Asynchronous messages are acknowledged at once and processed by a background job, which sends
the answer to the sender's allow-listed callback URL.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import VIEW_PERSON
from jisr.core import access, audit, jobs
from jisr.dci import callbacks, conf, messages, selectors, signatures
from jisr.dci.envelope import Envelope, answer_header, new_id, now_iso, parse_timestamp
from jisr.dci.errors import DciError, ErrorCode, HeaderReason, RequestRejected, SearchReason
from jisr.dci.messages import Outcome, StatusQuery
from jisr.dci.models import (
    DciRequestItem,
    DciSender,
    DciSenderKey,
    DciTransaction,
    DeliveryStatus,
    RequestStatus,
    TransactionKind,
)
from jisr.dci.query import parse_criteria


def _signature_check(sender: DciSender, envelope: Envelope) -> None:
    if not envelope.signature.strip():
        if sender.signature_required:
            raise DciError(
                ErrorCode.SIGNATURE_MISSING,
                _("This sender must sign its messages."),
                http_status=403,
            )
        return
    try:
        params = signatures.parse(envelope.signature)
        if params.sender_id != sender.sender_id:
            raise signatures.SignatureError("kidId names another sender")
        key = sender.keys.filter(key_id=params.key_id, active=True).first()
        if key is None:
            raise signatures.SignatureError("no such active key")
        signatures.check_times(params, now=int(time.time()), max_age=conf.signature_max_age())
        signatures.verify(
            params,
            public_key_pem=key.public_key_pem,
            header=envelope.header_raw,
            message=envelope.message,
        )
    except (signatures.SignatureError, ValueError) as error:
        raise DciError(
            ErrorCode.SIGNATURE_INVALID,
            _("The message signature is not valid."),
            http_status=403,
            reason=str(error),
        ) from error


def sender_authenticate(*, user: Any, envelope: Envelope) -> DciSender:
    """The registered sender the message claims to come from, if the token may speak for it.

    Any signature present must verify; a sender registered with `signature_required` must sign.
    """
    sender = (
        DciSender.objects.filter(sender_id=envelope.header.sender_id, active=True)
        .select_related("user")
        .first()
    )
    if sender is None or sender.user_id != getattr(user, "pk", None):
        raise DciError(
            ErrorCode.SENDER_ID_INVALID,
            _("This sender_id is not registered for the account of this token."),
            http_status=403,
        )
    _signature_check(sender, envelope)
    if not access.has_action(user, VIEW_PERSON):
        raise DciError(
            ErrorCode.FORBIDDEN, _("This account may not read the registry."), http_status=403
        )
    return sender


def callback_url_choose(*, sender: DciSender, sender_uri: str) -> str:
    url = sender_uri or sender.default_callback_url
    if not url:
        raise DciError(ErrorCode.SENDER_URI_INVALID, _("No callback URL: send header.sender_uri."))
    if len(url) > 500 or not callbacks.allowed(url, sender.callback_urls):
        raise DciError(
            ErrorCode.SENDER_URI_INVALID, _("This callback URL is not allowed for this sender.")
        )
    return url


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


def _transaction_create(
    *, sender: DciSender, user: Any, envelope: Envelope, kind: str, **fields: Any
) -> DciTransaction:
    header = envelope.header
    if DciTransaction.objects.filter(sender=sender, message_id=header.message_id).exists():
        raise _duplicate()
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


def _duplicate() -> DciError:
    return DciError(
        ErrorCode.BAD_REQUEST,
        _("This message_id was already used by this sender."),
        http_status=409,
        header_reason=HeaderReason.MESSAGE_ID_DUPLICATE,
    )


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


def _answer(*, action: str, sender: DciSender, count: int, message: Any) -> dict[str, Any]:
    header = answer_header(
        action=action,
        status=RequestStatus.SUCCEEDED,
        receiver_id=sender.sender_id,
        total_count=count,
        completed_count=count,
    )
    return messages.signed({"header": header, "message": message})


def search_sync(*, user: Any, envelope: Envelope) -> dict[str, Any]:
    """`/registry/sync/search`: the on-search answer to a search batch."""
    sender = sender_authenticate(user=user, envelope=envelope)
    batch = messages.search_message(envelope)
    try:
        with transaction.atomic(durable=True):
            txn = _transaction_create(
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
        raise _duplicate() from error
    message = messages.search_response(
        transaction_id=batch.transaction_id, correlation_id=txn.correlation_id, outcomes=outcomes
    )
    return _answer(action="on-search", sender=sender, count=len(outcomes), message=message)


def _accept(
    *, user: Any, envelope: Envelope, sender: DciSender, kind: str, job_kind: str, **fields: Any
) -> DciTransaction:
    callback = callback_url_choose(sender=sender, sender_uri=envelope.header.sender_uri)
    try:
        with transaction.atomic(durable=True):
            txn = _transaction_create(
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
        raise _duplicate() from error
    return txn


def search_accept(*, user: Any, envelope: Envelope) -> DciTransaction:
    """`/registry/search`: store the batch and enqueue its processing; answered by callback."""
    sender = sender_authenticate(user=user, envelope=envelope)
    batch = messages.search_message(envelope)
    request = {"search_request": batch.items, "language": translation.get_language()}
    txn = _accept(
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
            _transaction_create(
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
        raise _duplicate() from error
    return _answer(action="txn-on-status", sender=sender, count=1, message=message)


def txn_status_accept(*, user: Any, envelope: Envelope) -> DciTransaction:
    """`/registry/txn/status`: acknowledged at once, answered on the sender's callback URL."""
    sender = sender_authenticate(user=user, envelope=envelope)
    query = messages.status_query(envelope)
    return _accept(
        user=user,
        envelope=envelope,
        sender=sender,
        kind=TransactionKind.TXN_STATUS,
        job_kind="dci.txn_status",
        transaction_id=query.transaction_id,
        request={"query": dataclasses.asdict(query), "language": translation.get_language()},
    )


def _pending(transaction_pk: int) -> DciTransaction | None:
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


def _deliver(txn: DciTransaction, body: dict[str, Any]) -> dict[str, Any]:
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


def search_process(*, transaction_pk: int, progress: jobs.Progress | None = None) -> dict[str, Any]:
    """Run an accepted search batch as its requester, then send the on-search callback."""
    txn = _pending(transaction_pk)
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
        body = _answer(action="on-search", sender=txn.sender, count=len(items), message=message)
    return {**_deliver(txn, body), "requests": len(items)}


def txn_status_process(
    *, transaction_pk: int, progress: jobs.Progress | None = None
) -> dict[str, Any]:
    """Answer an accepted status query on the sender's callback URL (`txn-on-status`)."""
    txn = _pending(transaction_pk)
    if txn is None:
        return {"skipped": True}
    request: dict[str, Any] = txn.request or {}
    query = StatusQuery(**request["query"])
    with translation.override(request.get("language") or None):
        try:
            body = _answer(
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
    return _deliver(txn, body)


@transaction.atomic
def sender_register(
    *,
    sender_id: str,
    name: str,
    user: Any,
    callback_urls: Iterable[str] = (),
    default_callback_url: str = "",
    signature_required: bool = True,
    actor: Any = None,
) -> DciSender:
    """Onboard a system: its DCI id, the account whose tokens it uses, where callbacks may go."""
    bases = [url.strip() for url in callback_urls if url.strip()]
    if not sender_id.strip() or any(not callbacks.allowed(url, [url]) for url in bases):
        raise DciError(ErrorCode.BAD_REQUEST, _("Invalid sender id or callback URL."))
    if default_callback_url and not callbacks.allowed(default_callback_url, bases):
        raise DciError(ErrorCode.BAD_REQUEST, _("The default callback URL is not allowed."))
    sender = DciSender.objects.create(
        sender_id=sender_id.strip(),
        name=name,
        user=user,
        callback_urls=bases,
        default_callback_url=default_callback_url,
        signature_required=signature_required,
    )
    audit.record(
        actor=actor,
        action="dci.sender_registered",
        target=sender,
        after={"sender_id": sender.sender_id, "user": user.pk, "callback_urls": bases},
    )
    return sender


@transaction.atomic
def sender_key_add(
    *, sender: DciSender, key_id: str, public_key_pem: str, actor: Any = None
) -> DciSenderKey:
    """Register an Ed25519 public key (PEM) with which the sender signs its messages."""
    try:
        signatures.load_public_key(public_key_pem)
    except (signatures.SignatureError, ValueError) as error:
        raise DciError(ErrorCode.BAD_REQUEST, _("Not an Ed25519 public key in PEM.")) from error
    key = sender.keys.create(key_id=key_id, public_key_pem=public_key_pem)
    audit.record(
        actor=actor, action="dci.sender_key_added", target=sender, after={"key_id": key_id}
    )
    return key
