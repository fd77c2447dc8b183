"""Authentication signals feed the lockout counter and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jisr.accounts import services
from jisr.accounts.models import User
from jisr.core import audit
from jisr.core.models import AuditKind


@receiver(user_login_failed, dispatch_uid="jisr.accounts.login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    username = credentials.get("username")
    if isinstance(username, str) and username:
        services.login_failure_record(username=username)


@receiver(user_logged_in, dispatch_uid="jisr.accounts.logged_in")
def on_logged_in(sender: Any, user: User, **kwargs: Any) -> None:
    services.login_success_record(user=user)


@receiver(user_logged_out, dispatch_uid="jisr.accounts.logged_out")
def on_logged_out(sender: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action="auth.logout", kind=AuditKind.AUTH, target=user)
