"""Access control, deny by default: a role says which actions, a scope says which records.

A user's role (a Django group) grants permissions such as ``registry.view_household``. Their
scope (national, a set of regions, or a set of communes) limits which records those actions reach. A
user with no scope reaches no record holding personal data. Selectors filter with `scope_filter`;
services call `require`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from django.db import models
from django.db.models import Q

from jisr.core.errors import AccessDenied, NotFound


@dataclass(frozen=True, slots=True)
class Scope:
    national: bool = False
    regions: frozenset[str] = field(default_factory=frozenset)
    communes: frozenset[str] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.national or self.regions or self.communes)

    def covers(self, *, region: str | None, commune: str | None = None) -> bool:
        if self.national:
            return True
        if region is not None and region in self.regions:
            return True
        return commune is not None and commune in self.communes

    def q(self, *, region_field: str, commune_field: str | None = None) -> Q:
        """A filter matching the records in scope (matches nothing for an empty scope). A
        national scope matches everything as `~Q(pk__in=[])`, not `Q()`: Django drops an empty
        `Q()` from an OR, so `nothing | Q()` would match nothing — a national auditor or manager
        would see no record where the scope is or-ed with other grounds (team, organisation)."""
        if self.national:
            return ~Q(pk__in=[])
        condition = Q(pk__in=[])
        if self.regions:
            condition |= Q(**{f"{region_field}__in": sorted(self.regions)})
        if self.communes and commune_field:
            condition |= Q(**{f"{commune_field}__in": sorted(self.communes)})
        return condition


NO_SCOPE = Scope()


class ScopedUser(Protocol):
    is_active: bool

    def has_perm(self, perm: str, obj: object = None) -> bool: ...

    def access_scope(self) -> Scope: ...


class Located(Protocol):
    """A record that lives somewhere: its region and commune codes decide who may reach it."""

    @property
    def scope_region(self) -> str | None: ...

    @property
    def scope_commune(self) -> str | None: ...


M = TypeVar("M", bound=models.Model)


def user_scope(user: object) -> Scope:
    if not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return NO_SCOPE
    scope = getattr(user, "access_scope", None)
    return scope() if callable(scope) else NO_SCOPE


def has_action(user: object, permission: str) -> bool:
    """Whether the user's role allows the action at all (an inactive account allows nothing)."""
    has_perm = getattr(user, "has_perm", None)
    return bool(getattr(user, "is_active", False) and callable(has_perm) and has_perm(permission))


def can(user: object, permission: str, record: Located | None = None) -> bool:
    if not has_action(user, permission):
        return False
    if record is None:
        return True
    return user_scope(user).covers(region=record.scope_region, commune=record.scope_commune)


def require(user: object, permission: str, record: Located | None = None) -> None:
    """Raise unless `user` may do `permission` (on `record`, when given).

    A record outside the user's scope raises NotFound, not AccessDenied: no hint that it exists.
    """
    if not has_action(user, permission):
        raise AccessDenied(permission=permission)
    if record is not None and not user_scope(user).covers(
        region=record.scope_region, commune=record.scope_commune
    ):
        raise NotFound()


def require_national(user: object, permission: str) -> None:
    """Work over the whole country (national batches, payment cycles) needs the permission and a
    national scope: AccessDenied otherwise."""
    if not has_action(user, permission) or not user_scope(user).national:
        raise AccessDenied(permission=permission)


def scope_filter(
    user: object,
    queryset: models.QuerySet[M],
    *,
    permission: str,
    region_field: str,
    commune_field: str | None = None,
) -> models.QuerySet[M]:
    """The part of `queryset` that `user` may reach with `permission` (none without both)."""
    if not has_action(user, permission):
        return queryset.none()
    scope = user_scope(user)
    if scope.empty:
        return queryset.none()
    return queryset.filter(scope.q(region_field=region_field, commune_field=commune_field))
