"""The DCI Social Registry API v1.0.0 at `/api/dci/` (OpenAPI at `/api/dci/openapi.json`).

A separate django-ninja instance: DCI messages have their own envelope and error vocabulary, so
they share Jisr's bearer tokens but not the `/api/v1/` error format. Bodies are read by
`jisr.dci.envelope`, not by ninja, so that each malformed message gets the spec's error code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.openapi.schema import OpenAPISchema

from jisr.accounts.api import BearerToken, api_user
from jisr.dci import openapi, services
from jisr.dci.envelope import Envelope, ack, bad, error_body, parse_envelope, parse_json
from jisr.dci.errors import DciError, ErrorCode


@dataclass(frozen=True)
class Endpoint:
    path: str
    action: str  # the request's header.action
    answer: str  # the answer's header.action
    asynchronous: bool


SYNC_SEARCH = Endpoint("/registry/sync/search", "search", "on-search", asynchronous=False)
SEARCH = Endpoint("/registry/search", "search", "on-search", asynchronous=True)
SYNC_STATUS = Endpoint("/registry/sync/txn/status", "txn-status", "txn-on-status", False)
STATUS = Endpoint("/registry/txn/status", "txn-status", "txn-on-status", asynchronous=True)
ENDPOINTS = (SYNC_SEARCH, SEARCH, SYNC_STATUS, STATUS)


class DciApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        prefix = path_prefix if path_prefix is not None else self.get_root_path(path_params or {})
        openapi.document_paths(schema, prefix=prefix, paths=tuple(e.path for e in ENDPOINTS))
        return schema


api = DciApi(
    title="Jisr — DCI Social Registry API",
    version="1.0.0",
    urls_namespace="dci",
    auth=BearerToken(),
    description="The DCI (Digital Convergence Initiative) Social Registry API v1.0.0 over the "
    "RSU. Authenticate with `Authorization: Bearer <token>` of the account registered for your "
    "DCI sender_id; sign messages as described in docs/dci.md.",
)


def _json(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _refusal(error: DciError, endpoint: Endpoint, sender_id: str = "") -> HttpResponse:
    body = error_body(
        error, action=endpoint.answer, receiver_id=sender_id, asynchronous=endpoint.asynchronous
    )
    return _json(body, status=error.http_status)


def _endpoint_of(request: HttpRequest) -> Endpoint:
    for endpoint in sorted(ENDPOINTS, key=lambda e: -len(e.path)):
        if request.path.endswith(endpoint.path):
            return endpoint
    return SYNC_SEARCH


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    error = DciError(
        ErrorCode.UNAUTHORIZED, _("A valid bearer token is required."), http_status=401
    )
    return _refusal(error, _endpoint_of(request))


def _document(request: HttpRequest) -> dict[str, Any]:
    if "multipart/" in (request.content_type or ""):
        raise bad(_("File uploads are not supported: send application/json."))
    try:
        body = request.body
    except RequestDataTooBig as error:
        raise bad(_("The message is too large.")) from error
    return parse_json(body)


Handler = Callable[[Any, Envelope], HttpResponse]


def _handle(request: HttpRequest, endpoint: Endpoint, handler: Handler) -> HttpResponse:
    sender_id = ""
    try:
        document = _document(request)
        header = document.get("header")
        if isinstance(header, dict) and isinstance(header.get("sender_id"), str):
            sender_id = header["sender_id"][:100]
        envelope = parse_envelope(document, action=endpoint.action)
        return handler(api_user(request), envelope)
    except DciError as error:
        return _refusal(error, endpoint, sender_id)


@api.post(SYNC_SEARCH.path, tags=["Sync"], summary="Search the registry (answer in the response)")
def sync_search(request: HttpRequest) -> HttpResponse:
    return _handle(
        request,
        SYNC_SEARCH,
        lambda user, envelope: _json(services.search_sync(user=user, envelope=envelope)),
    )


@api.post(SEARCH.path, tags=["Async"], summary="Search the registry (answer by on-search callback)")
def search(request: HttpRequest) -> HttpResponse:
    def accept(user: Any, envelope: Envelope) -> HttpResponse:
        txn = services.search_accept(user=user, envelope=envelope)
        return _json(ack(correlation_id=txn.correlation_id))

    return _handle(request, SEARCH, accept)


@api.post(SYNC_STATUS.path, tags=["Sync"], summary="Status of a search transaction")
def sync_txn_status(request: HttpRequest) -> HttpResponse:
    return _handle(
        request,
        SYNC_STATUS,
        lambda user, envelope: _json(services.txn_status_sync(user=user, envelope=envelope)),
    )


@api.post(STATUS.path, tags=["Async"], summary="Status of a search transaction (by callback)")
def txn_status(request: HttpRequest) -> HttpResponse:
    def accept(user: Any, envelope: Envelope) -> HttpResponse:
        txn = services.txn_status_accept(user=user, envelope=envelope)
        return _json(ack(correlation_id=txn.correlation_id))

    return _handle(request, STATUS, accept)
