"""Who reaches what in the partners app (deny by default).

- The directory (organisations, services) is not personal data: the right to view it is enough to
  read all of it, nationally — a social worker refers people to services anywhere.
- Changing the directory and managing agreements need the right and the organisation's region in
  the user's scope.
- Partner staff reach only their own organisation (their `OrganizationMember` row): its
  agreements, its reports due, and its output reports, which only they write.
- `None` as the actor is the system (the `jisr partners` command, the demo), as in payments.
"""

from __future__ import annotations

import uuid

from jisr.core import access, audit
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied
from jisr.partners.models import Organization, OrganizationMember


def require(actor: Actor, permission: str, record: access.Located | None = None) -> None:
    if actor is None:
        return
    access.require(actor, permission, record)


def member_organization_id(user: Actor) -> uuid.UUID | None:
    """The organisation an active user works for (None for anyone else)."""
    pk = audit.actor_id(user)
    if pk is None or not getattr(user, "is_active", False):
        return None
    return (
        OrganizationMember.objects.filter(user_id=pk)
        .values_list("organization_id", flat=True)
        .first()
    )


def is_member(user: Actor, organization: Organization | uuid.UUID) -> bool:
    organization_id = organization.pk if isinstance(organization, Organization) else organization
    return organization_id is not None and member_organization_id(user) == organization_id


def require_member(actor: Actor, permission: str, organization: Organization) -> None:
    """Partner staff acting for their own organisation only."""
    if not access.has_action(actor, permission):
        raise AccessDenied(permission=permission)
    if not is_member(actor, organization):
        raise AccessDenied(permission=permission, organization=str(organization.pk))
