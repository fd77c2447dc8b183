"""Password login that refuses locked accounts (see
`jisr.accounts.services.login_failure_record`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
        if user is not None and user.is_locked():
            if request is not None:
                request.jisr_locked_until = user.locked_until  # type: ignore[attr-defined]
            # Run the hasher anyway so that a locked account answers in the same time as any other.
            model().set_password(password)
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
