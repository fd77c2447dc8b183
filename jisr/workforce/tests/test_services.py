"""Profiles, accreditation transitions, training and supervision: each write audited, each wrong
person and each invalid transition refused without a partial write."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.core.models import AuditEvent
from jisr.registry.tests.factories import commune_in
from jisr.workforce import services
from jisr.workforce.errors import (
    AccreditationConditionsUnmet,
    NotTheSupervisor,
    OwnAccreditation,
    WrongAccreditationStatus,
)
from jisr.workforce.models import SocialWorker, TrainingRecord
from jisr.workforce.services import DiplomaHeld, ProfileFields
from jisr.workforce.tests.factories import profile_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
FROM, UNTIL = dt.date(2026, 1, 1), dt.date(2028, 12, 31)


def _fields(**changes: Any) -> ProfileFields:
    commune_in("06", 1)
    commune_in("06", 2)
    base = ProfileFields(
        region="06",
        employer_kind="association",
        employer_name="Association Al Amal",
        communes=("06.01.001", "06.01.002"),
        diplomas=(DiplomaHeld("licence-pro-travail-social", 2019, "INAS Tanger"),),
        languages=("ar", "fr", "tzm"),
        specialities=("child_protection",),
        association_region="06",
        association_membership="RA06-123",
        birth_date=dt.date(1995, 4, 2),
    )
    return dataclasses.replace(base, **changes)


def _actions(target: SocialWorker) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(target.pk), target_type="workforce.socialworker")
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def newcomer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_WORKER, username="salma")


def test_profile_create_stores_everything_pending_and_audited(
    admin06: Any, newcomer: Any, supervisor: Any
) -> None:
    worker = services.profile_create(
        actor=admin06, user=newcomer, fields=_fields(supervisor=supervisor), reason="hired"
    )
    assert worker.accreditation_status == "pending"
    stored = ProfileFields.of(SocialWorker.objects.get(pk=worker.pk))
    assert stored == _fields(supervisor=supervisor)
    event = AuditEvent.objects.get(action="workforce.profile_created")
    assert event.actor_username == "admin06"
    assert event.after["supervisor"] == supervisor.pk
    assert event.after["languages"] == ["ar", "fr", "tzm"]
    assert event.reason == "hired"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region": "99"}, "region"),
        ({"communes": ("06.01.999",)}, "communes"),
        ({"employer_kind": "bank"}, "employer_kind"),
        ({"employer_name": " "}, "employer_name"),
        ({"diplomas": (DiplomaHeld("phd-astrology"),)}, "diplomas"),
        ({"diplomas": (DiplomaHeld("assistant-social", 1900),)}, "diplomas"),
        ({"languages": ("xx",)}, "languages"),
        ({"languages": ("ar", "ar")}, "languages"),
        ({"specialities": ("magic",)}, "specialities"),
        ({"association_region": "77"}, "association_region"),
        ({"birth_date": dt.date(2999, 1, 1)}, "birth_date"),
    ],
)
def test_profile_create_refuses_inconsistent_fields(
    admin: Any, newcomer: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.profile_create(actor=admin, user=newcomer, fields=_fields(**changes))
    assert caught.value.details["field"] == field
    assert not SocialWorker.objects.exists()


def test_territory_communes_must_be_in_the_region_of_practice(admin: Any, newcomer: Any) -> None:
    commune_in("02", 5)
    with pytest.raises(InvalidInput, match=r"02\.01\.005"):
        services.profile_create(
            actor=admin, user=newcomer, fields=_fields(communes=("06.01.001", "02.01.005"))
        )


def test_the_supervisor_must_hold_a_supervisors_role_and_not_be_the_worker(
    admin: Any, newcomer: Any, make_user: Callable[..., Any]
) -> None:
    peer = make_user(Role.SOCIAL_WORKER, username="peer")
    for supervisor in (peer, newcomer):
        with pytest.raises(InvalidInput) as caught:
            services.profile_create(
                actor=admin, user=newcomer, fields=_fields(supervisor=supervisor)
            )
        assert caught.value.details["field"] == "supervisor"


def test_profile_create_refuses_a_second_profile(admin: Any, worker: SocialWorker) -> None:
    with pytest.raises(InvalidInput, match="already has"):
        services.profile_create(actor=admin, user=worker.user, fields=_fields())


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.PROGRAMME_MANAGER, Role.AUDITOR]
)
def test_only_workforce_managers_create_profiles(
    make_user: Callable[..., Any], newcomer: Any, role: Role
) -> None:
    actor = make_user(role, national=True)
    with pytest.raises(AccessDenied):
        services.profile_create(actor=actor, user=newcomer, fields=_fields())


def test_a_regional_administrator_creates_profiles_only_in_their_region(
    admin02: Any, newcomer: Any
) -> None:
    with pytest.raises(AccessDenied, match="outside your scope"):
        services.profile_create(actor=admin02, user=newcomer, fields=_fields())


def test_profile_update_replaces_the_fields_and_audits_before_and_after(
    admin06: Any, worker: SocialWorker
) -> None:
    before = ProfileFields.of(worker)
    fields = dataclasses.replace(before, languages=("ar", "shi"), employer_kind="independent")
    services.profile_update(actor=admin06, worker=worker, fields=fields, reason="moved")
    assert ProfileFields.of(SocialWorker.objects.get(pk=worker.pk)).languages == ("ar", "shi")
    event = AuditEvent.objects.get(action="workforce.profile_updated")
    assert event.before["languages"] == ["ar", "ary"]
    assert event.after["employer_kind"] == "independent"


def test_profile_update_outside_the_scope_is_not_found(admin02: Any, worker: SocialWorker) -> None:
    with pytest.raises(NotFound):
        services.profile_update(actor=admin02, worker=worker, fields=ProfileFields.of(worker))


def _grant(actor: Any, worker: SocialWorker, **changes: Any) -> SocialWorker:
    arguments = {
        "number": "AG-2026-0001",
        "valid_from": FROM,
        "valid_until": UNTIL,
        "authority": "Ministère de la Solidarité, de l'Insertion sociale et de la Famille",
        **changes,
    }
    return services.accreditation_grant(actor=actor, worker=worker, **arguments)


def test_grant_records_the_accreditation(admin: Any, pending: SocialWorker) -> None:
    granted = _grant(admin, pending)
    assert granted.accreditation_status == "granted"
    assert (granted.accreditation_valid_from, granted.accreditation_valid_until) == (FROM, UNTIL)
    event = AuditEvent.objects.get(action="workforce.accreditation_granted")
    assert event.before["status"] == "pending"
    assert event.after == {
        "status": "granted",
        "number": "AG-2026-0001",
        "valid_from": "2026-01-01",
        "valid_until": "2028-12-31",
        "authority": "Ministère de la Solidarité, de l'Insertion sociale et de la Famille",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": " "}, "number"),
        ({"authority": ""}, "authority"),
        ({"valid_until": dt.date(2025, 12, 31)}, "valid_until"),
    ],
)
def test_grant_refuses_incomplete_data(
    admin: Any, pending: SocialWorker, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        _grant(admin, pending, **changes)
    assert caught.value.details["field"] == field
    assert SocialWorker.objects.get(pk=pending.pk).accreditation_status == "pending"


def test_grant_refuses_a_number_already_used(
    admin: Any, pending: SocialWorker, worker: SocialWorker
) -> None:
    with pytest.raises(InvalidInput, match="already used"):
        _grant(admin, pending, number=worker.accreditation_number)


def test_grant_needs_a_diploma_on_the_official_list(
    admin: Any, make_user: Callable[..., Any]
) -> None:
    sociologist = profile_for(
        make_user(Role.SOCIAL_WORKER), status="pending", diplomas=("licence-sociologie",)
    )
    with pytest.raises(AccreditationConditionsUnmet, match="official list") as caught:
        _grant(admin, sociologist)
    assert caught.value.code == "accreditation_conditions_unmet"
    assert not AuditEvent.objects.filter(action="workforce.accreditation_granted").exists()


def test_grant_needs_the_age_of_18_on_the_first_day_of_validity(
    admin: Any, make_user: Callable[..., Any]
) -> None:
    young = profile_for(
        make_user(Role.SOCIAL_WORKER), status="pending", birth_date=dt.date(2008, 1, 2)
    )
    with pytest.raises(AccreditationConditionsUnmet, match="minimum age"):
        _grant(admin, young)  # 17 on 2026-01-01
    assert _grant(admin, young, valid_from=dt.date(2026, 1, 2)).accreditation_status == "granted"


def test_grant_needs_a_birth_date_and_nationality_or_an_authorisation(
    admin: Any, make_user: Callable[..., Any]
) -> None:
    unknown = profile_for(make_user(Role.SOCIAL_WORKER), status="pending", birth_date=None)
    with pytest.raises(AccreditationConditionsUnmet, match="birth date"):
        _grant(admin, unknown)
    foreign = profile_for(make_user(Role.SOCIAL_WORKER), status="pending")
    SocialWorker.objects.filter(pk=foreign.pk).update(moroccan_national=False)
    with pytest.raises(AccreditationConditionsUnmet, match="authorisation"):
        _grant(admin, foreign, number="AG-F-1")
    SocialWorker.objects.filter(pk=foreign.pk).update(foreign_authorisation="AUT-2025-7")
    assert _grant(admin, foreign, number="AG-F-1").accreditation_status == "granted"


def test_transitions_grant_suspend_reinstate_renew_in_order(
    admin: Any, pending: SocialWorker
) -> None:
    _grant(admin, pending)
    services.accreditation_suspend(actor=admin, worker=pending, reason="complaint under review")
    services.accreditation_reinstate(actor=admin, worker=pending, reason="complaint dismissed")
    renewed = services.accreditation_renew(
        actor=admin, worker=pending, valid_until=dt.date(2031, 12, 31), reason="renewal"
    )
    assert renewed.accreditation_status == "granted"
    assert renewed.accreditation_valid_from == FROM
    assert renewed.accreditation_valid_until == dt.date(2031, 12, 31)
    assert _actions(pending) == [
        "workforce.accreditation_granted",
        "workforce.accreditation_suspended",
        "workforce.accreditation_reinstated",
        "workforce.accreditation_renewed",
    ]


@pytest.mark.parametrize(
    ("status", "service"),
    [
        ("granted", "grant"),
        ("suspended", "grant"),
        ("expired", "grant"),
        ("pending", "suspend"),
        ("suspended", "suspend"),
        ("expired", "suspend"),
        ("pending", "reinstate"),
        ("granted", "reinstate"),
        ("expired", "reinstate"),
        ("pending", "renew"),
        ("suspended", "renew"),
    ],
)
def test_invalid_transitions_are_refused(
    admin: Any, make_user: Callable[..., Any], status: str, service: str
) -> None:
    worker = profile_for(make_user(Role.SOCIAL_WORKER), status=status)
    calls: dict[str, Callable[[], object]] = {
        "grant": lambda: _grant(admin, worker),
        "suspend": lambda: services.accreditation_suspend(actor=admin, worker=worker, reason="x"),
        "reinstate": lambda: services.accreditation_reinstate(
            actor=admin, worker=worker, reason="x"
        ),
        "renew": lambda: services.accreditation_renew(
            actor=admin, worker=worker, valid_until=dt.date(2040, 1, 1)
        ),
    }
    with pytest.raises(WrongAccreditationStatus) as caught:
        calls[service]()
    assert caught.value.http_status == 409
    assert SocialWorker.objects.get(pk=worker.pk).accreditation_status == status


def test_suspend_and_reinstate_need_a_reason(admin: Any, worker: SocialWorker) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.accreditation_suspend(actor=admin, worker=worker, reason="  ")
    assert caught.value.details["field"] == "reason"
    services.accreditation_suspend(actor=admin, worker=worker, reason="complaint")
    with pytest.raises(InvalidInput):
        services.accreditation_reinstate(actor=admin, worker=worker, reason="")


def test_renew_must_end_later_and_works_from_expired(admin: Any, worker: SocialWorker) -> None:
    end = worker.accreditation_valid_until
    assert end is not None
    with pytest.raises(InvalidInput) as caught:
        services.accreditation_renew(actor=admin, worker=worker, valid_until=end)
    assert caught.value.details["field"] == "valid_until"
    SocialWorker.objects.filter(pk=worker.pk).update(accreditation_status="expired")
    renewed = services.accreditation_renew(
        actor=admin,
        worker=worker,
        valid_from=end + dt.timedelta(days=1),
        valid_until=end + dt.timedelta(days=1826),
        number="AG-RENEWED-1",
    )
    assert renewed.accreditation_status == "granted"
    assert renewed.accreditation_number == "AG-RENEWED-1"


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.SOCIAL_WORKER, Role.AUDITOR])
def test_accreditation_changes_need_the_manage_right(
    make_user: Callable[..., Any], pending: SocialWorker, role: Role
) -> None:
    with pytest.raises(AccessDenied):
        _grant(make_user(role, national=True), pending)


def test_accreditation_changes_outside_the_scope_are_not_found(
    admin02: Any, worker: SocialWorker
) -> None:
    with pytest.raises(NotFound):
        services.accreditation_suspend(actor=admin02, worker=worker, reason="x")


def test_nobody_decides_their_own_accreditation(admin: Any) -> None:
    own = profile_for(admin, status="pending")
    with pytest.raises(OwnAccreditation):
        _grant(admin, own)
    SocialWorker.objects.filter(pk=own.pk).update(
        accreditation_status="granted",
        accreditation_number="AG-OWN-1",
        accreditation_valid_from=FROM,
        accreditation_valid_until=UNTIL,
        accreditation_authority="Ministère",
    )
    own.refresh_from_db()
    for change in (
        lambda: services.accreditation_suspend(actor=admin, worker=own, reason="x"),
        lambda: services.accreditation_renew(
            actor=admin, worker=own, valid_until=dt.date(2035, 1, 1), reason="x"
        ),
    ):
        with pytest.raises(OwnAccreditation):
            change()
    own.refresh_from_db()
    assert own.accreditation_status == "granted"
    assert "workforce.accreditation" not in " ".join(_actions(own))


def test_expire_marks_granted_accreditations_past_their_end(
    admin: Any, admin06: Any, worker: SocialWorker, pending: SocialWorker
) -> None:
    end = worker.accreditation_valid_until
    assert end is not None
    assert services.accreditations_expire(on=end) == 0
    assert services.accreditations_expire(on=end + dt.timedelta(days=1), actor=admin) == 1
    assert SocialWorker.objects.get(pk=worker.pk).accreditation_status == "expired"
    assert SocialWorker.objects.get(pk=pending.pk).accreditation_status == "pending"
    event = AuditEvent.objects.get(action="workforce.accreditations_expired")
    assert event.after["workers"] == [worker.pk]
    with pytest.raises(AccessDenied):  # a person runs it with a national scope only
        services.accreditations_expire(actor=admin06)


def test_a_worker_records_their_own_training(worker: SocialWorker) -> None:
    record = services.training_record_add(
        actor=worker.user,
        worker=worker,
        date=dt.date(2026, 2, 3),
        title="Entretien motivationnel",
        hours="7.5",
        provider="INAS",
    )
    assert record.hours == Decimal("7.5")
    assert record.recorded_by == worker.user
    assert _actions(worker) == ["workforce.training_recorded"]


def test_an_administrator_in_scope_records_training_others_are_refused(
    admin06: Any, admin02: Any, supervisor: Any, worker: SocialWorker, make_user: Callable[..., Any]
) -> None:
    arguments: dict[str, Any] = {
        "worker": worker,
        "date": dt.date(2026, 2, 3),
        "title": "Droit",
        "hours": 3,
    }
    services.training_record_add(actor=admin06, **arguments)
    with pytest.raises(NotFound):
        services.training_record_add(actor=admin02, **arguments)
    for someone in (supervisor, make_user(Role.SOCIAL_WORKER, regions=["06"])):
        with pytest.raises(AccessDenied):
            services.training_record_add(actor=someone, **arguments)
    assert TrainingRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": 0}, "hours"),
        ({"hours": "1001"}, "hours"),
        ({"hours": "lots"}, "hours"),
        ({"title": ""}, "title"),
        ({"date": dt.date(2999, 1, 1)}, "date"),
    ],
)
def test_training_refuses_bad_values(
    worker: SocialWorker, changes: dict[str, Any], field: str
) -> None:
    arguments = {"date": dt.date(2026, 2, 3), "title": "Droit", "hours": 3, **changes}
    with pytest.raises(InvalidInput) as caught:
        services.training_record_add(actor=worker.user, worker=worker, **arguments)
    assert caught.value.details["field"] == field


def test_the_supervisor_records_a_supervision_session(
    supervisor: Any, worker: SocialWorker
) -> None:
    session = services.supervision_session_record(
        actor=supervisor, worker=worker, date=dt.date(2026, 3, 2), cases_reviewed=6, notes="ok"
    )
    assert (session.supervisor, session.cases_reviewed) == (supervisor, 6)
    assert _actions(worker) == ["workforce.supervision_recorded"]


def test_only_the_workers_own_supervisor_records_their_sessions(
    make_user: Callable[..., Any], worker: SocialWorker, admin: Any
) -> None:
    other = make_user(Role.SUPERVISOR, username="supervisor06b", regions=["06"])
    with pytest.raises(NotTheSupervisor):
        services.supervision_session_record(
            actor=other, worker=worker, date=dt.date(2026, 3, 2), cases_reviewed=1
        )
    with pytest.raises(AccessDenied):  # administrators do not hold supervision sessions
        services.supervision_session_record(
            actor=admin, worker=worker, date=dt.date(2026, 3, 2), cases_reviewed=1
        )
    with pytest.raises(AccessDenied):
        services.supervision_session_record(
            actor=worker.user, worker=worker, date=dt.date(2026, 3, 2), cases_reviewed=1
        )


def test_supervision_refuses_bad_counts(supervisor: Any, worker: SocialWorker) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.supervision_session_record(
            actor=supervisor, worker=worker, date=dt.date(2026, 3, 2), cases_reviewed=-1
        )
    assert caught.value.details["field"] == "cases_reviewed"


def test_the_expire_command(worker: SocialWorker) -> None:
    from io import StringIO

    from django.core.management import call_command

    end = worker.accreditation_valid_until
    assert end is not None
    out = StringIO()
    call_command("workforce", "expiring", "--days", "3650", stdout=out)
    assert worker.accreditation_number in out.getvalue()
    call_command(
        "workforce", "expire", "--on", (end + dt.timedelta(days=1)).isoformat(), stdout=out
    )
    assert "expired: 1" in out.getvalue()
    assert SocialWorker.objects.get(pk=worker.pk).accreditation_status == "expired"
