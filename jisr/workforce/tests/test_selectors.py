"""The accreditation check casework relies on, teams, profiles for balancing, the expiry window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jisr.accounts.roles import Role
from jisr.core.errors import AccessDenied
from jisr.workforce import selectors
from jisr.workforce.errors import NotAccredited
from jisr.workforce.models import AccreditationState, SocialWorker
from jisr.workforce.selectors import accreditation_evaluate, accreditation_require
from jisr.workforce.tests.factories import profile_for

pytestmark = [pytest.mark.django_db]
START, END = dt.date(2025, 3, 1), dt.date(2026, 2, 28)
DAYS = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2032, 12, 31))


def _dated(worker: SocialWorker, status: str = "granted") -> SocialWorker:
    SocialWorker.objects.filter(pk=worker.pk).update(
        accreditation_status=status, accreditation_valid_from=START, accreditation_valid_until=END
    )
    return SocialWorker.objects.get(pk=worker.pk)


def _refusal(user: Any, on: dt.date) -> NotAccredited:
    with pytest.raises(NotAccredited) as caught:
        accreditation_require(user=user, on=on)
    return caught.value


def test_granted_and_current_passes_on_every_day_of_validity_including_both_ends(
    worker: SocialWorker,
) -> None:
    _dated(worker)
    for day in (START, START + dt.timedelta(days=100), END):
        accreditation_require(user=worker.user, on=day)


@pytest.mark.usefixtures("english")
def test_the_day_after_the_last_valid_day_is_refused_as_expired(worker: SocialWorker) -> None:
    _dated(worker)
    error = _refusal(worker.user, END + dt.timedelta(days=1))
    assert isinstance(error, AccessDenied)
    assert error.code == "not_accredited"
    assert error.http_status == 403
    assert error.details["reason"] == "expired"
    assert "valid until 2026-02-28" in str(error)


@pytest.mark.usefixtures("english")
def test_the_day_before_validity_starts_is_refused_as_not_yet_valid(worker: SocialWorker) -> None:
    _dated(worker)
    error = _refusal(worker.user, START - dt.timedelta(days=1))
    assert error.details["reason"] == "not_yet_valid"
    assert "valid from 2025-03-01" in str(error)


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("status", "reason", "text"),
    [
        ("suspended", "suspended", "is suspended"),
        ("expired", "expired", "valid until 2026-02-28"),
    ],
)
def test_suspended_and_expired_statuses_are_refused_even_within_the_dates(
    worker: SocialWorker, status: str, reason: str, text: str
) -> None:
    _dated(worker, status)
    error = _refusal(worker.user, START + dt.timedelta(days=10))
    assert error.details["reason"] == reason
    assert error.details["status"] == status
    assert text in str(error)


@pytest.mark.usefixtures("english")
def test_pending_accreditation_is_refused(pending: SocialWorker) -> None:
    error = _refusal(pending.user, dt.date(2026, 1, 1))
    assert error.details["reason"] == "pending"
    assert "not been granted yet" in str(error)


@pytest.mark.usefixtures("english")
def test_a_supervisor_without_a_profile_is_refused(supervisor: Any) -> None:
    error = _refusal(supervisor, dt.date(2026, 1, 1))
    assert error.details["reason"] == "no_profile"
    assert "No social worker profile" in str(error)


def test_a_supervisor_with_a_current_accreditation_may_carry_cases(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.SUPERVISOR, username="lead06", regions=["06"])
    _dated(profile_for(lead))
    accreditation_require(user=lead, on=END)


def test_a_deactivated_account_is_refused(worker: SocialWorker) -> None:
    _dated(worker)
    worker.user.is_active = False
    worker.user.save()
    assert _refusal(worker.user, START).details["reason"] == "inactive"


def test_anonymous_users_are_refused() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert _refusal(AnonymousUser(), START).details["reason"] == "no_profile"


def test_the_default_day_is_today(worker: SocialWorker) -> None:
    today = timezone.localdate()
    SocialWorker.objects.filter(pk=worker.pk).update(accreditation_valid_until=today)
    accreditation_require(user=worker.user)
    status = selectors.accreditation_status(user=worker.user)
    assert (status.ok, status.expires_in_days, status.expiring) == (True, 0, True)
    SocialWorker.objects.filter(pk=worker.pk).update(
        accreditation_valid_until=today - dt.timedelta(days=1)
    )
    with pytest.raises(NotAccredited):
        accreditation_require(user=worker.user)


@settings(deadline=None)  # the first call loads the translation catalogue
@given(
    status=st.sampled_from(AccreditationState.values),
    start=DAYS,
    length=st.integers(min_value=0, max_value=2000),
    on=DAYS,
)
def test_evaluation_is_ok_exactly_when_granted_and_the_day_is_within_validity(
    status: str, start: dt.date, length: int, on: dt.date
) -> None:
    end = start + dt.timedelta(days=length)
    result = accreditation_evaluate(status=status, valid_from=start, valid_until=end, on=on)
    assert result.ok == (status == "granted" and start <= on <= end)
    assert result.expires_in_days == (end - on).days
    assert (result.code == "") == result.ok
    if status == "granted" and on > end:
        assert result.code == "expired"
    if status == "granted" and on < start:
        assert result.code == "not_yet_valid"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(offset=st.integers(min_value=-400, max_value=400))
def test_require_agrees_with_the_validity_period_around_its_ends(
    worker: SocialWorker, offset: int
) -> None:
    _dated(worker)
    for anchor in (START, END):
        day = anchor + dt.timedelta(days=offset)
        status = selectors.accreditation_status(user=worker.user, on=day)
        assert status.ok == (START <= day <= END)
        if status.ok:
            accreditation_require(user=worker.user, on=day)
        else:
            assert _refusal(worker.user, day).details["reason"] in {"expired", "not_yet_valid"}


def test_team_members_are_the_active_workers_the_supervisor_supervises(
    make_user: Callable[..., Any], supervisor: Any, worker: SocialWorker
) -> None:
    other = make_user(Role.SOCIAL_WORKER, username="worker06b", regions=["06"])
    profile_for(other, supervisor=supervisor, status="pending")
    gone = make_user(Role.SOCIAL_WORKER, username="worker06gone", regions=["06"])
    profile_for(gone, supervisor=supervisor)
    gone.is_active = False
    gone.save()
    elsewhere = make_user(Role.SOCIAL_WORKER, username="worker02", regions=["02"])
    profile_for(elsewhere, region="02")
    team = selectors.team_members(supervisor=supervisor)
    assert list(team.values_list("username", flat=True)) == ["worker06", "worker06b"]
    assert not selectors.team_members(supervisor=worker.user).exists()


def test_worker_profiles_for_balancing_filter_territory_languages_and_accreditation(
    make_user: Callable[..., Any], worker: SocialWorker
) -> None:
    rif = make_user(Role.SOCIAL_WORKER, username="rif06")
    profile_for(rif, communes=(2,), languages=("ar", "rif"))
    suspended = make_user(Role.SOCIAL_WORKER, username="suspended06")
    profile_for(suspended, communes=(1, 2), languages=("rif",), status="suspended")

    def names(**filters: Any) -> list[str]:
        return sorted(p.user.username for p in selectors.worker_profiles(**filters))

    assert names() == ["rif06", "worker06"]
    assert names(communes=["06.01.002"]) == ["rif06"]
    assert names(communes=["06.01.001", "06.01.002"]) == ["rif06", "worker06"]
    assert names(languages=["rif"]) == ["rif06"]
    assert names(languages=["ary", "rif"]) == ["rif06", "worker06"]
    assert names(communes=["06.01.001"], languages=["rif"]) == []
    assert names(communes=[]) == []


def test_expiring_window_includes_both_ends_and_only_granted(
    make_user: Callable[..., Any],
) -> None:
    on = dt.date(2026, 5, 1)

    def ending(username: str, until: dt.date, status: str = "granted") -> None:
        profile_for(
            make_user(Role.SOCIAL_WORKER, username=username),
            status=status,
            valid_from=dt.date(2024, 1, 1),
            valid_until=until,
        )

    ending("today", on)
    ending("day60", on + dt.timedelta(days=60))
    ending("day61", on + dt.timedelta(days=61))
    ending("yesterday", on - dt.timedelta(days=1))
    ending("suspended", on + dt.timedelta(days=5), status="suspended")
    ending("day30", on + dt.timedelta(days=30))
    found = selectors.expiring_accreditations(on=on)
    assert [p.user.username for p in found] == ["today", "day30", "day60"]
    assert [p.user.username for p in selectors.expiring_accreditations(days=29, on=on)] == ["today"]
