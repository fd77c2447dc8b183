"""Writes of the social workforce: profiles, accreditation transitions, training, supervision.

Each service is one durable transaction with its audit row. Accreditation statuses change only
here: grant (pending → granted), suspend (granted → suspended), reinstate (suspended → granted),
renew (granted or expired → granted, later end), expire (granted past its end → expired).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import User
from jisr.accounts.roles import MANAGE_WORKFORCE, RECORD_SUPERVISION
from jisr.core import access, audit
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.geo.models import Commune, Region
from jisr.workforce.errors import (
    AccreditationConditionsUnmet,
    NotTheSupervisor,
    WrongAccreditationStatus,
)
from jisr.workforce.models import (
    AccreditationState,
    Diploma,
    EmployerKind,
    HeldDiploma,
    Language,
    SocialWorker,
    Speciality,
    SupervisionSession,
    TrainingRecord,
    WorkerLanguage,
    WorkerSpeciality,
)
from jisr.workforce.selectors import profiles_in_reach

# Decree 2.22.604: a social worker is at least 18 years old.
MINIMUM_AGE = 18
MAX_TRAINING_HOURS = Decimal("1000")
MAX_CASES_REVIEWED = 1000
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


def _invalid(field_name: str, message: str, **details: Any) -> InvalidInput:
    return InvalidInput(message, field=field_name, **details)


def _choices_check(name: str, values: Iterable[str], allowed: Iterable[str]) -> None:
    values, known = list(values), set(allowed)
    unknown = sorted(set(values) - known)
    if unknown:
        raise _invalid(name, _("Unknown value(s): %s") % ", ".join(unknown), values=unknown)
    if len(set(values)) != len(values):
        raise _invalid(name, _("A value is given more than once."))


def _supervisor_check(supervisor: User | None, worker_user: User) -> None:
    if supervisor is None:
        return
    if supervisor.pk == worker_user.pk:
        raise _invalid("supervisor", _("A social worker cannot supervise themself."))
    if not access.has_action(supervisor, RECORD_SUPERVISION):
        raise _invalid(
            "supervisor", _("The supervisor must be an active user with a supervisor's role.")
        )


def _fields_check(fields: ProfileFields, worker_user: User) -> None:
    """Refuse a profile that does not hold together (InvalidInput naming the field)."""
    if not Region.objects.filter(code=fields.region).exists():
        raise _invalid("region", _("Unknown region: %s") % fields.region)
    found = set(Commune.objects.filter(code__in=fields.communes).values_list("code", "region_id"))
    unknown = sorted(set(fields.communes) - {code for code, _region in found})
    if unknown:
        raise _invalid("communes", _("Unknown commune(s): %s") % ", ".join(unknown))
    elsewhere = sorted(code for code, region in found if region != fields.region)
    if elsewhere:
        raise _invalid(
            "communes",
            _("The territory's communes must be in the region of practice: %s")
            % ", ".join(elsewhere),
        )
    _choices_check("employer_kind", [fields.employer_kind], EmployerKind.values)
    if fields.employer_kind not in NAMELESS_EMPLOYERS and not fields.employer_name.strip():
        raise _invalid("employer_name", _("Give the employer's name."))
    codes = [held.diploma for held in fields.diplomas]
    _choices_check(
        "diplomas", codes, Diploma.objects.filter(code__in=codes).values_list("code", flat=True)
    )
    this_year = timezone.localdate().year
    if any(
        held.year is not None and not 1950 <= held.year <= this_year for held in fields.diplomas
    ):
        raise _invalid("diplomas", _("A diploma's year must be between 1950 and this year."))
    _choices_check("languages", fields.languages, Language.values)
    _choices_check("specialities", fields.specialities, Speciality.values)
    _supervisor_check(fields.supervisor, worker_user)
    association = fields.association_region
    if association is not None and not Region.objects.filter(code=association).exists():
        raise _invalid("association_region", _("Unknown region: %s") % association)
    if fields.birth_date is not None and fields.birth_date > timezone.localdate():
        raise _invalid("birth_date", _("The birth date is in the future."))


def _scope_covers(actor: Actor, region: str) -> None:
    if not access.user_scope(actor).covers(region=region):
        raise AccessDenied(_("This region is outside your scope."), region=region)


def _reach(actor: Actor, worker: SocialWorker, permission: str) -> None:
    """The actor may do `permission` on this worker's profile (AccessDenied / NotFound)."""
    access.require(actor, permission)
    if not profiles_in_reach(user=actor, permission=permission).filter(pk=worker.pk).exists():
        raise NotFound()


def _fields_write(worker: SocialWorker, fields: ProfileFields) -> None:
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


@transaction.atomic(durable=True)
def profile_create(
    *, actor: Actor, user: User, fields: ProfileFields, reason: str = ""
) -> SocialWorker:
    """Create `user`'s social worker profile (accreditation pending) in the actor's scope."""
    access.require(actor, MANAGE_WORKFORCE)
    _scope_covers(actor, fields.region)
    if not user.is_active:
        raise _invalid("user", _("This account is deactivated."))
    if SocialWorker.objects.filter(user=user).exists():
        raise _invalid("user", _("This user already has a social worker profile."))
    _fields_check(fields, user)
    worker = SocialWorker(user=user)
    _fields_write(worker, fields)
    audit.record(
        actor=actor,
        action="workforce.profile_created",
        target=worker,
        after={"user": user.pk, **fields.as_audit()},
        reason=reason,
    )
    return worker


@transaction.atomic(durable=True)
def profile_update(
    *, actor: Actor, worker: SocialWorker, fields: ProfileFields, reason: str = ""
) -> SocialWorker:
    """Replace a profile's fields (not its accreditation: see the accreditation services)."""
    _reach(actor, worker, MANAGE_WORKFORCE)
    _scope_covers(actor, fields.region)
    locked = SocialWorker.objects.select_for_update().select_related("user").get(pk=worker.pk)
    _fields_check(fields, locked.user)
    before = ProfileFields.of(locked).as_audit()
    _fields_write(locked, fields)
    audit.record(
        actor=actor,
        action="workforce.profile_updated",
        target=locked,
        before=before,
        after=fields.as_audit(),
        reason=reason,
    )
    return locked


# --- Accreditation (agrément) -----------------------------------------------------------------


def _accreditation(worker: SocialWorker) -> dict[str, Any]:
    return {
        "status": worker.accreditation_status,
        "number": worker.accreditation_number,
        "valid_from": worker.accreditation_valid_from,
        "valid_until": worker.accreditation_valid_until,
        "authority": worker.accreditation_authority,
    }


def _locked_in(worker: SocialWorker, allowed: Iterable[str]) -> SocialWorker:
    locked = SocialWorker.objects.select_for_update().select_related("user").get(pk=worker.pk)
    if locked.accreditation_status not in set(allowed):
        raise WrongAccreditationStatus(status=locked.accreditation_status)
    return locked


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _conditions_unmet(worker: SocialWorker, on: dt.date) -> list[str]:
    """The conditions of decree 2.22.604 that `worker` does not meet on `on`."""
    unmet = []
    if not worker.diplomas.filter(diploma__on_official_list=True).exists():
        unmet.append(_("a diploma in the social field on the official list"))
    if worker.birth_date is None:
        unmet.append(_("a birth date (to check the minimum age of 18)"))
    elif _age_on(worker.birth_date, on) < MINIMUM_AGE:
        unmet.append(_("the minimum age of 18"))
    if not worker.moroccan_national and not worker.foreign_authorisation:
        unmet.append(_("Moroccan nationality or an authorisation to practise"))
    return unmet


def _conditions_require(worker: SocialWorker, on: dt.date) -> None:
    unmet = _conditions_unmet(worker, on)
    if unmet:
        raise AccreditationConditionsUnmet(
            _("The conditions for an accreditation are not met: missing %s.") % "; ".join(unmet),
            unmet=unmet,
        )


def _period_check(valid_from: dt.date, valid_until: dt.date) -> None:
    if valid_until < valid_from:
        raise _invalid("valid_until", _("The end of validity is before its start."))


def _number_check(worker: SocialWorker, number: str) -> str:
    number = number.strip()
    if not number:
        raise _invalid("number", _("Give the accreditation number."))
    if SocialWorker.objects.filter(accreditation_number=number).exclude(pk=worker.pk).exists():
        raise _invalid("number", _("This accreditation number is already used."))
    return number


def _accreditation_save(
    *, actor: Actor, worker: SocialWorker, before: dict[str, Any], action: str, reason: str
) -> SocialWorker:
    worker.save()
    audit.record(
        actor=actor,
        action=action,
        target=worker,
        before=before,
        after=_accreditation(worker),
        reason=reason,
    )
    return worker


@transaction.atomic(durable=True)
def accreditation_grant(
    *,
    actor: Actor,
    worker: SocialWorker,
    number: str,
    valid_from: dt.date,
    valid_until: dt.date,
    authority: str,
    reason: str = "",
) -> SocialWorker:
    """Record the accreditation granted by the competent administration (pending → granted),
    once the decree's conditions are met on `valid_from`."""
    _reach(actor, worker, MANAGE_WORKFORCE)
    locked = _locked_in(worker, [AccreditationState.PENDING])
    before = _accreditation(locked)
    if not authority.strip():
        raise _invalid("authority", _("Give the authority that granted the accreditation."))
    _period_check(valid_from, valid_until)
    locked.accreditation_number = _number_check(locked, number)
    _conditions_require(locked, valid_from)
    locked.accreditation_status = AccreditationState.GRANTED
    locked.accreditation_valid_from, locked.accreditation_valid_until = valid_from, valid_until
    locked.accreditation_authority = authority.strip()
    return _accreditation_save(
        actor=actor,
        worker=locked,
        before=before,
        action="workforce.accreditation_granted",
        reason=reason,
    )


def _reason_required(reason: str) -> str:
    if not reason.strip():
        raise _invalid("reason", _("Give the reason for this change."))
    return reason.strip()


@transaction.atomic(durable=True)
def accreditation_suspend(*, actor: Actor, worker: SocialWorker, reason: str) -> SocialWorker:
    """Suspend a granted accreditation (the worker may not practise until reinstated)."""
    _reach(actor, worker, MANAGE_WORKFORCE)
    reason = _reason_required(reason)
    locked = _locked_in(worker, [AccreditationState.GRANTED])
    before = _accreditation(locked)
    locked.accreditation_status = AccreditationState.SUSPENDED
    return _accreditation_save(
        actor=actor,
        worker=locked,
        before=before,
        action="workforce.accreditation_suspended",
        reason=reason,
    )


@transaction.atomic(durable=True)
def accreditation_reinstate(*, actor: Actor, worker: SocialWorker, reason: str) -> SocialWorker:
    """Lift a suspension (suspended → granted, same validity period)."""
    _reach(actor, worker, MANAGE_WORKFORCE)
    reason = _reason_required(reason)
    locked = _locked_in(worker, [AccreditationState.SUSPENDED])
    before = _accreditation(locked)
    locked.accreditation_status = AccreditationState.GRANTED
    return _accreditation_save(
        actor=actor,
        worker=locked,
        before=before,
        action="workforce.accreditation_reinstated",
        reason=reason,
    )


@transaction.atomic(durable=True)
def accreditation_renew(
    *,
    actor: Actor,
    worker: SocialWorker,
    valid_until: dt.date,
    valid_from: dt.date | None = None,
    number: str = "",
    authority: str = "",
    reason: str = "",
) -> SocialWorker:
    """Extend a granted or expired accreditation to a later end (granted again); a suspended one
    must be reinstated first. The number and authority are kept unless new ones are given."""
    _reach(actor, worker, MANAGE_WORKFORCE)
    locked = _locked_in(worker, [AccreditationState.GRANTED, AccreditationState.EXPIRED])
    before = _accreditation(locked)
    current_end = locked.accreditation_valid_until
    if current_end is not None and valid_until <= current_end:
        raise _invalid("valid_until", _("A renewal must end after the current end of validity."))
    start = valid_from or locked.accreditation_valid_from
    if start is None:  # not reachable: a granted or expired accreditation has its dates
        raise _invalid("valid_from", _("Give the start of validity."))
    _period_check(start, valid_until)
    if number.strip():
        locked.accreditation_number = _number_check(locked, number)
    _conditions_require(locked, start)
    locked.accreditation_status = AccreditationState.GRANTED
    locked.accreditation_valid_from, locked.accreditation_valid_until = start, valid_until
    if authority.strip():
        locked.accreditation_authority = authority.strip()
    return _accreditation_save(
        actor=actor,
        worker=locked,
        before=before,
        action="workforce.accreditation_renewed",
        reason=reason,
    )


@transaction.atomic(durable=True)
def accreditations_expire(*, on: dt.date | None = None, actor: Actor = None) -> int:
    """Mark granted accreditations whose last valid day is before `on` (default today) expired
    (the daily housekeeping; `accreditation_require` already refuses them). A person running it
    needs MANAGE_WORKFORCE and a national scope; the system (actor None) runs it as a job."""
    if actor is not None:
        access.require(actor, MANAGE_WORKFORCE)
        if not access.user_scope(actor).national:
            raise AccessDenied(permission=MANAGE_WORKFORCE)
    day = on or timezone.localdate()
    past = SocialWorker.objects.select_for_update().filter(
        accreditation_status=AccreditationState.GRANTED, accreditation_valid_until__lt=day
    )
    ids = sorted(past.values_list("pk", flat=True))
    if not ids:
        return 0
    SocialWorker.objects.filter(pk__in=ids).update(
        accreditation_status=AccreditationState.EXPIRED, updated_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action="workforce.accreditations_expired",
        after={"on": day, "workers": ids},
    )
    return len(ids)


# --- Continuing training and supervision ------------------------------------------------------


def _actor_id(actor: Actor) -> int:
    pk = getattr(actor, "pk", None)
    if not isinstance(pk, int):
        raise AccessDenied()
    return pk


def _past_date(name: str, day: dt.date) -> None:
    if day > timezone.localdate() or day.year < 1970:
        raise _invalid(name, _("The date must be in the past (from 1970)."))


@transaction.atomic(durable=True)
def training_record_add(
    *,
    actor: Actor,
    worker: SocialWorker,
    date: dt.date,
    title: str,
    hours: Decimal | int | str,
    provider: str = "",
) -> TrainingRecord:
    """Record a continuing training: by the worker themself or an administrator reaching them."""
    if getattr(actor, "pk", None) != worker.user_id or not getattr(actor, "is_active", False):
        _reach(actor, worker, MANAGE_WORKFORCE)
    if not title.strip():
        raise _invalid("title", _("Give the training's title."))
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise _invalid("hours", _("Hours must be a number.")) from None
    if not Decimal("0") < amount <= MAX_TRAINING_HOURS:
        raise _invalid("hours", _("Hours must be more than 0 and at most 1000."))
    _past_date("date", date)
    record = TrainingRecord.objects.create(
        worker=worker,
        date=date,
        title=title.strip(),
        hours=amount,
        provider=provider.strip(),
        recorded_by_id=_actor_id(actor),
    )
    audit.record(
        actor=actor,
        action="workforce.training_recorded",
        target=worker,
        after={"record": record.pk, "date": date, "title": record.title, "hours": amount},
    )
    return record


@transaction.atomic(durable=True)
def supervision_session_record(
    *,
    actor: Actor,
    worker: SocialWorker,
    date: dt.date,
    cases_reviewed: int,
    notes: str = "",
) -> SupervisionSession:
    """Record a supervision session held by the actor, who must be the worker's supervisor."""
    access.require(actor, RECORD_SUPERVISION)
    current = SocialWorker.objects.get(pk=worker.pk)
    if current.supervisor_id is None or current.supervisor_id != getattr(actor, "pk", None):
        raise NotTheSupervisor()
    if not 0 <= cases_reviewed <= MAX_CASES_REVIEWED:
        raise _invalid("cases_reviewed", _("Cases reviewed must be between 0 and 1000."))
    _past_date("date", date)
    session = SupervisionSession.objects.create(
        supervisor_id=_actor_id(actor),
        worker=current,
        date=date,
        cases_reviewed=cases_reviewed,
        notes=notes,
    )
    audit.record(
        actor=actor,
        action="workforce.supervision_recorded",
        target=current,
        after={"session": session.pk, "date": date, "cases_reviewed": cases_reviewed},
    )
    return session
