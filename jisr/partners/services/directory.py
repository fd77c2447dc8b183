"""Writes to the service directory: organisations, services, their areas and places, and the
partner staff who work for an organisation. Each service checks the right and the organisation's
region in the actor's scope, writes in one durable transaction and records an audit row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import MANAGE_DIRECTORY, MANAGE_USERS
from jisr.core import access, audit
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied, InvalidInput
from jisr.geo.models import Commune, Region
from jisr.partners import _access
from jisr.partners.models import (
    Organization,
    OrganizationKind,
    OrganizationMember,
    Service,
    ServiceArea,
)

ORGANIZATION_FIELDS = (
    "name_ar",
    "description",
    "legal_status",
    "registration_number",
    "year_incorporated",
    "email",
    "website",
)
SERVICE_FIELDS = (
    "name",
    "name_ar",
    "description",
    "status",
    "url",
    "email",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "sex",
    "requires_disability",
    "requires_rsu",
    "requires_asd",
    "places",
    "places_taken",
)


def _checked(record: models.Model) -> None:
    """Django's field checks and check constraints, as one InvalidInput naming the fields."""
    try:
        record.full_clean(validate_unique=False)
    except ValidationError as error:
        problems = {
            name: [str(m) for m in messages] for name, messages in error.message_dict.items()
        }
        raise InvalidInput(
            _("Some fields are not valid: %s") % ", ".join(sorted(problems)), problems=problems
        ) from None


def _known(values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(unknown), fields=unknown)


@transaction.atomic(durable=True)
def organization_create(
    *,
    actor: Actor,
    kind: str,
    name_fr: str,
    region: Region,
    details: Mapping[str, Any] | None = None,
) -> Organization:
    """A new organisation in the directory (`details`: name_ar, description, legal_status,
    registration_number, year_incorporated, email, website)."""
    details = details or {}
    _known(details, ORGANIZATION_FIELDS)
    organization = Organization(kind=kind, name_fr=name_fr.strip(), region=region, **details)
    _access.require(actor, MANAGE_DIRECTORY, organization)
    if kind not in OrganizationKind.values:
        raise InvalidInput(_("Unknown kind of organisation: %s") % kind, field="kind")
    _checked(organization)
    organization.save()
    audit.record(
        actor=actor,
        action="partners.organization_created",
        target=organization,
        after={"kind": kind, "name_fr": organization.name_fr, "region": region.code, **details},
    )
    return organization


def _service_record(service: Service) -> dict[str, Any]:
    return {name: getattr(service, name) for name in SERVICE_FIELDS}


@transaction.atomic(durable=True)
def service_create(
    *,
    actor: Actor,
    organization: Organization,
    name: str,
    details: Mapping[str, Any] | None = None,
) -> Service:
    """A new service of `organization` (`details`: any of SERVICE_FIELDS but the name)."""
    _access.require(actor, MANAGE_DIRECTORY, organization)
    details = dict(details or {})
    _known(details, SERVICE_FIELDS)
    service = Service(organization=organization, name=name.strip(), **details)
    _checked(service)
    service.save()
    audit.record(
        actor=actor,
        action="partners.service_created",
        target=service,
        after={"organization": str(organization.pk), **_service_record(service)},
    )
    return service


@transaction.atomic(durable=True)
def service_update(*, actor: Actor, service: Service, changes: Mapping[str, Any]) -> Service:
    """Change some of a service's fields (SERVICE_FIELDS); its last-modified time moves."""
    _known(changes, SERVICE_FIELDS)
    locked = Service.objects.select_for_update().select_related("organization").get(pk=service.pk)
    _access.require(actor, MANAGE_DIRECTORY, locked.organization)
    before = {name: getattr(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    _checked(locked)
    locked.updated_at = timezone.now()
    locked.save()
    audit.record(
        actor=actor,
        action="partners.service_updated",
        target=locked,
        before=before,
        after=dict(changes),
    )
    return locked


@transaction.atomic(durable=True)
def service_capacity_set(
    *, actor: Actor, service: Service, places: int | None, places_taken: int
) -> Service:
    """Record a service's places and how many are taken: by a directory manager in scope, or by
    the staff of the service's own organisation (who know their places best)."""
    locked = Service.objects.select_for_update().select_related("organization").get(pk=service.pk)
    if actor is not None and not (
        access.can(actor, MANAGE_DIRECTORY, locked.organization)
        or _access.is_member(actor, locked.organization)
    ):
        raise AccessDenied(permission=MANAGE_DIRECTORY)
    if places_taken < 0 or (places is not None and places < 0):
        raise InvalidInput(_("Places are whole numbers ≥ 0."), field="places")
    before = {"places": locked.places, "places_taken": locked.places_taken}
    locked.places, locked.places_taken = places, places_taken
    locked.updated_at = timezone.now()
    locked.save(update_fields=["places", "places_taken", "updated_at"])
    audit.record(
        actor=actor,
        action="partners.service_capacity_set",
        target=locked,
        before=before,
        after={"places": places, "places_taken": places_taken},
    )
    return locked


@transaction.atomic(durable=True)
def service_area_add(
    *,
    actor: Actor,
    service: Service,
    commune: Commune | None = None,
    region: Region | None = None,
) -> ServiceArea:
    """Add a commune or a whole region to the places a service serves."""
    _access.require(actor, MANAGE_DIRECTORY, service.organization)
    if (commune is None) == (region is None):
        raise InvalidInput(_("A service area is one commune or one region."), field="commune")
    place = commune or region
    area = ServiceArea.objects.create(
        service=service, commune=commune, region=region, name=place.name_fr if place else ""
    )
    audit.record(
        actor=actor,
        action="partners.service_area_added",
        target=service,
        after={"commune": getattr(commune, "code", None), "region": getattr(region, "code", None)},
    )
    return area


def _require_member_admin(actor: Actor, organization: Organization) -> None:
    """Attaching staff to an organisation: account administrators, or directory managers whose
    scope reaches the organisation."""
    if actor is None or access.can(actor, MANAGE_USERS):
        return
    access.require(actor, MANAGE_DIRECTORY, organization)


@transaction.atomic(durable=True)
def organization_member_add(
    *, actor: Actor, user: Any, organization: Organization, role: str = ""
) -> OrganizationMember:
    """Make `user` partner staff of `organization` (one organisation per user; moving them to
    another organisation is a removal, then an addition)."""
    _require_member_admin(actor, organization)
    existing = OrganizationMember.objects.filter(user=user).first()
    if existing is not None and existing.organization_id != organization.pk:
        raise InvalidInput(_("This user already works for another organisation."), field="user")
    member, _created = OrganizationMember.objects.update_or_create(
        user=user, defaults={"organization": organization, "role": role.strip()}
    )
    audit.record(
        actor=actor,
        action="partners.member_added",
        target=organization,
        after={"user": user.pk, "role": member.role},
    )
    return member


@transaction.atomic(durable=True)
def organization_member_remove(*, actor: Actor, user: Any) -> None:
    member = OrganizationMember.objects.select_related("organization").filter(user=user).first()
    if member is None:
        return
    _require_member_admin(actor, member.organization)
    member.delete()
    audit.record(
        actor=actor,
        action="partners.member_removed",
        target=member.organization,
        before={"user": user.pk, "role": member.role},
    )
