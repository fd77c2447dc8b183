"""Importing an HSDS directory: validated first (the HSDS schemas, then Jisr's checks), refused
whole with every problem named, or written whole in one transaction. Idempotent by HSDS id: the
same document again changes nothing.

An organisation or service in the document is created or updated; the details a document gives in
full for each of its organisations, services and locations (phones, contacts, schedules, service
areas, languages, services at locations) are made to match it — those it no longer lists go.
Organisations, services and locations the document does not mention are left as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import MANAGE_DIRECTORY
from jisr.core import access, audit
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied, InvalidInput
from jisr.partners.errors import HsdsRefused
from jisr.partners.hsds.parse import read_organizations
from jisr.partners.hsds.reading import WRITE_ORDER, Plan
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

DIRECTORY_FILE = "organizations.json"


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()) or self.removed)


def _require_scope(actor: Actor, plan: Plan) -> None:
    """The right to change the directory, and every organisation touched (as it is and as the
    document makes it) in the actor's scope. The system (None) reaches all."""
    if actor is None:
        return
    if not access.has_action(actor, MANAGE_DIRECTORY):
        raise AccessDenied(permission=MANAGE_DIRECTORY)
    scope = access.user_scope(actor)
    rows = plan.rows[Organization]
    stored = Organization.objects.filter(pk__in=list(rows)).values_list("region_id", flat=True)
    regions = {values["region_id"] for values in rows.values()} | set(stored)
    outside = sorted(region for region in regions if not scope.covers(region=region))
    if outside:
        raise AccessDenied(
            _("Organisations of regions outside your scope: %s") % ", ".join(outside),
            permission=MANAGE_DIRECTORY,
            regions=outside,
        )


def _stale(plan: Plan) -> dict[type[models.Model], models.QuerySet[Any]]:
    """The details of the document's objects that the document no longer lists."""
    organizations = list(plan.rows[Organization])
    services = list(plan.rows[Service])
    locations = list(plan.rows[Location])
    places = list(plan.rows[ServiceAtLocation])

    def missing(model: type[models.Model], condition: models.Q) -> models.QuerySet[Any]:
        return model._default_manager.filter(condition).exclude(pk__in=list(plan.rows[model]))

    return {
        Schedule: missing(
            Schedule,
            models.Q(service_id__in=services) | models.Q(service_at_location_id__in=places),
        ),
        ServiceAtLocation: missing(ServiceAtLocation, models.Q(service_id__in=services)),
        ServiceArea: missing(ServiceArea, models.Q(service_id__in=services)),
        Language: missing(Language, models.Q(service_id__in=services)),
        Phone: missing(
            Phone,
            models.Q(organization_id__in=organizations)
            | models.Q(service_id__in=services)
            | models.Q(location_id__in=locations),
        ),
        Contact: missing(
            Contact,
            models.Q(organization_id__in=organizations) | models.Q(service_id__in=services),
        ),
    }


def _write(plan: Plan, summary: ImportSummary) -> None:
    now = timezone.now()
    for model in WRITE_ORDER:
        rows = plan.rows[model]
        name = model._meta.model_name or model.__name__
        existing = model._default_manager.in_bulk(list(rows))
        created, updated = [], 0
        for ident, values in rows.items():
            record = existing.get(ident)
            if record is None:
                record = model(**values)
                if model is Service and "updated_at" not in values:
                    record.updated_at = now  # type: ignore[attr-defined]
                created.append(record)
                continue
            changed = [key for key, value in values.items() if getattr(record, key) != value]
            if not changed:
                continue
            for key in changed:
                setattr(record, key, values[key])
            if model is Service and "updated_at" not in values:
                record.updated_at = now  # type: ignore[attr-defined]
                changed.append("updated_at")
            record.save(update_fields=[key.removesuffix("_id") for key in changed])
            updated += 1
        model._default_manager.bulk_create(created)
        summary.created[name] = len(created)
        summary.updated[name] = updated
        summary.unchanged[name] = len(rows) - len(created) - updated


@transaction.atomic(durable=True)
def directory_import(
    *, actor: Actor, documents: Any, source: str = DIRECTORY_FILE
) -> ImportSummary:
    """Import HSDS organisations with their services (a list, or one organisation): all or
    nothing. Refused with `HsdsRefused` (its `problems` name the object, id and field)."""
    plan, problems = read_organizations(documents, prefix=source)
    if problems:
        raise HsdsRefused(
            problems=[problem.as_dict() for problem in problems],
            lines=[str(problem) for problem in problems],
        )
    _require_scope(actor, plan)
    summary = ImportSummary()
    for query in _stale(plan).values():
        summary.removed += query.delete()[0]
    _write(plan, summary)
    if summary.changed:
        audit.record(
            actor=actor,
            action="partners.directory_imported",
            after={
                "source": source,
                "organizations": sorted(str(ident) for ident in plan.rows[Organization]),
                **summary.as_dict(),
            },
        )
    return summary


def directory_file(path: Path) -> Path:
    """The HSDS file of an export directory (or the file itself)."""
    return path / DIRECTORY_FILE if path.is_dir() else path


def directory_import_path(*, actor: Actor, path: Path) -> ImportSummary:
    """`directory_import` of a file written by `jisr partners export-hsds` (or its directory)."""
    file = directory_file(path)
    if not file.exists():
        raise InvalidInput(_("No such file: %s") % file, field="path")
    try:
        documents = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        message = _("%(file)s is not JSON: %(error)s") % {"file": file, "error": error}
        raise InvalidInput(message, field="path") from None
    return directory_import(actor=actor, documents=documents, source=file.name)
