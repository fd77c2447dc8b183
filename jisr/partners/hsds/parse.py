"""HSDS documents read back into rows of the directory's models, every problem found first.

`read_organizations` takes a list of HSDS organisations with their services (the shape Jisr
exports), checks them against the HSDS schemas, then against what Jisr needs (regions and communes
that exist, ids used once, services that stay with their organisation, fields Django accepts),
and returns a `Plan` — the rows to write, by model and HSDS id — or the problems. Nothing is
written here (`services.directory_import` writes a plan, all or nothing).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from jisr.geo.models import Commune
from jisr.partners.hsds import schema, terms
from jisr.partners.hsds.export import REGISTRATION_TYPE
from jisr.partners.hsds.reading import BOOLEAN, Plan, ReaderBase
from jisr.partners.hsds.schema import Problem
from jisr.partners.models import (
    Contact,
    Language,
    Location,
    Organization,
    OrganizationKind,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Sex,
)


class Reader(ReaderBase):
    """Reads one document, collecting problems; `plan` is only meaningful without problems."""

    # --- objects --------------------------------------------------------------------------------
    def organization(self, document: Mapping[str, Any], where: str) -> None:
        ident = self._new_id(Organization, document["id"], f"{where}.id", "organization")
        if ident is None:
            return
        extra = terms.attribute_values("organization", document, where, self.problems)
        region = extra.get("region", "")
        if region not in self.regions:
            message = "a region code of Morocco is required (Jisr attribute 'region')"
            if region:
                message = f"no such region: {region!r}"
            self.problem(f"{where}.attributes", "organization", ident, "region", message)
        identifiers = [
            item.get("identifier", "")
            for item in document.get("organization_identifiers") or []
            if item.get("identifier_type") == REGISTRATION_TYPE
        ]
        year = document.get("year_incorporated")
        if year is not None and (not float(year).is_integer() or not 1000 <= year <= 2100):
            self.problem(
                f"{where}.year_incorporated", "organization", ident, "year_incorporated",
                f"not a year: {year!r}",
            )  # fmt: skip
            year = None
        values = {
            "id": ident,
            "kind": extra.get("organization_kind") or OrganizationKind.OTHER,
            "name_fr": document["name"],
            "name_ar": document.get("alternate_name", ""),
            "description": document.get("description", ""),
            "legal_status": document.get("legal_status", ""),
            "registration_number": identifiers[0] if identifiers else "",
            "year_incorporated": int(year) if year is not None else None,
            "email": document.get("email", ""),
            "website": document.get("website", ""),
            "region_id": region,
        }
        self._clean(Organization, values, where, "organization")
        self.plan.add(Organization, ident, values)
        self._owned(document, where, organization=ident)
        for position, location in enumerate(document.get("locations") or []):
            self.location(location, f"{where}.locations[{position}]", ident)
        for position, service in enumerate(document.get("services") or []):
            self.service(service, f"{where}.services[{position}]", ident)

    def _owned(self, document: Mapping[str, Any], where: str, **owner: uuid.UUID) -> None:
        """The phones (and contacts) of an organisation, a service or a location."""
        ((owner_name, owner_id),) = owner.items()
        for position, phone in enumerate(document.get("phones") or []):
            here = f"{where}.phones[{position}]"
            ident = self._new_id(Phone, phone["id"], f"{here}.id", "phone")
            if ident is None:
                continue
            values = {
                "id": ident,
                f"{owner_name}_id": owner_id,
                "number": phone["number"],
                "type": phone.get("type", ""),
                "description": phone.get("description", ""),
            }
            self._clean(Phone, values, here, "phone")
            self.plan.add(Phone, ident, values)
        if owner_name == "location":
            return
        for position, contact in enumerate(document.get("contacts") or []):
            here = f"{where}.contacts[{position}]"
            ident = self._new_id(Contact, contact["id"], f"{here}.id", "contact")
            if ident is None:
                continue
            values = {
                "id": ident,
                f"{owner_name}_id": owner_id,
                **{k: contact.get(k, "") for k in ("name", "title", "department", "email")},
            }
            self._clean(Contact, values, here, "contact")
            self.plan.add(Contact, ident, values)

    def location(self, document: Mapping[str, Any], where: str, organization: uuid.UUID) -> None:
        ident = self._new_id(Location, document["id"], f"{where}.id", "location")
        if ident is None:
            return
        extra = terms.attribute_values("location", document, where, self.problems)
        addresses = document.get("addresses") or [{}]
        address = addresses[0]
        values = {
            "id": ident,
            "organization_id": organization,
            "location_type": document["location_type"],
            "name": document.get("name", ""),
            "description": document.get("description", ""),
            "transportation": document.get("transportation", ""),
            "address_1": address.get("address_1", ""),
            "address_2": address.get("address_2", ""),
            "city": address.get("city", ""),
            "postal_code": address.get("postal_code", ""),
            "commune_id": self._commune(
                extra.get("commune", ""), f"{where}.attributes", "location", ident
            ),
            "latitude": self._coordinate(document, "latitude", where, ident),
            "longitude": self._coordinate(document, "longitude", where, ident),
        }
        if len(addresses) > 1:
            self.problem(f"{where}.addresses", "location", ident, "addresses", "one address only")
        self._clean(Location, values, where, "location")
        self.plan.add(Location, ident, values)
        self._owned(document, where, location=ident)

    def _coordinate(self, document: Mapping[str, Any], name: str, where: str, ident: Any) -> Any:
        value = document.get(name)
        if value is None:
            return None
        limit = 90 if name == "latitude" else 180
        if not -limit <= value <= limit:
            self.problem(f"{where}.{name}", "location", ident, name, f"out of range: {value}")
            return None
        return Decimal(str(value)).quantize(Decimal("0.000001"))

    def service(self, document: Mapping[str, Any], where: str, organization: uuid.UUID) -> None:
        ident = self._new_id(Service, document["id"], f"{where}.id", "service")
        if ident is None:
            return
        if document.get("organization_id") not in (None, str(organization)):
            self.problem(
                f"{where}.organization_id", "service", ident, "organization_id",
                "not the id of the organisation the service is listed under",
            )  # fmt: skip
        extra = terms.attribute_values("service", document, where, self.problems)
        here = f"{where}.attributes"
        values = {
            "id": ident,
            "organization_id": organization,
            "name": document["name"],
            "name_ar": document.get("alternate_name", ""),
            "status": document["status"],
            **{
                key: document.get(key, "")
                for key in (
                    "description",
                    "url",
                    "email",
                    "application_process",
                    "fees_description",
                    "eligibility_description",
                )
            },
            "minimum_age": self._age(document, "minimum_age", where, ident),
            "maximum_age": self._age(document, "maximum_age", where, ident),
            "sex": extra.get("sex", ""),
            "places": self._whole(extra.get("places", ""), here, "service", ident, "places"),
            "places_taken": self._whole(
                extra.get("places_taken", ""), here, "service", ident, "places_taken"
            )
            or 0,
            "updated_at": self._parsed(
                dt.datetime.fromisoformat,
                document.get("last_modified"),
                where,
                "service",
                ident,
                "last_modified",
            ),
        }
        for flag in ("requires_disability", "requires_rsu", "requires_asd"):
            raw = extra.get(flag, "false").lower()
            if raw not in BOOLEAN:
                self.problem(here, "service", ident, flag, f"true or false, not {raw!r}")
            values[flag] = BOOLEAN.get(raw, False)
        if values["sex"] not in {s.value for s in Sex}:
            self.problem(here, "service", ident, "sex", f"F or M, not {values['sex']!r}")
        low, high = values["minimum_age"], values["maximum_age"]
        if low is not None and high is not None and low > high:
            self.problem(
                f"{where}.maximum_age", "service", ident, "maximum_age",
                "the maximum age is below the minimum age",
            )  # fmt: skip
        if values["updated_at"] is None:
            del values["updated_at"]
        self._clean(Service, values, where, "service")
        self.plan.add(Service, ident, values)
        self._owned(document, where, service=ident)
        self._service_details(document, where, ident, organization)

    def _age(self, document: Mapping[str, Any], name: str, where: str, ident: Any) -> int | None:
        value = document.get(name)
        if value is None:
            return None
        if not float(value).is_integer() or not 0 <= value <= 130:
            self.problem(f"{where}.{name}", "service", ident, name, f"not an age: {value!r}")
            return None
        return int(value)

    def _service_details(
        self, document: Mapping[str, Any], where: str, service: uuid.UUID, organization: uuid.UUID
    ) -> None:
        for position, item in enumerate(document.get("schedules") or []):
            self.schedule(item, f"{where}.schedules[{position}]", service=service)
        for position, item in enumerate(document.get("service_areas") or []):
            self.service_area(item, f"{where}.service_areas[{position}]", service)
        codes: set[str] = set()
        for position, item in enumerate(document.get("languages") or []):
            here = f"{where}.languages[{position}]"
            ident = self._new_id(Language, item["id"], f"{here}.id", "language")
            if ident is None:
                continue
            code = str(item.get("code") or "")
            if not code or code in codes:
                message = "a language code, once per service" if not code else "given twice"
                self.problem(f"{here}.code", "language", ident, "code", message)
            codes.add(code)
            values = {
                "id": ident,
                "service_id": service,
                "code": code,
                "name": item.get("name", ""),
                "note": item.get("note", ""),
            }
            self._clean(Language, values, here, "language")
            self.plan.add(Language, ident, values)
        for position, item in enumerate(document.get("service_at_locations") or []):
            self.service_at_location(
                item, f"{where}.service_at_locations[{position}]", service, organization
            )

    def schedule(self, document: Mapping[str, Any], where: str, **owner: uuid.UUID) -> None:
        ident = self._new_id(Schedule, document["id"], f"{where}.id", "schedule")
        if ident is None:
            return
        ((owner_name, owner_id),) = owner.items()
        parse_time, parse_date = dt.time.fromisoformat, dt.date.fromisoformat
        values = {
            "id": ident,
            f"{owner_name}_id": owner_id,
            "freq": document.get("freq", ""),
            "byday": document.get("byday", ""),
            "description": document.get("description", ""),
            **{
                name: self._parsed(parse, document.get(name), where, "schedule", ident, name)
                for name, parse in (
                    ("opens_at", parse_time),
                    ("closes_at", parse_time),
                    ("valid_from", parse_date),
                    ("valid_to", parse_date),
                )
            },
        }
        self._clean(Schedule, values, where, "schedule")
        self.plan.add(Schedule, ident, values)

    def service_area(self, document: Mapping[str, Any], where: str, service: uuid.UUID) -> None:
        ident = self._new_id(ServiceArea, document["id"], f"{where}.id", "service_area")
        if ident is None:
            return
        extra = terms.attribute_values("service_area", document, where, self.problems)
        commune, region = extra.get("commune", ""), extra.get("region", "")
        here = f"{where}.attributes"
        if bool(commune) == bool(region):
            self.problem(
                here, "service_area", ident, "commune",
                "a service area is one commune or one region (Jisr attribute 'commune' or "
                "'region')",
            )  # fmt: skip
        if region and region not in self.regions:
            self.problem(here, "service_area", ident, "region", f"no such region: {region!r}")
        values = {
            "id": ident,
            "service_id": service,
            "name": document.get("name", ""),
            "description": document.get("description", ""),
            "commune_id": self._commune(commune, here, "service_area", ident),
            "region_id": region or None,
        }
        self._clean(ServiceArea, values, where, "service_area")
        self.plan.add(ServiceArea, ident, values)

    def service_at_location(
        self,
        document: Mapping[str, Any],
        where: str,
        service: uuid.UUID,
        organization: uuid.UUID,
    ) -> None:
        ident = self._new_id(
            ServiceAtLocation, document["id"], f"{where}.id", "service_at_location"
        )
        if ident is None:
            return
        nested = document.get("location")
        location_id = document.get("location_id") or (nested or {}).get("id")
        if not location_id:
            self.problem(
                f"{where}.location_id", "service_at_location", ident, "location_id",
                "the location is required (location_id or location)",
            )  # fmt: skip
            return
        location = uuid.UUID(str(location_id))
        if nested and location not in self.plan.rows[Location]:
            # A location given only here, nested in the service: it is the organisation's too.
            self.location(nested, f"{where}.location", organization)
        values = {
            "id": ident,
            "service_id": service,
            "location_id": location,
            "description": document.get("description", ""),
        }
        self.plan.add(ServiceAtLocation, ident, values)
        for position, item in enumerate(document.get("schedules") or []):
            self.schedule(item, f"{where}.schedules[{position}]", service_at_location=ident)

    # --- checks against the database ------------------------------------------------------------
    def check_references(self) -> None:
        """Communes that exist; locations of the service's own organisation; services and
        locations that stay with the organisation they belong to."""
        codes = {use[0] for use in self.commune_uses}
        known = dict(Commune.objects.filter(code__in=codes).values_list("code", "name_fr"))
        for values in self.plan.rows[ServiceArea].values():
            # An area without a name is named after its place (as the export names it).
            place = known.get(values["commune_id"]) or self.regions.get(values["region_id"])
            values["name"] = values["name"] or place or ""
        for code, where, kind, owner_id in self.commune_uses:
            if code not in known:
                self.problem(where, kind, owner_id, "commune", f"no such commune: {code!r}")
        self._check_owners(Service, "service")
        self._check_owners(Location, "location")
        locations = self.plan.rows[Location]
        stored = dict(
            Location.objects.filter(
                pk__in=[v["location_id"] for v in self.plan.rows[ServiceAtLocation].values()]
            ).values_list("pk", "organization_id")
        )
        for ident, values in self.plan.rows[ServiceAtLocation].items():
            owner = self.plan.rows[Service][values["service_id"]]["organization_id"]
            location = values["location_id"]
            where_from = locations[location]["organization_id"] if location in locations else None
            if (where_from or stored.get(location)) != owner:
                self.problem(
                    f"{self.where[ident]}.location_id", "service_at_location", ident,
                    "location_id",
                    f"location {location} is not one of the service's organisation's locations",
                )  # fmt: skip

    def _check_owners(self, model: type[Service] | type[Location], kind: str) -> None:
        rows = self.plan.rows[model]
        stored = model.objects.filter(pk__in=list(rows)).values_list("pk", "organization_id")
        for ident, organization in stored:
            if rows[ident]["organization_id"] != organization:
                self.problem(
                    self.where[ident], kind, ident, "organization_id",
                    f"this {kind} belongs to another organisation ({organization})",
                )  # fmt: skip


def read_organizations(
    documents: Any, *, prefix: str = "organizations"
) -> tuple[Plan, list[Problem]]:
    """A plan of the rows `documents` describe, or the problems that refuse it."""
    if isinstance(documents, Mapping):
        documents = [documents]
    if not isinstance(documents, Sequence) or isinstance(documents, str):
        problem = Problem(prefix, "organization", "", "", "expected a list of organisations")
        return Plan(), [problem]
    problems = schema.validate_organizations(documents, prefix=prefix)
    if problems:
        return Plan(), problems
    reader = Reader()
    for position, document in enumerate(documents):
        reader.organization(document, f"{prefix}[{position}]")
    reader.check_references()
    return reader.plan, reader.problems
