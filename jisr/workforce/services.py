"""Writes of the social workforce: profiles, accreditation transitions, training, supervision.

Each service is one durable transaction with its audit row. Accreditation statuses change only
here: grant (pending → granted), suspend (granted → suspended), reinstate (suspended → granted),
renew (granted or expired → granted, later end), expire (granted past its end → expired).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import User
from jisr.accounts.roles import MANAGE_WORKFORCE, RECORD_SUPERVISION
from jisr.core import access, audit
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied, NotFound
from jisr.rules.periods import age_on

# The profiles' fields are part of this module's surface (re-exported).
from jisr.workforce._profiles import DiplomaHeld as DiplomaHeld
from jisr.workforce._profiles import ProfileFields as ProfileFields
from jisr.workforce._profiles import fields_check, fields_write, invalid
from jisr.workforce.errors import (
    AccreditationConditionsUnmet,
    NotTheSupervisor,
    OwnAccreditation,
    WrongAccreditationStatus,
)
from jisr.workforce.models import (
    AccreditationState,
    SocialWorker,
    SupervisionSession,
    TrainingRecord,
)
from jisr.workforce.selectors import profiles_in_reach

# Decree 2.22.604: a social worker is at least 18 years old.
MINIMUM_AGE = 18
MAX_TRAINING_HOURS = Decimal("1000")
MAX_CASES_REVIEWED = 1000


def _scope_covers(actor: Actor, region: str) -> None:
    if not access.user_scope(actor).covers(region=region):
        raise AccessDenied(_("This region is outside your scope."), region=region)


def _reach(actor: Actor, worker: SocialWorker, permission: str) -> None:
    """The actor may do `permission` on this worker's profile (AccessDenied / NotFound)."""
    access.require(actor, permission)
    if not profiles_in_reach(user=actor, permission=permission).filter(pk=worker.pk).exists():
        raise NotFound()


def _reach_other(actor: Actor, worker: SocialWorker) -> None:
    """An accreditation is decided by an administrator reaching the worker, never by the worker."""
    _reach(actor, worker, MANAGE_WORKFORCE)
    if worker.user_id == getattr(actor, "pk", None):
        raise OwnAccreditation()


@transaction.atomic(durable=True)
def profile_create(
    *, actor: Actor, user: User, fields: ProfileFields, reason: str = ""
) -> SocialWorker:
    """Create `user`'s social worker profile (accreditation pending) in the actor's scope."""
    access.require(actor, MANAGE_WORKFORCE)
    _scope_covers(actor, fields.region)
    if not user.is_active:
        raise invalid("user", _("This account is deactivated."))
    if SocialWorker.objects.filter(user=user).exists():
        raise invalid("user", _("This user already has a social worker profile."))
    fields_check(fields, user)
    worker = SocialWorker(user=user)
    fields_write(worker, fields)
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
    fields_check(fields, locked.user)
    before = ProfileFields.of(locked).as_audit()
    fields_write(locked, fields)
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


def _conditions_unmet(worker: SocialWorker, on: dt.date) -> list[str]:
    """The conditions of decree 2.22.604 that `worker` does not meet on `on`."""
    unmet = []
    if not worker.diplomas.filter(diploma__on_official_list=True).exists():
        unmet.append(_("a diploma in the social field on the official list"))
    if worker.birth_date is None:
        unmet.append(_("a birth date (to check the minimum age of 18)"))
    elif age_on(worker.birth_date, on) < MINIMUM_AGE:
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
        raise invalid("valid_until", _("The end of validity is before its start."))


def _number_check(worker: SocialWorker, number: str) -> str:
    number = number.strip()
    if not number:
        raise invalid("number", _("Give the accreditation number."))
    if SocialWorker.objects.filter(accreditation_number=number).exclude(pk=worker.pk).exists():
        raise invalid("number", _("This accreditation number is already used."))
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
    _reach_other(actor, worker)
    locked = _locked_in(worker, [AccreditationState.PENDING])
    before = _accreditation(locked)
    if not authority.strip():
        raise invalid("authority", _("Give the authority that granted the accreditation."))
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
        raise invalid("reason", _("Give the reason for this change."))
    return reason.strip()


@transaction.atomic(durable=True)
def accreditation_suspend(*, actor: Actor, worker: SocialWorker, reason: str) -> SocialWorker:
    """Suspend a granted accreditation (the worker may not practise until reinstated)."""
    _reach_other(actor, worker)
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
    _reach_other(actor, worker)
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
    _reach_other(actor, worker)
    locked = _locked_in(worker, [AccreditationState.GRANTED, AccreditationState.EXPIRED])
    before = _accreditation(locked)
    current_end = locked.accreditation_valid_until
    if current_end is not None and valid_until <= current_end:
        raise invalid("valid_until", _("A renewal must end after the current end of validity."))
    start = valid_from or locked.accreditation_valid_from
    if start is None:  # not reachable: a granted or expired accreditation has its dates
        raise invalid("valid_from", _("Give the start of validity."))
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
        access.require_national(actor, MANAGE_WORKFORCE)
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
        raise invalid(name, _("The date must be in the past (from 1970)."))


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
        raise invalid("title", _("Give the training's title."))
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise invalid("hours", _("Hours must be a number.")) from None
    if not Decimal("0") < amount <= MAX_TRAINING_HOURS:
        raise invalid("hours", _("Hours must be more than 0 and at most 1000."))
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
        raise invalid("cases_reviewed", _("Cases reviewed must be between 0 and 1000."))
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
