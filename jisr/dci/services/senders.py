"""DCI senders: onboarding (id, account, keys, callback URLs) and authenticating their messages."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import VIEW_PERSON
from jisr.core import access, audit
from jisr.dci import callbacks, conf, signatures
from jisr.dci.envelope import Envelope
from jisr.dci.errors import DciError, ErrorCode
from jisr.dci.models import DciSender, DciSenderKey


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
