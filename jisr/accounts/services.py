"""Account services: lockout bookkeeping, API tokens, scopes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import ApiToken, User
from jisr.accounts.roles import Role
from jisr.core import audit
from jisr.core.audit import Actor
from jisr.core.errors import InvalidInput
from jisr.core.models import AuditKind
from jisr.geo.models import Commune, Region

TOKEN_PREFIX = "jisr"  # noqa: S105  (a label, not a secret)
# Refresh `last_used_at` at most this often, so that API reads do not each cost a write.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


@transaction.atomic
def login_failure_record(*, username: str) -> User | None:
    """Count a failed password login; lock the account at the threshold within the window."""
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        audit.record(
            actor=None,
            action="auth.login_failed",
            kind=AuditKind.AUTH,
            after={"username": username[:150], "known": False},
        )
        return None
    now = timezone.now()
    if user.is_locked(now):
        return user
    window = dt.timedelta(seconds=settings.JISR_LOCKOUT_WINDOW_SECONDS)
    if user.first_failed_login_at is None or now - user.first_failed_login_at > window:
        user.failed_logins = 0
        user.first_failed_login_at = now
    user.failed_logins += 1
    locked = user.failed_logins >= settings.JISR_LOCKOUT_THRESHOLD
    if locked:
        user.locked_until = now + dt.timedelta(seconds=settings.JISR_LOCKOUT_SECONDS)
        user.failed_logins = 0
        user.first_failed_login_at = None
    user.save(update_fields=["failed_logins", "first_failed_login_at", "locked_until"])
    audit.record(
        actor=None,
        action="auth.locked" if locked else "auth.login_failed",
        kind=AuditKind.AUTH,
        target=user,
        after={"username": user.username, "locked_until": user.locked_until},
    )
    return user


@transaction.atomic
def login_success_record(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(
        failed_logins=0, first_failed_login_at=None, locked_until=None
    )
    audit.record(actor=user, action="auth.login", kind=AuditKind.AUTH, target=user)


@transaction.atomic
def user_unlock(*, user: User, actor: Actor, reason: str) -> None:
    User.objects.filter(pk=user.pk).update(
        failed_logins=0, first_failed_login_at=None, locked_until=None
    )
    audit.record(
        actor=actor, action="auth.unlocked", kind=AuditKind.AUTH, target=user, reason=reason
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str = "", expires_at: dt.datetime | None = None, actor: Actor = None
) -> tuple[ApiToken, str]:
    """Create an API token; returns it with its secret, which is shown once and never stored."""
    if not user.is_active:
        raise InvalidInput(user=user.username)
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, key_hash=_hash(secret), expires_at=expires_at
    )
    audit.record(
        actor=actor,
        action="auth.token_created",
        kind=AuditKind.AUTH,
        target=user,
        after={"token": prefix, "name": name, "expires_at": expires_at},
    )
    return token, secret


def token_authenticate(raw: str) -> User | None:
    """The active user owning this bearer token, or None (unknown, revoked, expired, bad secret)."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(raw.strip())):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Actor) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(
        actor=actor,
        action="auth.token_revoked",
        kind=AuditKind.AUTH,
        target=token.user,
        after={"token": token.prefix},
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: Role,
    national: bool = False,
    regions: Iterable[str] = (),
    communes: Iterable[str] = (),
    actor: Actor = None,
    first_name: str = "",
    last_name: str = "",
    language: str = "",
) -> User:
    """Create a user with one role and a scope; no scope (no personal data) unless given."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        scope_national=national,
        preferred_language=language,
        is_staff=role == Role.ADMINISTRATOR,
    )
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    regions, communes = sorted(set(regions)), sorted(set(communes))
    known_regions = list(Region.objects.filter(code__in=regions))
    known_communes = list(Commune.objects.filter(code__in=communes))
    unknown = sorted(set(regions) - {r.code for r in known_regions}) + sorted(
        set(communes) - {c.code for c in known_communes}
    )
    if unknown:
        raise InvalidInput(_("Unknown region or commune code(s): %s") % ", ".join(unknown))
    user.scope_regions.set(known_regions)
    user.scope_communes.set(known_communes)
    audit.record(
        actor=actor,
        action="accounts.user_created",
        target=user,
        after={
            "username": username,
            "role": role.value,
            "national": national,
            "regions": sorted(regions),
            "communes": sorted(communes),
        },
    )
    return user


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember the interface language a person chose, for their next session on any computer."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise InvalidInput(language=language)
    if user.preferred_language == language:
        return
    before = user.preferred_language
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    audit.record(
        actor=user,
        action="accounts.language_set",
        target=user,
        before={"language": before},
        after={"language": language},
    )
