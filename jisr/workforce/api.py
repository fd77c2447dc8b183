"""Workforce API (`/api/v1/workforce/`): profiles (scoped), accreditation actions, training and
supervision records, expiring accreditations, indicators. Rules in docs/workforce.md."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jisr.accounts.api import api_user
from jisr.accounts.models import User
from jisr.accounts.roles import MANAGE_WORKFORCE, RECORD_SUPERVISION
from jisr.core.errors import InvalidInput
from jisr.workforce import selectors, services
from jisr.workforce.models import Diploma, SocialWorker, SupervisionSession, TrainingRecord
from jisr.workforce.selectors import EXPIRY_WARNING_DAYS, AccreditationStatus

router = Router(tags=["workforce"])


class DiplomaOut(Schema):
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    issued_by: str
    on_official_list: bool
    verified: bool


class DiplomaHeldIn(Schema):
    diploma: str
    year: int | None = None
    institution: str = ""


class DiplomaHeldOut(DiplomaHeldIn):
    on_official_list: bool


class AccreditationOut(Schema):
    status: str
    number: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    authority: str
    current: bool  # granted and valid today
    reason: str  # why not current ("" when current)
    expires_in_days: int | None

    @classmethod
    def of(cls, worker: SocialWorker, state: AccreditationStatus) -> AccreditationOut:
        return cls(
            status=worker.accreditation_status,
            number=worker.accreditation_number,
            valid_from=worker.accreditation_valid_from,
            valid_until=worker.accreditation_valid_until,
            authority=worker.accreditation_authority,
            current=state.ok,
            reason=state.reason,
            expires_in_days=state.expires_in_days,
        )


class ProfileSummaryOut(Schema):
    id: int
    username: str
    full_name: str
    region: str
    supervisor: str | None
    accreditation_status: str
    accreditation_valid_until: dt.date | None
    # May practise today: granted, valid today and the account active, as `accreditation.current`
    # of a profile and as the indicators count (a deactivated account's worker is not counted).
    accredited_today: bool
    account_active: bool

    @classmethod
    def of(cls, worker: SocialWorker) -> ProfileSummaryOut:
        return cls(
            id=worker.pk,
            username=worker.user.get_username(),
            full_name=worker.user.get_full_name(),
            region=worker.region_id,
            supervisor=worker.supervisor.get_username() if worker.supervisor else None,
            accreditation_status=worker.accreditation_status,
            accreditation_valid_until=worker.accreditation_valid_until,
            accredited_today=selectors.profile_accreditation(worker=worker).ok,
            account_active=worker.user.is_active,
        )


class ProfileOut(Schema):
    id: int
    username: str
    full_name: str
    region: str
    communes: list[str]
    birth_date: dt.date | None
    moroccan_national: bool
    foreign_authorisation: str
    employer_kind: str
    employer_name: str
    association_region: str | None
    association_membership: str
    supervisor: str | None
    languages: list[str]
    specialities: list[str]
    diplomas: list[DiplomaHeldOut]
    accreditation: AccreditationOut

    @classmethod
    def of(cls, worker: SocialWorker) -> ProfileOut:
        fields = services.ProfileFields.of(worker)
        official = set(Diploma.objects.filter(on_official_list=True).values_list("code", flat=True))
        return cls(
            id=worker.pk,
            username=worker.user.get_username(),
            full_name=worker.user.get_full_name(),
            region=fields.region,
            communes=list(fields.communes),
            birth_date=fields.birth_date,
            moroccan_national=fields.moroccan_national,
            foreign_authorisation=fields.foreign_authorisation,
            employer_kind=fields.employer_kind,
            employer_name=fields.employer_name,
            association_region=fields.association_region,
            association_membership=fields.association_membership,
            supervisor=fields.supervisor.get_username() if fields.supervisor else None,
            languages=list(fields.languages),
            specialities=list(fields.specialities),
            diplomas=[
                DiplomaHeldOut(
                    diploma=held.diploma,
                    year=held.year,
                    institution=held.institution,
                    on_official_list=held.diploma in official,
                )
                for held in fields.diplomas
            ],
            accreditation=AccreditationOut.of(
                worker, selectors.profile_accreditation(worker=worker)
            ),
        )


class ProfileFieldsIn(Schema):
    region: str
    employer_kind: str
    employer_name: str = ""
    communes: list[str] = []
    diplomas: list[DiplomaHeldIn] = []
    languages: list[str] = []
    specialities: list[str] = []
    supervisor: str | None = None  # the supervisor's username
    association_region: str | None = None
    association_membership: str = ""
    birth_date: dt.date | None = None
    moroccan_national: bool = True
    foreign_authorisation: str = ""


class ProfileIn(ProfileFieldsIn):
    username: str
    reason: str = ""


class ProfilePatch(Schema):
    region: str | None = None
    employer_kind: str | None = None
    employer_name: str | None = None
    communes: list[str] | None = None
    diplomas: list[DiplomaHeldIn] | None = None
    languages: list[str] | None = None
    specialities: list[str] | None = None
    supervisor: str | None = None
    association_region: str | None = None
    association_membership: str | None = None
    birth_date: dt.date | None = None
    moroccan_national: bool | None = None
    foreign_authorisation: str | None = None
    reason: str = ""


def _user_named(username: str, field: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise InvalidInput(_("Unknown user: %s") % username, field=field)
    return user


def _fields_from(data: dict[str, Any]) -> dict[str, Any]:
    """API values → `ProfileFields` values (usernames to users, lists to tuples)."""
    converted: dict[str, Any] = {}
    for name, value in data.items():
        if name == "supervisor":
            converted[name] = _user_named(value, "supervisor") if value else None
        elif name == "diplomas":
            converted[name] = tuple(services.DiplomaHeld(**held) for held in value)
        elif isinstance(value, list):
            converted[name] = tuple(value)
        else:
            converted[name] = value
    return converted


class ReasonIn(Schema):
    reason: str


class GrantIn(Schema):
    number: str
    valid_from: dt.date
    valid_until: dt.date
    authority: str
    reason: str = ""


class RenewIn(Schema):
    valid_until: dt.date
    valid_from: dt.date | None = None
    number: str = ""
    authority: str = ""
    reason: str = ""


class TrainingIn(Schema):
    date: dt.date
    title: str
    hours: Decimal
    provider: str = ""


class TrainingOut(Schema):
    id: int
    date: dt.date
    title: str
    hours: Decimal
    provider: str

    @classmethod
    def of(cls, record: TrainingRecord) -> TrainingOut:
        return cls(
            id=record.pk,
            date=record.date,
            title=record.title,
            hours=record.hours,
            provider=record.provider,
        )


class SupervisionIn(Schema):
    date: dt.date
    cases_reviewed: int
    notes: str = ""


class SupervisionOut(Schema):
    id: int
    date: dt.date
    supervisor: str
    cases_reviewed: int
    notes: str

    @classmethod
    def of(cls, session: SupervisionSession) -> SupervisionOut:
        return cls(
            id=session.pk,
            date=session.date,
            supervisor=session.supervisor.get_username(),
            cases_reviewed=session.cases_reviewed,
            notes=session.notes,
        )


class StatusOut(Schema):
    ok: bool
    status: str
    code: str
    reason: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    expires_in_days: int | None
    expiring: bool


class MeOut(Schema):
    accreditation: StatusOut
    profile: ProfileOut | None
    training_hours_this_year: Decimal


class IndicatorOut(Schema):
    region: str
    name: str
    year: int
    on: dt.date
    population: int
    accredited_workers: int
    workers_per_100k: float | None
    supervisors: int
    unsupervised_workers: int
    workers_per_supervisor: float | None
    training_hours: float
    training_hours_per_worker: float | None
    caseload_under_10: int
    caseload_10_19: int
    caseload_20_29: int
    caseload_30_plus: int


def _page(limit: int, offset: int) -> slice:
    start = max(offset, 0)
    return slice(start, start + min(max(limit, 1), 1000))


@router.get("/diplomas", response=list[DiplomaOut])
def diploma_list(request: HttpRequest) -> list[Diploma]:
    """The diplomas in the social field (`on_official_list` is illustrative unless `verified`)."""
    return list(Diploma.objects.order_by("code"))


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """The caller's own profile and accreditation (for any user; no profile: `profile` null)."""
    user = api_user(request)
    state = selectors.accreditation_status(user=user)
    profile = selectors.my_profile(user=user)
    hours = (
        selectors.training_hours(worker=profile, year=timezone.localdate().year)
        if profile
        else Decimal("0")
    )
    return MeOut(
        accreditation=StatusOut(
            ok=state.ok,
            status=state.status,
            code=state.code,
            reason=state.reason,
            valid_from=state.valid_from,
            valid_until=state.valid_until,
            expires_in_days=state.expires_in_days,
            expiring=state.expiring,
        ),
        profile=ProfileOut.of(profile) if profile else None,
        training_hours_this_year=hours,
    )


@router.get("/profiles/", response=list[ProfileSummaryOut])
def profile_list(
    request: HttpRequest,
    status: str = "",
    region: str = "",
    q: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[ProfileSummaryOut]:
    profiles = selectors.profile_list(user=api_user(request), status=status, region=region, q=q)
    return [ProfileSummaryOut.of(p) for p in profiles[_page(limit, offset)]]


@router.post("/profiles/", response={201: ProfileOut})
def profile_create(request: HttpRequest, body: ProfileIn) -> Status[ProfileOut]:
    data = body.model_dump()
    user = _user_named(data.pop("username"), "username")
    reason = data.pop("reason")
    fields = services.ProfileFields(**_fields_from(data))
    worker = services.profile_create(
        actor=api_user(request), user=user, fields=fields, reason=reason
    )
    return Status(201, ProfileOut.of(worker))


@router.get("/profiles/{profile_id}", response=ProfileOut)
def profile_detail(request: HttpRequest, profile_id: int) -> ProfileOut:
    """One profile (yours, or one in your reach: audited)."""
    return ProfileOut.of(selectors.profile_get(user=api_user(request), profile_id=profile_id))


@router.patch("/profiles/{profile_id}", response=ProfileOut)
def profile_update(request: HttpRequest, profile_id: int, body: ProfilePatch) -> ProfileOut:
    """Change the fields sent (not the accreditation); the others stay as they are."""
    user = api_user(request)
    worker = selectors.profile_get(
        user=user, profile_id=profile_id, permission=MANAGE_WORKFORCE, for_change=True
    )
    data = body.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    fields = dataclasses.replace(services.ProfileFields.of(worker), **_fields_from(data))
    changed = services.profile_update(actor=user, worker=worker, fields=fields, reason=reason)
    return ProfileOut.of(changed)


def _managed(request: HttpRequest, profile_id: int) -> tuple[User, SocialWorker]:
    user = api_user(request)
    return user, selectors.profile_get(
        user=user, profile_id=profile_id, permission=MANAGE_WORKFORCE, for_change=True
    )


@router.post("/profiles/{profile_id}/accreditation/grant", response=ProfileOut)
def accreditation_grant(request: HttpRequest, profile_id: int, body: GrantIn) -> ProfileOut:
    """pending → granted (409 `wrong_accreditation_status` otherwise; 422
    `accreditation_conditions_unmet` without a diploma on the official list, age or nationality)."""
    user, worker = _managed(request, profile_id)
    changed = services.accreditation_grant(actor=user, worker=worker, **body.model_dump())
    return ProfileOut.of(changed)


@router.post("/profiles/{profile_id}/accreditation/suspend", response=ProfileOut)
def accreditation_suspend(request: HttpRequest, profile_id: int, body: ReasonIn) -> ProfileOut:
    user, worker = _managed(request, profile_id)
    return ProfileOut.of(
        services.accreditation_suspend(actor=user, worker=worker, reason=body.reason)
    )


@router.post("/profiles/{profile_id}/accreditation/reinstate", response=ProfileOut)
def accreditation_reinstate(request: HttpRequest, profile_id: int, body: ReasonIn) -> ProfileOut:
    user, worker = _managed(request, profile_id)
    return ProfileOut.of(
        services.accreditation_reinstate(actor=user, worker=worker, reason=body.reason)
    )


@router.post("/profiles/{profile_id}/accreditation/renew", response=ProfileOut)
def accreditation_renew(request: HttpRequest, profile_id: int, body: RenewIn) -> ProfileOut:
    user, worker = _managed(request, profile_id)
    changed = services.accreditation_renew(actor=user, worker=worker, **body.model_dump())
    return ProfileOut.of(changed)


@router.get("/profiles/{profile_id}/training", response=list[TrainingOut])
def training_list(
    request: HttpRequest, profile_id: int, year: int | None = None
) -> list[TrainingOut]:
    worker = selectors.profile_get(user=api_user(request), profile_id=profile_id)
    return [TrainingOut.of(r) for r in selectors.training_records(worker=worker, year=year)]


@router.post("/profiles/{profile_id}/training", response={201: TrainingOut})
def training_add(request: HttpRequest, profile_id: int, body: TrainingIn) -> Status[TrainingOut]:
    """By the worker themself, or an administrator reaching them."""
    user = api_user(request)
    worker = selectors.profile_get(
        user=user, profile_id=profile_id, permission=MANAGE_WORKFORCE, for_change=True
    )
    record = services.training_record_add(actor=user, worker=worker, **body.model_dump())
    return Status(201, TrainingOut.of(record))


@router.get("/profiles/{profile_id}/supervision", response=list[SupervisionOut])
def supervision_list(request: HttpRequest, profile_id: int) -> list[SupervisionOut]:
    worker = selectors.profile_get(user=api_user(request), profile_id=profile_id)
    return [SupervisionOut.of(s) for s in selectors.supervision_sessions(worker=worker)]


@router.post("/profiles/{profile_id}/supervision", response={201: SupervisionOut})
def supervision_add(
    request: HttpRequest, profile_id: int, body: SupervisionIn
) -> Status[SupervisionOut]:
    """By the worker's own supervisor (403 `not_the_supervisor` for anyone else)."""
    user = api_user(request)
    worker = selectors.profile_get(
        user=user, profile_id=profile_id, permission=RECORD_SUPERVISION, for_change=True
    )
    session = services.supervision_session_record(actor=user, worker=worker, **body.model_dump())
    return Status(201, SupervisionOut.of(session))


@router.get("/expiring", response=list[ProfileSummaryOut])
def expiring(request: HttpRequest, days: int = EXPIRY_WARNING_DAYS) -> list[ProfileSummaryOut]:
    """Granted accreditations ending within `days` days (1–366), in your reach; soonest first."""
    if not 1 <= days <= 366:
        raise InvalidInput(_("Give a number of days from 1 to 366."), field="days")
    profiles = selectors.expiring_for(user=api_user(request), days=days)
    return [ProfileSummaryOut.of(p) for p in profiles.select_related("supervisor")]


@router.get("/indicators", response=list[IndicatorOut])
def indicators(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    """Per region then `national`: accredited workers per 100,000 inhabitants, supervisors,
    training hours per worker in `year`, caseload distribution (docs/workforce.md)."""
    return selectors.indicators(user=api_user(request), year=year)
