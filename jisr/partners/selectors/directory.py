"""Reads of the service directory (and its HSDS JSON), and the staff's organisation: what
casework relies on to refer. The directory needs `partners.view_organization` and nothing else (it
holds no personal data); see `jisr.partners._access`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from jisr.accounts.roles import VIEW_DIRECTORY
from jisr.core import access
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.geo.selectors import commune_get
from jisr.partners import _access
from jisr.partners.hsds import export
from jisr.partners.models import (
    Language,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
)

# What `services_search` matches a person on: age (years), sex (F/M), disability, registered in
# the RSU, household receiving ASD. A key left out is not checked.
ELIGIBILITY_KEYS = ("age", "sex", "disability", "rsu", "asd")


def _require_directory(user: Actor) -> None:
    if user is not None and not access.has_action(user, VIEW_DIRECTORY):
        raise AccessDenied(permission=VIEW_DIRECTORY)


# --- The interface casework relies on ------------------------------------------------------------
def user_organization(*, user: Actor) -> Organization | None:
    """The partner organisation `user` works for (None if they work for none, or are inactive)."""
    organization_id = _access.member_organization_id(user)
    if organization_id is None:
        return None
    return Organization.objects.select_related("region").filter(pk=organization_id).first()


def service_get(*, service_id: uuid.UUID) -> Service:
    """A service of the directory by its HSDS id (NotFound if there is none)."""
    service = Service.objects.select_related("organization").filter(pk=service_id).first()
    if service is None:
        raise NotFound(service=str(service_id))
    return service


def services_by_id(ids: Iterable[uuid.UUID | str]) -> QuerySet[Service]:
    """Services by id with their organisation (a system read: the caller shows names it holds)."""
    return Service.objects.filter(pk__in=list(ids)).select_related("organization")


def organizations_by_id(ids: Iterable[uuid.UUID | str]) -> QuerySet[Organization]:
    """Organisations by id (a system read: the caller names them, e.g. a consent's recipients)."""
    return Organization.objects.filter(pk__in=list(ids))


def _eligibility_filter(eligibility: dict[str, Any]) -> Q:
    unknown = sorted(set(eligibility) - set(ELIGIBILITY_KEYS))
    if unknown:
        raise InvalidInput(
            _("Unknown eligibility criteria: %s") % ", ".join(unknown), field="eligibility"
        )
    condition = Q()
    age = eligibility.get("age")
    if age is not None:
        if isinstance(age, bool) or not isinstance(age, int) or age < 0:
            raise InvalidInput(_("An age is a whole number of years."), field="eligibility.age")
        condition &= Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)
        condition &= Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
    sex = eligibility.get("sex")
    if sex is not None:
        if sex not in ("F", "M"):
            raise InvalidInput(_("Sex is F or M."), field="eligibility.sex")
        condition &= Q(sex="") | Q(sex=sex)
    for key, requirement in (
        ("disability", "requires_disability"),
        ("rsu", "requires_rsu"),
        ("asd", "requires_asd"),
    ):
        value = eligibility.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise InvalidInput(_("true or false expected."), field=f"eligibility.{key}")
        if not value:
            condition &= Q(**{requirement: False})
    return condition


def services_search(
    *, user: Actor, commune: str = "", text: str = "", eligibility: dict[str, Any] | None = None
) -> QuerySet[Service]:
    """Active services serving `commune` (a service area names the commune or its region) whose
    text matches every word of `text` and whose eligibility the person described by
    `eligibility` meets (keys ELIGIBILITY_KEYS); those with places left first, then by
    organisation and name."""
    _require_directory(user)
    services = Service.objects.filter(status=ServiceStatus.ACTIVE).select_related(
        "organization", "organization__region"
    )
    if commune:
        place = commune_get(code=commune)
        if place is None:
            raise InvalidInput(_("No such commune: %s") % commune, field="commune")
        areas = ServiceArea.objects.filter(Q(commune_id=commune) | Q(region_id=place.region_id))
        services = services.filter(pk__in=areas.values("service_id"))
    for word in text.split():
        services = services.filter(
            Q(name__icontains=word)
            | Q(name_ar__icontains=word)
            | Q(description__icontains=word)
            | Q(eligibility_description__icontains=word)
            | Q(organization__name_fr__icontains=word)
            | Q(organization__name_ar__icontains=word)
        )
    if eligibility:
        services = services.filter(_eligibility_filter(eligibility))
    room = Case(
        When(places__isnull=True, then=Value(1)),
        When(places__gt=F("places_taken"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return services.annotate(has_room=room).order_by(
        "-has_room", "organization__name_fr", "name", "id"
    )


# --- The directory -------------------------------------------------------------------------------
def organization_list(
    *, user: Actor, text: str = "", region: str = "", kind: str = ""
) -> QuerySet[Organization]:
    _require_directory(user)
    organizations = Organization.objects.select_related("region")
    for word in text.split():
        organizations = organizations.filter(
            Q(name_fr__icontains=word) | Q(name_ar__icontains=word)
        )
    if region:
        organizations = organizations.filter(region_id=region)
    if kind:
        organizations = organizations.filter(kind=kind)
    return organizations.order_by("name_fr", "id")


def organization_get(*, user: Actor, organization_id: uuid.UUID) -> Organization:
    _require_directory(user)
    organization = Organization.objects.select_related("region").filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(organization=str(organization_id))
    return organization


def organization_services(*, user: Actor, organization: Organization) -> QuerySet[Service]:
    _require_directory(user)
    return organization.services.prefetch_related(
        Prefetch("service_areas", ServiceArea.objects.select_related("commune", "region")),
        "languages",
    ).order_by("name", "id")


def service_detail(*, user: Actor, service_id: uuid.UUID) -> Service:
    """A service with what its page shows: organisation, areas, places, languages, schedules."""
    _require_directory(user)
    service = (
        Service.objects.select_related("organization", "organization__region")
        .prefetch_related(
            Prefetch("service_areas", ServiceArea.objects.select_related("commune", "region")),
            Prefetch("languages", Language.objects.order_by("code")),
            Prefetch("schedules", Schedule.objects.order_by("opens_at", "pk")),
            Prefetch(
                "service_at_locations",
                ServiceAtLocation.objects.select_related("location", "location__commune"),
            ),
        )
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        raise NotFound(service=str(service_id))
    return service


def directory_hsds(*, user: Actor) -> list[dict[str, Any]]:
    """The whole directory as HSDS JSON: organisations with their full services."""
    _require_directory(user)
    return export.directory_json(Organization.objects.all())


def organization_hsds(*, user: Actor, organization_id: uuid.UUID) -> dict[str, Any]:
    """One organisation with its full services, as HSDS JSON."""
    _require_directory(user)
    organization = export.organizations_prefetched(
        Organization.objects.filter(pk=organization_id)
    ).first()
    if organization is None:
        raise NotFound(organization=str(organization_id))
    return export.organization_json(organization)


def service_hsds(*, user: Actor, service_id: uuid.UUID) -> dict[str, Any]:
    """One fully nested service (with its organisation), as HSDS JSON."""
    _require_directory(user)
    service = export.services_prefetched(Service.objects.filter(pk=service_id)).first()
    if service is None:
        raise NotFound(service=str(service_id))
    return export.service_json(service, organization=True)
