"""The versioned REST API (`/api/v1/`, OpenAPI at `/api/v1/openapi.json`). Bearer-token auth."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from jisr.accounts.api import BearerToken
from jisr.accounts.api import router as accounts_router
from jisr.casework.api import router as casework_router
from jisr.core.errors import DomainError
from jisr.geo.api import router as geo_router
from jisr.partners.api import router as partners_router
from jisr.payments.api import router as payments_router
from jisr.programmes.api import router as programmes_router
from jisr.registry.api import router as registry_router
from jisr.workforce.api import router as workforce_router

api = NinjaAPI(
    title="Jisr API",
    version="1",
    urls_namespace="api-v1",
    auth=BearerToken(),
    description="Registry, programmes, payments and casework. Authenticate with "
    "`Authorization: Bearer <token>` (create one with `jisr token create USERNAME`).",
)
api.add_router("/", accounts_router)
api.add_router("/geo/", geo_router)
api.add_router("/registry/", registry_router)
api.add_router("/programmes/", programmes_router)
api.add_router("/payments/", payments_router)
api.add_router("/", casework_router)  # /api/v1/cases/, /api/v1/referrals/, … (issue 6)
api.add_router("/workforce/", workforce_router)
api.add_router("/partners/", partners_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.http_status)
