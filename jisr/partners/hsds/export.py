"""The directory as HSDS 3.0 JSON: organisations with their services (HSDS's "fully nested
organization with full services"), a fully nested service, a location.

Empty optional fields are left out (an empty `url` or `email` would not be a valid uri or email);
lists are always present; children are sorted by id, so the same directory gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from jisr.partners.hsds import terms
from jisr.partners.models import (
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

COUNTRY = "MA"
REGISTRATION_TYPE = "registration number"

LOCATION_PREFETCH = ("phones",)
SERVICE_PREFETCH = (
    "phones",
    "contacts",
    "languages",
    "schedules",
    Prefetch("service_areas", ServiceArea.objects.select_related("commune", "region")),
    Prefetch(
        "service_at_locations",
        ServiceAtLocation.objects.select_related(
            "location", "location__commune", "location__commune__region", "location__organization"
        ).prefetch_related("schedules", "location__phones"),
    ),
)


def _put(target: dict[str, Any], **values: Any) -> dict[str, Any]:
    for key, value in values.items():
        if value is not None and value != "":
            target[key] = value
    return target


def _by_id(rows: Iterable[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: str(row.id))


def _number(value: Decimal | None) -> float | None:
    # HSDS latitude/longitude are JSON numbers; six decimals survive the float exactly enough.
    return float(value) if value is not None else None


def _time(value: dt.time | None) -> str | None:
    if value is None:
        return None
    return value.strftime("%H:%M") if not value.second else value.isoformat()


def phone_json(phone: Phone) -> dict[str, Any]:
    return _put(
        {"id": str(phone.id)},
        organization_id=str(phone.organization_id) if phone.organization_id else None,
        service_id=str(phone.service_id) if phone.service_id else None,
        location_id=str(phone.location_id) if phone.location_id else None,
        number=phone.number,
        type=phone.type,
        description=phone.description,
    )


def contact_json(contact: Contact) -> dict[str, Any]:
    return _put(
        {"id": str(contact.id)},
        organization_id=str(contact.organization_id) if contact.organization_id else None,
        service_id=str(contact.service_id) if contact.service_id else None,
        name=contact.name,
        title=contact.title,
        department=contact.department,
        email=contact.email,
    )


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    return _put(
        {"id": str(schedule.id)},
        service_id=str(schedule.service_id) if schedule.service_id else None,
        service_at_location_id=(
            str(schedule.service_at_location_id) if schedule.service_at_location_id else None
        ),
        freq=schedule.freq,
        byday=schedule.byday,
        opens_at=_time(schedule.opens_at),
        closes_at=_time(schedule.closes_at),
        valid_from=schedule.valid_from.isoformat() if schedule.valid_from else None,
        valid_to=schedule.valid_to.isoformat() if schedule.valid_to else None,
        description=schedule.description,
    )


def location_json(location: Location) -> dict[str, Any]:
    document = _put(
        {"id": str(location.id), "location_type": location.location_type},
        organization_id=str(location.organization_id),
        name=location.name,
        description=location.description,
        transportation=location.transportation,
        latitude=_number(location.latitude),
        longitude=_number(location.longitude),
    )
    addresses = []
    if location.address_1 or location.city or location.postal_code:
        region = location.commune.region if location.commune else location.organization.region
        addresses.append(
            _put(
                {
                    "id": str(uuid.uuid5(location.id, "address")),
                    "location_id": str(location.id),
                    "address_1": location.address_1,
                    "city": location.city,
                    "state_province": region.name_fr,
                    "postal_code": location.postal_code,
                    "country": COUNTRY,
                    "address_type": location.location_type,
                },
                address_2=location.address_2,
            )
        )
    document["addresses"] = addresses
    document["phones"] = [phone_json(p) for p in _by_id(location.phones.all())]
    document["attributes"] = terms.attributes(
        "location", location.id, {"commune": location.commune_id}
    )
    return document


def _service_area_json(area: ServiceArea) -> dict[str, Any]:
    place = area.commune or area.region
    document = _put(
        {"id": str(area.id), "service_id": str(area.service_id)},
        name=area.name or (place.name_fr if place else None),
        description=area.description,
    )
    document["attributes"] = terms.attributes(
        "service_area", area.id, {"commune": area.commune_id, "region": area.region_id}
    )
    return document


def _language_json(language: Language) -> dict[str, Any]:
    return _put(
        {"id": str(language.id), "service_id": str(language.service_id)},
        code=language.code,
        name=language.name,
        note=language.note,
    )


def _service_at_location_json(place: ServiceAtLocation) -> dict[str, Any]:
    document = _put(
        {
            "id": str(place.id),
            "service_id": str(place.service_id),
            "location_id": str(place.location_id),
        },
        description=place.description,
    )
    document["schedules"] = [schedule_json(s) for s in _by_id(place.schedules.all())]
    document["location"] = location_json(place.location)
    return document


def _service_attributes(service: Service) -> dict[str, str | None]:
    return {
        "sex": service.sex or None,
        "requires_disability": "true" if service.requires_disability else None,
        "requires_rsu": "true" if service.requires_rsu else None,
        "requires_asd": "true" if service.requires_asd else None,
        "places": str(service.places) if service.places is not None else None,
        "places_taken": str(service.places_taken) if service.places_taken else None,
    }


def service_json(service: Service, *, organization: bool = False) -> dict[str, Any]:
    """A fully nested HSDS service; `organization` adds its organisation (without services)."""
    document = _put(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "name": service.name,
            "status": service.status,
        },
        alternate_name=service.name_ar,
        description=service.description,
        url=service.url,
        email=service.email,
        application_process=service.application_process,
        fees_description=service.fees_description,
        eligibility_description=service.eligibility_description,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        last_modified=service.updated_at.isoformat(),
    )
    document["phones"] = [phone_json(p) for p in _by_id(service.phones.all())]
    document["schedules"] = [schedule_json(s) for s in _by_id(service.schedules.all())]
    document["service_areas"] = [_service_area_json(a) for a in _by_id(service.service_areas.all())]
    document["service_at_locations"] = [
        _service_at_location_json(p) for p in _by_id(service.service_at_locations.all())
    ]
    document["languages"] = [_language_json(lang) for lang in _by_id(service.languages.all())]
    document["contacts"] = [contact_json(c) for c in _by_id(service.contacts.all())]
    document["attributes"] = terms.attributes("service", service.id, _service_attributes(service))
    if organization:
        document["organization"] = organization_json(service.organization, services=False)
    return document


def organization_json(organization: Organization, *, services: bool = True) -> dict[str, Any]:
    """An HSDS organization with its locations, phones and contacts (and its full services)."""
    document = _put(
        {
            "id": str(organization.id),
            "name": organization.name_fr,
            "description": organization.description,
        },
        alternate_name=organization.name_ar,
        email=organization.email,
        website=organization.website,
        legal_status=organization.legal_status,
        year_incorporated=organization.year_incorporated,
    )
    identifiers = []
    if organization.registration_number:
        identifiers.append(
            {
                "id": str(uuid.uuid5(organization.id, "registration")),
                "organization_id": str(organization.id),
                "identifier_type": REGISTRATION_TYPE,
                "identifier": organization.registration_number,
            }
        )
    document["organization_identifiers"] = identifiers
    document["phones"] = [phone_json(p) for p in _by_id(organization.phones.all())]
    document["contacts"] = [contact_json(c) for c in _by_id(organization.contacts.all())]
    document["locations"] = [location_json(loc) for loc in _by_id(organization.locations.all())]
    document["attributes"] = terms.attributes(
        "organization",
        organization.id,
        {"organization_kind": organization.kind, "region": organization.region_id},
    )
    if services:
        document["services"] = [service_json(s) for s in _by_id(organization.services.all())]
    return document


def organizations_prefetched(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    """The organisations with everything the export reads, in a fixed number of queries."""
    services = Service.objects.prefetch_related(*SERVICE_PREFETCH)
    locations = Location.objects.select_related(
        "commune", "commune__region", "organization__region"
    ).prefetch_related(*LOCATION_PREFETCH)
    return organizations.select_related("region").prefetch_related(
        "phones",
        "contacts",
        Prefetch("locations", locations),
        Prefetch("services", services),
    )


def services_prefetched(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organization", "organization__region").prefetch_related(
        *SERVICE_PREFETCH,
        "organization__phones",
        "organization__contacts",
        Prefetch(
            "organization__locations",
            Location.objects.select_related("commune", "commune__region").prefetch_related(
                *LOCATION_PREFETCH
            ),
        ),
    )


def directory_json(organizations: QuerySet[Organization]) -> list[dict[str, Any]]:
    """Every organisation of `organizations` with its services, ordered by name then id."""
    ordered = organizations_prefetched(organizations).order_by("name_fr", "id")
    return [organization_json(organization) for organization in ordered]
