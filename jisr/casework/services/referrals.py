"""Consent and referrals to partner services.

A referral needs an approved care plan and a valid consent: recorded, not withdrawn, not expired,
for referrals, and naming the receiving organisation (or any organisation when it names none). A
supervisor of the case may override a missing consent with a reason; the override is kept on the
referral, on the timeline and in the audit trail. The partner sees only `shared`: the fields the
consent allows (need-to-know), never the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import User
from jisr.casework import access
from jisr.casework.access import Action
from jisr.casework.errors import ConsentMissing, PlanNotApproved, WrongCaseStatus
from jisr.casework.models import (
    Case,
    CaseStatus,
    Consent,
    ConsentScope,
    Referral,
    ReferralStatus,
)
from jisr.casework.services._common import accredited, acting, acting_as, event
from jisr.core.errors import AccessDenied, InvalidInput

# What a consent may let a partner see, and how each is read from the case.
SHAREABLE = ("first_name", "age", "sex", "commune", "needs", "contact")


def _shared(referral_case: Any, fields: Sequence[str], reason: str) -> dict[str, Any]:
    person = referral_case.person
    household = referral_case.household
    data: dict[str, Any] = {"case": referral_case.reference, "reason": reason}
    if "first_name" in fields and person is not None:
        data["first_name"] = {"ar": person.first_name_ar, "lat": person.first_name_lat}
    if "age" in fields and person is not None:
        from jisr.rules.periods import age_on

        data["age"] = age_on(person.birth_date, timezone.localdate())
    if "sex" in fields and person is not None:
        data["sex"] = person.sex
    if "commune" in fields:
        data["commune"] = referral_case.commune_code
    if "needs" in fields:
        latest = referral_case.assessments.order_by("-assessed_at").first()
        data["needs"] = sorted(
            name
            for name, r in (latest.ratings if latest else {}).items()
            if r["level"] in ("medium", "high", "critical")
        )
    if "contact" in fields:
        data["phone"] = household.phone
    return data


@transaction.atomic(durable=True)
def consent_record(
    *,
    actor: User,
    case: Any,
    given_by: str,
    purpose: str,
    scope: str,
    fields: Sequence[str],
    given_on: dt.date,
    expires_on: dt.date | None = None,
    recipients: Sequence[Any] = (),
) -> Consent:
    case = acting(actor, Action.WORK, case)
    if scope not in ConsentScope.values:
        raise InvalidInput(_("Unknown scope: %s") % scope, field="scope")
    unknown = set(fields) - set(SHAREABLE)
    if unknown:
        raise InvalidInput(_("Cannot be shared: %s") % ", ".join(sorted(unknown)), field="fields")
    if given_on > timezone.localdate():
        raise InvalidInput(_("Consent cannot be given in the future."), field="given_on")
    if expires_on is not None and expires_on <= given_on:
        raise InvalidInput(_("The expiry comes after the day it was given."), field="expires_on")
    if not given_by.strip() or not purpose.strip():
        raise InvalidInput(_("Say who gave the consent and for what."), field="given_by")
    consent = Consent.objects.create(
        case=case,
        given_by=given_by.strip()[:120],
        purpose=purpose.strip()[:300],
        scope=scope,
        fields=sorted(set(fields)),
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    consent.recipients.set(recipients)
    event(
        actor,
        case,
        "consent_recorded",
        consent=consent.pk,
        scope=scope,
        fields=consent.fields,
        expires_on=str(expires_on) if expires_on else None,
    )
    return consent


@transaction.atomic(durable=True)
def consent_withdraw(*, actor: User, consent: Consent, on: dt.date | None = None) -> Consent:
    """The person withdraws their consent: no new referral relies on it from that day."""
    case = acting(actor, Action.WORK, consent.case)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise InvalidInput(_("This consent is already withdrawn."), field="consent")
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    event(actor, case, "consent_withdrawn", consent=consent.pk, on=str(consent.withdrawn_on))
    return consent


def valid_consent(case: Case, organization: Any, on: dt.date) -> Consent | None:
    """The newest consent that allows referring the case to `organization` on `on`."""
    consent: Consent
    for consent in case.consents.filter(scope=ConsentScope.REFERRAL).order_by("-given_on", "-pk"):
        if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
            continue
        if consent.given_on > on or (consent.expires_on is not None and consent.expires_on < on):
            continue
        recipients = list(consent.recipients.values_list("pk", flat=True))
        if recipients and organization.pk not in recipients:
            continue
        return consent
    return None


@transaction.atomic(durable=True)
def referral_send(
    *, actor: User, case: Any, service: Any, reason: str, override_reason: str = ""
) -> Referral:
    """Refer the case to a partner's service (see the module for the conditions): by its owner,
    or by a supervisor of the case (the only one who may override a missing consent)."""
    case, granted = acting_as(
        actor, (Action.WORK, Action.OVERRIDE_CONSENT), case, CaseStatus.ACTIVE, CaseStatus.PLANNING
    )
    accredited(actor)
    if not case.plans.filter(status="approved").exists():
        raise PlanNotApproved()
    organization = service.organization
    today = timezone.localdate()
    consent = valid_consent(case, organization, today)
    override = override_reason.strip()
    if consent is None:
        if not override:
            raise ConsentMissing()
        if not granted.may(Action.OVERRIDE_CONSENT):  # a supervisor's call, kept on the referral
            raise AccessDenied(permission=str(Action.OVERRIDE_CONSENT))
    elif override:
        override = ""  # a valid consent needs no override
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why this service."), field="reason")
    if case.referrals.filter(service=service, status__in=["pending", "accepted"]).exists():
        raise WrongCaseStatus(_("The case is already referred to this service."))
    fields = consent.fields if consent is not None else ["first_name", "age", "commune", "needs"]
    referral = Referral.objects.create(
        case=case,
        service=service,
        organization=organization,
        status=ReferralStatus.PENDING,
        reason=reason[:300],
        shared=_shared(case, fields, reason[:300]),
        consent=consent,
        override_reason=override,
        sent_by=actor,
        sent_at=timezone.now(),
    )
    event(
        actor,
        case,
        "referred",
        referral=referral.pk,
        organization=str(organization.pk),
        consent=getattr(consent, "pk", None),
        override=bool(override),
    )
    return referral


def _partner_referral(actor: User, referral: Referral, *statuses: str) -> Referral:
    found = access.referral_require(actor, referral.pk)
    locked = Referral.objects.select_for_update().get(pk=found.pk)
    if locked.status not in statuses:
        raise WrongCaseStatus(_("This referral is %s.") % locked.get_status_display())
    access.log(actor, locked.case, "referral_answer", "partner")
    return locked


@transaction.atomic(durable=True)
def referral_answer(*, actor: User, referral: Referral, accept: bool, reason: str = "") -> Referral:
    """The partner accepts the referral, or rejects it with a reason."""
    referral = _partner_referral(actor, referral, ReferralStatus.PENDING)
    if not accept and not reason.strip():
        raise InvalidInput(_("Say why the referral is rejected."), field="reason")
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.REJECTED
    referral.rejection_reason = "" if accept else reason.strip()
    referral.answered_by, referral.answered_at = actor, timezone.now()
    referral.save()
    event(
        actor,
        referral.case,
        "referral_accepted" if accept else "referral_rejected",
        referral=referral.pk,
    )
    return referral


@transaction.atomic(durable=True)
def referral_complete(*, actor: User, referral: Referral, outcome: str) -> Referral:
    referral = _partner_referral(actor, referral, ReferralStatus.ACCEPTED)
    if not outcome.strip():
        raise InvalidInput(_("Say what was done."), field="outcome")
    referral.status, referral.outcome = ReferralStatus.DONE, outcome.strip()[:2000]
    referral.save(update_fields=["status", "outcome"])
    event(actor, referral.case, "referral_done", referral=referral.pk)
    return referral


@transaction.atomic(durable=True)
def referral_revoke(*, actor: User, referral: Referral, reason: str) -> Referral:
    """The worker withdraws a referral not yet done (e.g. the consent was withdrawn)."""
    acting(actor, Action.WORK, referral.case)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED):
        raise WrongCaseStatus(_("This referral is %s.") % referral.get_status_display())
    if not reason.strip():
        raise InvalidInput(_("Say why the referral is revoked."), field="reason")
    referral.status = ReferralStatus.REVOKED
    referral.save(update_fields=["status"])
    event(actor, referral.case, "referral_revoked", referral=referral.pk)
    return referral
