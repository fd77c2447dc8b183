"""Domain errors: a stable code for machines and a translated message for people.

Services raise these; views and the API map them to one error format (never a 500, never a
partial write).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 400
    message: ClassVar[str | Promise] = _("The request could not be carried out.")

    def __init__(self, message: str | Promise | None = None, **details: Any) -> None:
        self.details = details
        self.text = message if message is not None else self.message
        super().__init__(str(self.text))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.text), "details": self.details}


class AccessDenied(DomainError):
    code = "access_denied"
    http_status = 403
    message = _("You are not allowed to do this.")


class NotFound(DomainError):
    """Also raised for records outside the caller's scope: a 404 gives no hint that they exist."""

    code = "not_found"
    http_status = 404
    message = _("No such record.")


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 422
    message = _("The data sent is not valid.")


class Conflict(DomainError):
    """Someone else changed the record since it was read: reload and try again (no lost update)."""

    code = "conflict"
    http_status = 409
    message = _(
        "This record was changed by someone else since you opened it. Reload it and make your "
        "change again."
    )
