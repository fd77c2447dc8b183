"""Partner output reports: written and submitted by the staff of the agreement's organisation
only, seen only by them and the agreement's managers, returned for correction by a manager."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.core.models import AuditEvent
from jisr.partners import demo, selectors, services
from jisr.partners.errors import WrongStatus
from jisr.partners.models import Agreement, OutputReport, ReportDue, Service
from jisr.partners.tests.conftest import agreement_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_quarter(directory: dict[str, Any]) -> ReportDue:
    """The demo agreement's report due for April–June 2026 (not yet written)."""
    agreement = Agreement.objects.get(reference=demo.AGREEMENT_REFERENCE)
    return agreement.reports_due.get(period_start=dt.date(2026, 4, 1))


def nour_service(key: str) -> uuid.UUID:
    return uuid.UUID(demo._id("nour", key))


def test_staff_write_then_submit_their_organisations_report(
    second_quarter: ReportDue, staff: Any
) -> None:
    report = services.output_report_save(
        actor=staff, due=second_quarter, people_served=55, delivered={nour_service("therapy"): 400}
    )
    report = services.output_report_save(
        actor=staff,
        due=second_quarter,
        people_served=58,
        delivered={nour_service("therapy"): 420, nour_service("day-centre"): 2600},
        note="Deux nouveaux enfants.",
    )
    assert OutputReport.objects.filter(due=second_quarter).count() == 1
    assert {line.service_id: line.delivered for line in report.lines.all()} == {
        nour_service("therapy"): 420,
        nour_service("day-centre"): 2600,
    }
    submitted = services.output_report_submit(actor=staff, report=report)
    assert (submitted.status, submitted.submitted_by) == ("submitted", staff)
    with pytest.raises(WrongStatus):  # no change once submitted
        services.output_report_save(actor=staff, due=second_quarter, people_served=1, delivered={})
    with pytest.raises(WrongStatus):
        services.output_report_submit(actor=staff, report=report)
    saved = AuditEvent.objects.filter(
        action="partners.report_saved", actor_id=staff.pk, target_id=str(report.pk)
    ).order_by("pk")
    assert saved.count() == 2
    assert [event.before for event in saved][1]["people_served"] == 55
    assert AuditEvent.objects.filter(action="partners.report_submitted").exists()


def test_staff_of_another_organisation_can_neither_write_nor_see_it(
    second_quarter: ReportDue, staff: Any, other_staff: Any
) -> None:
    with pytest.raises(AccessDenied):
        services.output_report_save(
            actor=other_staff, due=second_quarter, people_served=1, delivered={}
        )
    report = services.output_report_save(
        actor=staff, due=second_quarter, people_served=5, delivered={}
    )
    with pytest.raises(AccessDenied):
        services.output_report_submit(actor=other_staff, report=report)
    with pytest.raises(NotFound):
        selectors.report_due_get(user=other_staff, due_id=second_quarter.pk)
    with pytest.raises(NotFound):
        selectors.output_report_get(user=other_staff, report_id=report.pk)
    assert not selectors.reports_due(user=other_staff).exists()
    assert selectors.reports_due(user=staff).count() == 4
    assert selectors.output_report_get(user=staff, report_id=report.pk) == report


def test_a_manager_follows_reports_but_does_not_write_them(
    second_quarter: ReportDue, manager: Any
) -> None:
    assert selectors.report_due_get(user=manager, due_id=second_quarter.pk) == second_quarter
    with pytest.raises(AccessDenied):
        services.output_report_save(
            actor=manager, due=second_quarter, people_served=1, delivered={}
        )


def test_only_the_organisations_services_and_whole_numbers(
    second_quarter: ReportDue, staff: Any
) -> None:
    sanad_service = Service.objects.get(name="Soutien scolaire").pk
    with pytest.raises(InvalidInput) as refused:
        services.output_report_save(
            actor=staff, due=second_quarter, people_served=3, delivered={sanad_service: 10}
        )
    assert refused.value.details["services"] == [str(sanad_service)]
    with pytest.raises(InvalidInput):
        services.output_report_save(actor=staff, due=second_quarter, people_served=-1, delivered={})
    with pytest.raises(InvalidInput):
        services.output_report_save(
            actor=staff,
            due=second_quarter,
            people_served=1,
            delivered={nour_service("therapy"): "many"},  # type: ignore[dict-item]
        )
    assert not OutputReport.objects.filter(due=second_quarter).exists()


def test_a_report_is_submitted_once_its_period_has_ended(
    directory: dict[str, Any], manager: Any, staff: Any
) -> None:
    agreement = agreement_draft(
        manager,
        directory["nour"],
        reference="EN-FUTURE",
        start=dt.date(2099, 1, 1),
        end=dt.date(2099, 12, 31),
    )
    services.agreement_activate(actor=manager, agreement=agreement, signed_on=dt.date(2026, 11, 1))
    due = agreement.reports_due.get()
    report = services.output_report_save(actor=staff, due=due, people_served=3, delivered={})
    with pytest.raises(InvalidInput):
        services.output_report_submit(actor=staff, report=report)


def test_reports_only_under_an_agreement_in_force(
    directory: dict[str, Any], manager: Any, staff: Any
) -> None:
    agreement = agreement_draft(manager, directory["nour"], reference="EN-DRAFT")
    with pytest.raises(WrongStatus):
        services.output_report_save(
            actor=staff, due=agreement.reports_due.get(), people_served=3, delivered={}
        )


def test_a_manager_returns_a_report_until_its_tranche_is_released(
    directory: dict[str, Any], second_quarter: ReportDue, staff: Any, manager: Any, other_staff: Any
) -> None:
    report = services.output_report_save(
        actor=staff, due=second_quarter, people_served=61, delivered={}
    )
    with pytest.raises(WrongStatus):  # not submitted yet
        services.output_report_return(actor=manager, report=report, reason="Chiffres ?")
    services.output_report_submit(actor=staff, report=report)
    with pytest.raises(AccessDenied):
        services.output_report_return(actor=other_staff, report=report, reason="Non.")
    with pytest.raises(InvalidInput):
        services.output_report_return(actor=manager, report=report, reason="")
    returned = services.output_report_return(actor=manager, report=report, reason="Chiffres ?")
    assert (returned.status, returned.submitted_at) == ("draft", None)
    services.output_report_save(actor=staff, due=second_quarter, people_served=60, delivered={})
    services.output_report_submit(actor=staff, report=report)
    tranche = second_quarter.tranche
    assert tranche is not None
    services.tranche_conditions_meet(actor=manager, tranche=tranche)  # 52 + 60 ≥ 60
    with pytest.raises(WrongStatus):
        services.output_report_return(actor=manager, report=report, reason="Trop tard.")
