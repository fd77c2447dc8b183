"""API authentication (bearer tokens) and the caller's own profile."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import HttpBearer

from jisr.accounts import services
from jisr.accounts.models import User
from jisr.core import access

router = Router(tags=["accounts"])


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return services.token_authenticate(token)


def api_user(request: HttpRequest) -> User:
    """The user the bearer token authenticated (django-ninja sets `request.auth`)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


class ScopeOut(Schema):
    national: bool
    regions: list[str]
    communes: list[str]


class MeOut(Schema):
    username: str
    roles: list[str]
    scope: ScopeOut


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user = api_user(request)
    scope = access.user_scope(user)
    return {
        "username": user.get_username(),
        "roles": user.role_names,
        "scope": {
            "national": scope.national,
            "regions": sorted(scope.regions),
            "communes": sorted(scope.communes),
        },
    }
