"""What reading an HSDS document builds (a `Plan` of rows, in `WRITE_ORDER`) and the reading
state and checks every HSDS object's reader shares (`ReaderBase`); the readers are in `parse`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from jisr.geo.models import Region
from jisr.partners.hsds.schema import Problem
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

# Model fields whose HSDS name differs (for problems named in HSDS's words).
HSDS_NAMES: dict[type[models.Model], dict[str, str]] = {
    Organization: {
        "name_fr": "name",
        "name_ar": "alternate_name",
        "registration_number": "organization_identifiers",
        "kind": "attributes.organization_kind",
    },
    Service: {
        "name_ar": "alternate_name",
        "updated_at": "last_modified",
        "sex": "attributes.sex",
        "places": "attributes.places",
        "places_taken": "attributes.places_taken",
    },
    Location: {
        "address_1": "addresses[0].address_1",
        "address_2": "addresses[0].address_2",
        "city": "addresses[0].city",
        "postal_code": "addresses[0].postal_code",
    },
}
BOOLEAN = {"true": True, "false": False}


@dataclass
class Plan:
    """Rows to write: for each model, HSDS id → field values (foreign keys as `<name>_id`)."""

    rows: dict[type[models.Model], dict[uuid.UUID, dict[str, Any]]] = field(
        default_factory=lambda: {model: {} for model in WRITE_ORDER}
    )

    def add(self, model: type[models.Model], ident: uuid.UUID, values: dict[str, Any]) -> None:
        self.rows[model][ident] = values

    def count(self, model: type[models.Model]) -> int:
        return len(self.rows[model])


# Parents before children: the order rows are written in.
WRITE_ORDER: tuple[type[models.Model], ...] = (
    Organization,
    Location,
    Service,
    ServiceAtLocation,
    Schedule,
    ServiceArea,
    Language,
    Phone,
    Contact,
)


class ReaderBase:
    """A document's reading state — the problems found, the plan, the ids seen — and the checks
    every object's reader uses."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.plan = Plan()
        self.regions = dict(Region.objects.values_list("code", "name_fr"))  # code → name
        self.seen: dict[type[models.Model], set[uuid.UUID]] = {m: set() for m in WRITE_ORDER}
        self.commune_uses: list[tuple[str, str, str, str]] = []  # (code, where, object, id)
        self.where: dict[uuid.UUID, str] = {}  # where each object is in the document

    # --- helpers --------------------------------------------------------------------------------
    def problem(self, where: str, kind: str, ident: Any, name: str, message: str) -> None:
        self.problems.append(Problem(where, kind, str(ident or ""), name, message))

    def _new_id(
        self, model: type[models.Model], value: Any, where: str, kind: str
    ) -> uuid.UUID | None:
        ident = uuid.UUID(str(value))  # the schema checked the format
        if ident in self.seen[model]:
            self.problem(where, kind, ident, "id", "this id is used by two objects")
            return None
        self.seen[model].add(ident)
        self.where[ident] = where.removesuffix(".id")
        return ident

    def _clean(
        self, model: type[models.Model], values: dict[str, Any], where: str, kind: str
    ) -> None:
        """Django's own checks of each field (lengths, choices, emails…), named in HSDS terms."""
        keys = [name for name in values if not name.endswith("_id")]
        instance = model(**{k: v for k, v in values.items() if k in keys})
        excluded = [f.name for f in model._meta.fields if f.name not in keys]
        try:
            instance.clean_fields(exclude=excluded)
        except ValidationError as error:
            names = HSDS_NAMES.get(model, {})
            for name, messages in error.message_dict.items():
                hsds = names.get(name, name)
                for message in messages:
                    self.problem(f"{where}.{hsds}", kind, values.get("id"), hsds, message)

    def _commune(self, code: str, where: str, kind: str, ident: Any) -> str | None:
        if not code:
            return None
        self.commune_uses.append((code, where, kind, str(ident)))
        return code

    def _whole(self, raw: str, where: str, kind: str, ident: Any, name: str) -> int | None:
        if raw == "":
            return None
        if not raw.isdigit():
            self.problem(where, kind, ident, name, f"not a whole number ≥ 0: {raw!r}")
            return None
        return int(raw)

    def _parsed(self, parse: Any, raw: Any, where: str, kind: str, ident: Any, name: str) -> Any:
        if raw in (None, ""):
            return None
        try:
            return parse(str(raw))
        except ValueError:
            self.problem(f"{where}.{name}", kind, ident, name, f"not a valid value: {raw!r}")
            return None
