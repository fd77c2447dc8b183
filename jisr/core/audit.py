"""Audit events: `record` inside the service's transaction; `read`/`read_many` for personal data."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from jisr.core import context
from jisr.core.models import AuditEvent, AuditKind

# Whoever acts: a user, an anonymous visitor or nobody (the system). Anything else counts as nobody.
Actor = AbstractBaseUser | AnonymousUser | object | None


def jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def actor_id(actor: Actor) -> int | None:
    """The acting user's id to store beside a change; None for the system (a command or job run
    without a user) and for anonymous users."""
    return getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None


def _target(target: models.Model | tuple[str, str] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target
    return target._meta.label_lower, str(target.pk)


def _event(
    *,
    actor: Actor,
    kind: AuditKind,
    action: str,
    target: models.Model | tuple[str, str] | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    request = context.current()
    user = actor if isinstance(actor, AbstractBaseUser) else None
    target_type, target_id = _target(target)
    return AuditEvent(
        actor_id=user.pk if user is not None else None,
        actor_username=user.get_username() if user is not None else "",
        kind=kind,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        reason=reason,
        request_id=request.request_id if request else "",
        ip=request.ip if request else None,
    )


def record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | tuple[str, str] | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    kind: AuditKind = AuditKind.CHANGE,
) -> AuditEvent:
    """Record a state change (or an authentication event) inside the service's transaction."""
    event = _event(
        actor=actor,
        kind=kind,
        action=action,
        target=target,
        before=before,
        after=after,
        reason=reason,
    )
    event.save()
    return event


def read(*, actor: Actor, action: str, target: models.Model | tuple[str, str]) -> AuditEvent:
    """Record that `actor` looked at a record holding personal data."""
    return record(actor=actor, action=action, target=target, kind=AuditKind.READ)


def read_many(
    *, actor: Actor, action: str, targets: Iterable[models.Model | tuple[str, str]]
) -> int:
    """Record one read event per record shown (a list page, an export), in one statement."""
    events = [
        _event(actor=actor, kind=AuditKind.READ, action=action, target=target) for target in targets
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)
