"""Profiles' fields: what a profile holds besides its user and accreditation, checked as a whole
(each refusal an InvalidInput naming the field) and written with its related rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import User
from jisr.accounts.roles import RECORD_SUPERVISION
from jisr.core import access
from jisr.core.errors import InvalidInput
from jisr.geo.models import Commune, Region
from jisr.workforce.models import (
    Diploma,
    EmployerKind,
    HeldDiploma,
    Language,
    SocialWorker,
    Speciality,
    WorkerLanguage,
    WorkerSpeciality,
)

# Employers identified by their kind alone (the others need a name).
NAMELESS_EMPLOYERS = (EmployerKind.ENTRAIDE_NATIONALE, EmployerKind.INDEPENDENT)


@dataclass(frozen=True)
class DiplomaHeld:
    diploma: str  # a Diploma code
    year: int | None = None
    institution: str = ""


@dataclass(frozen=True)
class ProfileFields:
    """Everything a profile holds besides its user and accreditation (replaced as a whole)."""

    region: str
    employer_kind: str
    employer_name: str = ""
    communes: tuple[str, ...] = ()
    diplomas: tuple[DiplomaHeld, ...] = ()
    languages: tuple[str, ...] = ()
    specialities: tuple[str, ...] = ()
    supervisor: User | None = None
    association_region: str | None = None
    association_membership: str = ""
    birth_date: dt.date | None = None
    moroccan_national: bool = True
    foreign_authorisation: str = ""

    @classmethod
    def of(cls, worker: SocialWorker) -> ProfileFields:
        return cls(
            region=worker.region_id,
            employer_kind=worker.employer_kind,
            employer_name=worker.employer_name,
            communes=tuple(sorted(worker.communes.values_list("code", flat=True))),
            diplomas=tuple(
                DiplomaHeld(h.diploma_id, h.year, h.institution)
                for h in worker.diplomas.order_by("diploma_id")
            ),
            languages=tuple(
                worker.languages.order_by("language").values_list("language", flat=True)
            ),
            specialities=tuple(
                worker.specialities.order_by("speciality").values_list("speciality", flat=True)
            ),
            supervisor=worker.supervisor,
            association_region=worker.association_region_id,
            association_membership=worker.association_membership,
            birth_date=worker.birth_date,
            moroccan_national=worker.moroccan_national,
            foreign_authorisation=worker.foreign_authorisation,
        )

    def as_audit(self) -> dict[str, Any]:
        data = asdict(self)
        data["supervisor"] = self.supervisor.pk if self.supervisor else None
        return data


def invalid(field_name: str, message: str, **details: Any) -> InvalidInput:
    return InvalidInput(message, field=field_name, **details)


def _choices_check(name: str, values: Iterable[str], allowed: Iterable[str]) -> None:
    values, known = list(values), set(allowed)
    unknown = sorted(set(values) - known)
    if unknown:
        raise invalid(name, _("Unknown value(s): %s") % ", ".join(unknown), values=unknown)
    if len(set(values)) != len(values):
        raise invalid(name, _("A value is given more than once."))


def _supervisor_check(supervisor: User | None, worker_user: User) -> None:
    if supervisor is None:
        return
    if supervisor.pk == worker_user.pk:
        raise invalid("supervisor", _("A social worker cannot supervise themself."))
    if not access.has_action(supervisor, RECORD_SUPERVISION):
        raise invalid(
            "supervisor", _("The supervisor must be an active user with a supervisor's role.")
        )


def fields_check(fields: ProfileFields, worker_user: User) -> None:
    """Refuse a profile that does not hold together (InvalidInput naming the field)."""
    if not Region.objects.filter(code=fields.region).exists():
        raise invalid("region", _("Unknown region: %s") % fields.region)
    found = set(Commune.objects.filter(code__in=fields.communes).values_list("code", "region_id"))
    unknown = sorted(set(fields.communes) - {code for code, _region in found})
    if unknown:
        raise invalid("communes", _("Unknown commune(s): %s") % ", ".join(unknown))
    elsewhere = sorted(code for code, region in found if region != fields.region)
    if elsewhere:
        raise invalid(
            "communes",
            _("The territory's communes must be in the region of practice: %s")
            % ", ".join(elsewhere),
        )
    _choices_check("employer_kind", [fields.employer_kind], EmployerKind.values)
    if fields.employer_kind not in NAMELESS_EMPLOYERS and not fields.employer_name.strip():
        raise invalid("employer_name", _("Give the employer's name."))
    codes = [held.diploma for held in fields.diplomas]
    _choices_check(
        "diplomas", codes, Diploma.objects.filter(code__in=codes).values_list("code", flat=True)
    )
    this_year = timezone.localdate().year
    if any(
        held.year is not None and not 1950 <= held.year <= this_year for held in fields.diplomas
    ):
        raise invalid("diplomas", _("A diploma's year must be between 1950 and this year."))
    _choices_check("languages", fields.languages, Language.values)
    _choices_check("specialities", fields.specialities, Speciality.values)
    _supervisor_check(fields.supervisor, worker_user)
    association = fields.association_region
    if association is not None and not Region.objects.filter(code=association).exists():
        raise invalid("association_region", _("Unknown region: %s") % association)
    if fields.birth_date is not None and fields.birth_date > timezone.localdate():
        raise invalid("birth_date", _("The birth date is in the future."))


def fields_write(worker: SocialWorker, fields: ProfileFields) -> None:
    worker.region_id = fields.region
    worker.employer_kind = fields.employer_kind
    worker.employer_name = fields.employer_name.strip()
    worker.supervisor = fields.supervisor
    worker.association_region_id = fields.association_region
    worker.association_membership = fields.association_membership.strip()
    worker.birth_date = fields.birth_date
    worker.moroccan_national = fields.moroccan_national
    worker.foreign_authorisation = fields.foreign_authorisation.strip()
    worker.save()
    worker.communes.set(Commune.objects.filter(code__in=fields.communes))
    worker.diplomas.all().delete()
    HeldDiploma.objects.bulk_create(
        HeldDiploma(worker=worker, diploma_id=h.diploma, year=h.year, institution=h.institution)
        for h in fields.diplomas
    )
    worker.languages.all().delete()
    WorkerLanguage.objects.bulk_create(
        WorkerLanguage(worker=worker, language=code) for code in fields.languages
    )
    worker.specialities.all().delete()
    WorkerSpeciality.objects.bulk_create(
        WorkerSpeciality(worker=worker, speciality=code) for code in fields.specialities
    )
