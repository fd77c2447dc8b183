"""Reads of the social workforce: accreditation checks (the interface casework calls), teams,
profiles for caseload balancing, expiring accreditations, scoped profile reads, indicators.

`accreditation_require`, `accreditation_status`, `team_members`, `worker_profiles` and
`expiring_accreditations` are system reads other apps call to decide; they check no caller's
right. Every read made for a person (`profile_*`, `*_for`, `indicators`) checks theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import User
from jisr.accounts.roles import (
    MANAGE_WORKFORCE,
    VIEW_WORKFORCE,
    VIEW_WORKFORCE_INDICATORS,
)
from jisr.core import access, audit, snapshot
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.geo.models import Commune, Region
from jisr.geo.selectors import region_names
from jisr.workforce.errors import NotAccredited
from jisr.workforce.indicators import OpenCases, indicators_compute
from jisr.workforce.models import (
    AccreditationState,
    SocialWorker,
    SupervisionSession,
    TrainingRecord,
)

# Warn a social worker (home page banner) and the administrators (list) this many days ahead.
EXPIRY_WARNING_DAYS = 60


@dataclass(frozen=True, slots=True)
class AccreditationStatus:
    """Whether a user may practise on a day, and why not. `status` is the stored status ("" when
    the user has no profile); `code` the reason of a refusal ("" when ok): no_profile, inactive,
    pending, suspended, expired, not_yet_valid. `expires_in_days` counts from the day asked to
    the last valid day (0: the last day; negative: expired)."""

    ok: bool
    status: str
    valid_until: dt.date | None
    reason: str
    expires_in_days: int | None
    code: str = ""
    valid_from: dt.date | None = None

    @property
    def expiring(self) -> bool:
        return (
            self.ok
            and self.expires_in_days is not None
            and self.expires_in_days <= EXPIRY_WARNING_DAYS
        )


def _today() -> dt.date:
    return timezone.localdate()


def accreditation_evaluate(
    *,
    status: str | None,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    on: dt.date,
    active: bool = True,
) -> AccreditationStatus:
    """The accreditation state of a profile on `on` (status None: no profile). Pure."""
    days = (valid_until - on).days if valid_until is not None else None

    def refused(code: str, reason: str) -> AccreditationStatus:
        return AccreditationStatus(
            False, status or "", valid_until, reason, days, code=code, valid_from=valid_from
        )

    if status is None:
        return refused(
            "no_profile",
            _("No social worker profile: only an accredited social worker can do this."),
        )
    if not active:
        return refused("inactive", _("This account is deactivated."))
    if status == AccreditationState.PENDING:
        return refused("pending", _("The accreditation (agrément) has not been granted yet."))
    if status == AccreditationState.SUSPENDED:
        return refused("suspended", _("The accreditation (agrément) is suspended."))
    if valid_until is None or valid_from is None or status == AccreditationState.EXPIRED:
        return refused(
            "expired",
            _("The accreditation (agrément) has expired: it was valid until %(date)s.")
            % {"date": valid_until.isoformat() if valid_until else "—"},
        )
    if on > valid_until:
        return refused(
            "expired",
            _("The accreditation (agrément) has expired: it was valid until %(date)s.")
            % {"date": valid_until.isoformat()},
        )
    if on < valid_from:
        return refused(
            "not_yet_valid",
            _("The accreditation (agrément) is not valid yet: it is valid from %(date)s.")
            % {"date": valid_from.isoformat()},
        )
    return AccreditationStatus(True, status, valid_until, "", days, valid_from=valid_from)


def _profile_of(user: object) -> SocialWorker | None:
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    return SocialWorker.objects.filter(user_id=user.pk).select_related("user").first()  # type: ignore[attr-defined]


def profile_accreditation(
    *, worker: SocialWorker, on: dt.date | None = None
) -> AccreditationStatus:
    """The accreditation of a profile already loaded (with its user) on `on` (default today)."""
    return accreditation_evaluate(
        status=worker.accreditation_status,
        valid_from=worker.accreditation_valid_from,
        valid_until=worker.accreditation_valid_until,
        on=on or _today(),
        active=worker.user.is_active,
    )


def accreditation_status(*, user: object, on: dt.date | None = None) -> AccreditationStatus:
    """The user's accreditation on `on` (default today): for a banner, or before a decision."""
    profile = _profile_of(user)
    if profile is None:
        return accreditation_evaluate(
            status=None, valid_from=None, valid_until=None, on=on or _today()
        )
    return profile_accreditation(worker=profile, on=on)


def accreditation_require(*, user: object, on: dt.date | None = None) -> None:
    """Raise NotAccredited (403, saying why) unless `user` is a social worker whose accreditation
    is granted and valid on `on` (default today). A supervisor who carries cases needs one too."""
    status = accreditation_status(user=user, on=on)
    if not status.ok:
        raise NotAccredited(
            status.reason,
            reason=status.code,
            status=status.status,
            valid_until=status.valid_until.isoformat() if status.valid_until else None,
            user=getattr(user, "pk", None),
        )


def _accredited_on(day: dt.date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}accreditation_status": AccreditationState.GRANTED,
            f"{prefix}accreditation_valid_from__lte": day,
            f"{prefix}accreditation_valid_until__gte": day,
        }
    )


def team_members(*, supervisor: object) -> QuerySet[User]:
    """The active users whose social worker profile names `supervisor` as their supervisor."""
    if getattr(supervisor, "pk", None) is None:
        return User.objects.none()
    return User.objects.filter(
        social_worker_profile__supervisor_id=supervisor.pk,  # type: ignore[attr-defined]
        is_active=True,
    ).order_by("username")


def worker_profiles(
    *,
    communes: Iterable[Commune | str] | None = None,
    languages: Iterable[str] | None = None,
) -> QuerySet[SocialWorker]:
    """Profiles of active social workers accredited today, for caseload balancing: those whose
    territory holds any of `communes` (codes or communes) and who work in any of `languages`."""
    profiles = SocialWorker.objects.filter(_accredited_on(_today()), user__is_active=True)
    if communes is not None:
        codes = [c.code if isinstance(c, Commune) else str(c) for c in communes]
        covering = SocialWorker.communes.through.objects.filter(commune_id__in=codes)
        profiles = profiles.filter(pk__in=covering.values("socialworker_id"))
    if languages is not None:
        speaking = SocialWorker.objects.filter(languages__language__in=list(languages))
        profiles = profiles.filter(pk__in=speaking.values("pk"))
    return profiles.select_related("user", "region").prefetch_related("communes", "languages")


def expiring_accreditations(
    *, days: int = EXPIRY_WARNING_DAYS, on: dt.date | None = None
) -> QuerySet[SocialWorker]:
    """Granted accreditations whose last valid day falls within `days` days of `on` (default
    today), both ends included; soonest first."""
    day = on or _today()
    return (
        SocialWorker.objects.filter(
            accreditation_status=AccreditationState.GRANTED,
            accreditation_valid_until__gte=day,
            accreditation_valid_until__lte=day + dt.timedelta(days=days),
        )
        .select_related("user", "region")
        .order_by("accreditation_valid_until", "user__username")
    )


# --- Reads for a person: their role and scope decide ------------------------------------------


def profiles_in_reach(*, user: object, permission: str) -> QuerySet[SocialWorker]:
    """Profiles `user` reaches with `permission`: workers whose region or a territory commune is
    in their scope, and their own team (a supervisor reaches the workers they supervise)."""
    if not access.has_action(user, permission):
        return SocialWorker.objects.none()
    scope = access.user_scope(user)
    if scope.national:
        return SocialWorker.objects.all()
    reach = Q(supervisor_id=getattr(user, "pk", None))
    if not scope.empty:
        reach |= scope.q(region_field="region", commune_field="communes")
    return SocialWorker.objects.filter(pk__in=SocialWorker.objects.filter(reach).values("pk"))


def profile_list(
    *, user: object, status: str = "", region: str = "", q: str = ""
) -> QuerySet[SocialWorker]:
    """Profiles in the caller's reach (VIEW_WORKFORCE), optionally by status, region, name."""
    if not access.has_action(user, VIEW_WORKFORCE):
        raise AccessDenied(permission=VIEW_WORKFORCE)
    profiles = profiles_in_reach(user=user, permission=VIEW_WORKFORCE)
    if status:
        profiles = profiles.filter(accreditation_status=status)
    if region:
        profiles = profiles.filter(region_id=region)
    if q.strip():
        text = q.strip()
        profiles = profiles.filter(
            Q(user__username__icontains=text)
            | Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
            | Q(accreditation_number__iexact=text)
        )
    return profiles.select_related("user", "region", "supervisor").order_by("user__username")


def profile_get(
    *, user: object, profile_id: int, permission: str = VIEW_WORKFORCE, for_change: bool = False
) -> SocialWorker:
    """One profile: the caller's own, or one in their reach with `permission` (NotFound
    otherwise). A read of someone else's profile is audited as one; `for_change`: fetched to be
    changed by a service, which audits the change it makes (not also a "profile viewed")."""
    own = _profile_of(user)
    if own is not None and own.pk == profile_id:
        return own
    if not access.has_action(user, permission):
        raise AccessDenied(permission=permission)
    found = (
        profiles_in_reach(user=user, permission=permission)
        .filter(pk=profile_id)
        .select_related("user", "region")
        .first()
    )
    if found is None:
        raise NotFound()
    if not for_change:
        audit.read(actor=user, action="workforce.profile_viewed", target=found)
    return found


def my_profile(*, user: object) -> SocialWorker | None:
    """The caller's own social worker profile, if they have one."""
    return _profile_of(user)


def training_records(*, worker: SocialWorker, year: int | None = None) -> QuerySet[TrainingRecord]:
    """A worker's training records (of `year`), newest first; the caller already reaches them."""
    records = TrainingRecord.objects.filter(worker=worker)
    if year is None:
        return records
    if not 1900 <= year <= 9999:
        raise InvalidInput(_("Give a year from 1900 to 9999."), field="year", year=year)
    return records.filter(date__year=year)


def training_hours(*, worker: SocialWorker, year: int) -> Decimal:
    total = training_records(worker=worker, year=year).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def supervision_sessions(*, worker: SocialWorker) -> QuerySet[SupervisionSession]:
    return SupervisionSession.objects.filter(worker=worker).select_related("supervisor")


def expiring_for(
    *, user: object, days: int = EXPIRY_WARNING_DAYS, on: dt.date | None = None
) -> QuerySet[SocialWorker]:
    """Expiring accreditations in the reach of an administrator (MANAGE_WORKFORCE)."""
    if not access.has_action(user, MANAGE_WORKFORCE):
        raise AccessDenied(permission=MANAGE_WORKFORCE)
    reach = profiles_in_reach(user=user, permission=MANAGE_WORKFORCE).values("pk")
    return expiring_accreditations(days=days, on=on).filter(pk__in=reach)


# --- Indicators: fetch (columns) → compute (pure) ---------------------------------------------


def open_case_counts() -> Mapping[int, int]:
    """Open cases per user id, from `jisr.casework.selectors.open_case_counts()` (imported when
    called: casework builds on this app, not the other way round)."""
    from jisr.casework import selectors as casework

    return dict(casework.open_case_counts())


def indicators_frame(*, on: dt.date, year: int, open_cases: OpenCases) -> pl.DataFrame:
    """The indicators' table (see `indicators.indicators_compute`) for the workers accredited on
    `on` and their training hours in `year`."""
    accredited = (
        SocialWorker.objects.filter(_accredited_on(on), user__is_active=True)
        # As a float in SQL: ADBC reads an unconstrained NUMERIC as an opaque Arrow type.
        .annotate(
            hours=Cast(
                Sum("training_records__hours", filter=Q(training_records__date__year=year)),
                output_field=FloatField(),
            )
        )
        .values_list("user_id", "region_id", "supervisor_id", "hours")
        .order_by()
    )
    sql, params = accredited.query.sql_with_params()
    workers = snapshot.query_frame(
        sql,
        params,
        {
            "user_id": pl.Int64,
            "region": pl.String,
            "supervisor_id": pl.Int64,
            "training_hours": pl.Float64,
        },
    )
    regions = snapshot.query_frame(
        *Region.objects.values_list("code", "population_2024")
        .order_by("code")
        .query.sql_with_params(),
        {"region": pl.String, "population": pl.Int64},
    )
    return indicators_compute(workers=workers, regions=regions, open_cases=open_cases)


def indicators(*, user: object, year: int | None = None) -> list[dict[str, Any]]:
    """Indicators by region and nationally (VIEW_WORKFORCE_INDICATORS; aggregates only, so every
    region is shown): workers accredited on the last day of `year` (today for the current year)
    and their training hours that year; open cases from casework."""
    if not access.has_action(user, VIEW_WORKFORCE_INDICATORS):
        raise AccessDenied(permission=VIEW_WORKFORCE_INDICATORS)
    today = _today()
    year = year or today.year
    if not 2000 <= year <= today.year:
        raise InvalidInput(_("Give a year from 2000 to this year."), field="year", year=year)
    on = min(today, dt.date(year, 12, 31))
    table = indicators_frame(on=on, year=year, open_cases=open_case_counts)
    names = region_names()
    rows = table.to_dicts()
    for row in rows:
        row["name"] = names.get(row["region"], _("Morocco (national)"))
        row["year"] = year
        row["on"] = on.isoformat()
    return rows
