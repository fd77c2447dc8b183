"""What the casework pages share: the signed-in user, a parsed form, and how a step's outcome
reaches the reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from jisr.accounts.models import User
from jisr.casework import forms as f
from jisr.core.errors import DomainError, InvalidInput
from jisr.web.errors import PAGE_REFUSALS

FormT = TypeVar("FormT", bound=forms.Form)


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required lets only signed-in users here)
    return user


def parsed(form: FormT) -> FormT:
    """The form, parsed; a form error is refused like a service's (InvalidInput, its message)."""
    if not form.is_valid():
        raise InvalidInput(f.errors_text(form))
    return form


@dataclass(frozen=True)
class Done:
    """A step carried out: what to tell the reader, and where to go next (default: back)."""

    message: str
    then: str = ""


def carry_out(request: HttpRequest, step: Callable[[], Done]) -> Done | None:
    """Run `step` (a service call) and say how it went: its message on success; on a refusal, the
    service's own message and None. NotFound and AccessDenied themselves are raised on, to become
    the 404 or 403 page (web.errors)."""
    try:
        done = step()
    except DomainError as error:
        if type(error) in PAGE_REFUSALS:  # the others: no consent, not accredited…
            raise
        messages.error(request, str(error.text))
        return None
    messages.success(request, done.message)
    return done
