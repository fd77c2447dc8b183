"""The DCI error vocabularies and the domain errors that carry them.

Three levels, as in the spec: `Error.code` (`err.*`, transport: the message is refused whole),
`MsgHeaderStatusReasonCode` (`rjct.*` about the header) and `SearchStatusReasonCode` (`rjct.*` about
one request of a batch, which does not refuse the others).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jisr.core.errors import DomainError


class ErrorCode(StrEnum):
    """`components.schemas.Error.properties.code` of the spec."""

    BAD_REQUEST = "err.request.bad"
    UNAUTHORIZED = "err.request.unauthorized"
    FORBIDDEN = "err.request.forbidden"
    NOT_FOUND = "err.request.not_found"
    VERSION_NOT_SUPPORTED = "err.version.not_supported"
    SENDER_ID_INVALID = "err.sender_id.invalid"
    SENDER_URI_INVALID = "err.sender_uri.invalid"
    RECEIVER_ID_INVALID = "err.receiver_id.invalid"
    SIGNATURE_MISSING = "err.signature.missing"
    SIGNATURE_INVALID = "err.signature.invalid"
    ENCRYPTION_INVALID = "err.encryption.invalid"


class HeaderReason(StrEnum):
    """`MsgHeaderStatusReasonCode`."""

    VERSION_INVALID = "rjct.version.invalid"
    MESSAGE_ID_DUPLICATE = "rjct.message_id.duplicate"
    MESSAGE_TS_INVALID = "rjct.message_ts.invalid"
    ACTION_INVALID = "rjct.action.invalid"
    ACTION_NOT_SUPPORTED = "rjct.action.not_supported"
    TOTAL_COUNT_INVALID = "rjct.total_count.invalid"
    TOTAL_COUNT_LIMIT_EXCEEDED = "rjct.total_count.limit_exceeded"


class SearchReason(StrEnum):
    """`SearchStatusReasonCode`: why one request of a batch was rejected."""

    REFERENCE_ID_INVALID = "rjct.reference_id.invalid"
    REFERENCE_ID_DUPLICATE = "rjct.reference_id.duplicate"
    TIMESTAMP_INVALID = "rjct.timestamp.invalid"
    SEARCH_CRITERIA_INVALID = "rjct.search_criteria.invalid"
    FILTER_INVALID = "rjct.filter.invalid"
    SORT_INVALID = "rjct.sort.invalid"
    PAGINATION_INVALID = "rjct.pagination.invalid"
    TOO_MANY_RECORDS = "rjct.search.too_many_records_found"


class DciError(DomainError):
    """The whole message is refused: answered with an `err.*` code (and a header reason if any)."""

    code = "dci_refused"
    http_status = 400
    message: ClassVar[str | Promise] = _("The DCI message was refused.")

    def __init__(
        self,
        dci_code: ErrorCode,
        message: str | Promise,
        *,
        http_status: int = 400,
        header_reason: HeaderReason | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, **details)
        self.dci_code = dci_code
        self.http_status = http_status  # type: ignore[misc]
        self.header_reason = header_reason


class RequestRejected(Exception):
    """One request of a batch is rejected with a `SearchStatusReasonCode`; the others go on."""

    def __init__(self, reason: SearchReason, message: str | Promise) -> None:
        super().__init__(str(message))
        self.reason = reason
        self.text = message
