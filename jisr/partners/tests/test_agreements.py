"""Partnership agreements: drafted, signed, tranches released when their conditions are met then
paid or withheld, closed; every refusal; reports overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.core.models import AuditEvent
from jisr.partners import demo, selectors, services
from jisr.partners.errors import ConditionsNotMet, WrongStatus
from jisr.partners.models import Agreement, Organization, Service
from jisr.partners.tests.conftest import TODAY, agreement_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def sanad(directory: dict[str, Any]) -> Organization:
    return Organization.objects.get(pk=demo._id("sanad"))


def test_an_agreement_from_draft_to_closed(
    sanad: Organization, manager: Any, other_staff: Any
) -> None:
    agreement = agreement_draft(manager, sanad)
    services.agreement_activate(actor=manager, agreement=agreement, signed_on=dt.date(2026, 1, 5))
    first, second = agreement.tranches.order_by("number")
    with pytest.raises(ConditionsNotMet) as unmet:
        services.tranche_conditions_meet(actor=manager, tranche=first)
    assert unmet.value.details["unmet"] == [
        "report for 2026-01-01 – 2026-06-30 not submitted",
        "people served: 0 of 40",
    ]
    due = agreement.reports_due.get()
    report = services.output_report_save(
        actor=other_staff,
        due=due,
        people_served=45,
        delivered={Service.objects.get(name="Soutien scolaire").pk: 300},
    )
    services.output_report_submit(actor=other_staff, report=report)
    services.tranche_conditions_meet(actor=manager, tranche=first, note="Rapport reçu.")
    with pytest.raises(InvalidInput):
        services.tranche_pay(actor=manager, tranche=first, paid_on=TODAY, payment_reference="")
    services.tranche_pay(
        actor=manager, tranche=first, paid_on=dt.date(2026, 7, 25), payment_reference="OV-1"
    )
    with pytest.raises(WrongStatus):  # the second tranche is neither paid nor withheld
        services.agreement_close(actor=manager, agreement=agreement, note="Fin.")
    with pytest.raises(InvalidInput):
        services.tranche_withhold(actor=manager, tranche=second, reason=" ")
    services.tranche_withhold(actor=manager, tranche=second, reason="Activité arrêtée.")
    services.agreement_close(actor=manager, agreement=agreement, note="Fin de la convention.")
    detail = selectors.agreement_detail(user=manager, agreement_id=agreement.pk, on=TODAY)
    assert detail["agreement"].status == "closed"
    assert [p.tranche.status for p in detail["tranches"]] == ["paid", "withheld"]
    assert detail["paid"] == Decimal("30000.00")
    actions = list(
        AuditEvent.objects.filter(target_id=str(agreement.pk), actor_id=manager.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-5:] == [
        "partners.agreement_activated",
        "partners.tranche_conditions_met",
        "partners.tranche_paid",
        "partners.tranche_withheld",
        "partners.agreement_closed",
    ]


def test_services_delivered_indicator_by_service(
    sanad: Organization, manager: Any, other_staff: Any
) -> None:
    agreement = agreement_draft(manager, sanad)
    first = agreement.tranches.get(number=1)
    tutoring = Service.objects.get(name="Soutien scolaire")
    services.indicator_add(
        actor=manager, tranche=first, measure="services_delivered", target=500, service=tutoring,
        label="Séances de soutien",
    )  # fmt: skip
    services.agreement_activate(actor=manager, agreement=agreement, signed_on=dt.date(2026, 1, 5))
    report = services.output_report_save(
        actor=other_staff, due=agreement.reports_due.get(), people_served=45,
        delivered={tutoring.pk: 320},
    )  # fmt: skip
    services.output_report_submit(actor=other_staff, report=report)
    progress = selectors.tranche_progress(tranche=first, on=TODAY)
    assert [(s.achieved, s.met) for s in progress.indicators] == [(45, True), (320, False)]
    assert progress.unmet == ["Séances de soutien: 320 of 500"]


def test_an_agreements_page_costs_the_same_queries_whatever_its_tranches(
    sanad: Organization, manager: Any, other_staff: Any
) -> None:
    """Each tranche's progress as `tranche_progress` computes it alone, read in a number of
    queries that does not grow with the tranches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def detail() -> tuple[int, dict[str, Any]]:
        with CaptureQueriesContext(connection) as queries:
            found = selectors.agreement_detail(user=manager, agreement_id=agreement.pk, on=TODAY)
        return len(queries), found

    agreement = agreement_draft(manager, sanad)
    tutoring = Service.objects.get(name="Soutien scolaire")
    few, _ = detail()
    second = agreement.tranches.get(number=2)
    services.draft_item_remove(
        actor=manager, agreement=agreement, kind="tranche", item_id=second.pk
    )
    for day in (20, 40, 60):  # three tranches of 10,000 instead, each with its conditions
        tranche = services.tranche_add(
            actor=manager, agreement=agreement, amount="10000.00",
            due_date=dt.date(2026, 6, 1) + dt.timedelta(day),
        )  # fmt: skip
        services.indicator_add(
            actor=manager, tranche=tranche, measure="services_delivered", target=day,
            service=tutoring,
        )  # fmt: skip
        services.indicator_add(actor=manager, tranche=tranche, measure="people_served", target=9)
    services.agreement_activate(actor=manager, agreement=agreement, signed_on=dt.date(2026, 1, 5))
    report = services.output_report_save(
        actor=other_staff, due=agreement.reports_due.get(), people_served=45,
        delivered={tutoring.pk: 30},
    )  # fmt: skip
    services.output_report_submit(actor=other_staff, report=report)
    many, found = detail()
    assert len(found["tranches"]) == 4
    assert many == few  # 2 tranches then 4, with indicators, reports and services delivered
    for shown in found["tranches"]:
        alone = selectors.tranche_progress(tranche=shown.tranche, on=TODAY)
        assert [(s.indicator.pk, s.achieved) for s in shown.indicators] == [
            (s.indicator.pk, s.achieved) for s in alone.indicators
        ]
        assert [r.status for r in shown.reports] == [r.status for r in alone.reports]
        assert shown.unmet == alone.unmet
    achieved = {
        (p.tranche.number, s.indicator.measure): s.achieved
        for p in found["tranches"]
        for s in p.indicators
    }
    # The report conditions the first tranche: the others' figures are their own (none yet).
    assert achieved[(1, "people_served")] == 45
    assert achieved[(3, "people_served")] == 0
    assert achieved[(3, "services_delivered")] == 0


def test_only_managers_of_the_organisations_region(
    sanad: Organization, worker: Any, manager_oriental: Any, staff: Any
) -> None:
    terms: dict[str, Any] = {
        "organization": sanad, "reference": "X-1", "funder": "ministry", "purpose": "p",
        "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31), "budget": "10.00",
        "contribution": "10.00",
    }  # fmt: skip
    with pytest.raises(AccessDenied):
        services.agreement_create(actor=worker, **terms)
    with pytest.raises(AccessDenied):
        services.agreement_create(actor=staff, **terms)  # partner staff do not manage agreements
    with pytest.raises(NotFound):
        services.agreement_create(actor=manager_oriental, **terms)
    assert not Agreement.objects.filter(reference="X-1").exists()


def test_terms_are_checked_and_fixed_once_signed(sanad: Organization, manager: Any) -> None:
    terms: dict[str, Any] = {
        "organization": sanad, "reference": "X-2", "funder": "ministry", "purpose": "p",
        "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31), "budget": "100.00",
        "contribution": "100.00",
    }  # fmt: skip
    for wrong in (
        {"contribution": "150.00"},
        {"end": dt.date(2025, 1, 1)},
        {"funder": "world_bank"},
        {"budget": "-5"},
        {"budget": 1.5},
    ):
        with pytest.raises(InvalidInput):
            services.agreement_create(actor=manager, **{**terms, **wrong})
    agreement = services.agreement_create(actor=manager, **terms)
    with pytest.raises(InvalidInput):  # the same reference again
        services.agreement_create(actor=manager, **terms)
    with pytest.raises(InvalidInput):  # no tranche adds up to the contribution yet
        services.agreement_activate(actor=manager, agreement=agreement, signed_on=TODAY)
    services.tranche_add(
        actor=manager, agreement=agreement, amount="60.00", due_date=dt.date(2026, 3, 1)
    )
    with pytest.raises(InvalidInput):  # beyond the contribution
        services.tranche_add(
            actor=manager, agreement=agreement, amount="60.00", due_date=dt.date(2026, 6, 1)
        )
    with pytest.raises(InvalidInput):  # outside the period
        services.tranche_add(
            actor=manager, agreement=agreement, amount="40.00", due_date=dt.date(2027, 6, 1)
        )
    services.tranche_add(
        actor=manager, agreement=agreement, amount="40.00", due_date=dt.date(2026, 6, 1)
    )
    with pytest.raises(InvalidInput):  # a report due before its period ends
        services.report_due_add(
            actor=manager, agreement=agreement, period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31), due_date=dt.date(2026, 3, 1),
        )  # fmt: skip
    services.agreement_activate(actor=manager, agreement=agreement, signed_on=TODAY)
    with pytest.raises(WrongStatus):
        services.tranche_add(
            actor=manager, agreement=agreement, amount="1.00", due_date=dt.date(2026, 6, 1)
        )
    with pytest.raises(WrongStatus):
        services.agreement_activate(actor=manager, agreement=agreement, signed_on=TODAY)
    tranche = agreement.tranches.get(number=1)
    with pytest.raises(WrongStatus):  # conditions not recorded as met
        services.tranche_pay(actor=manager, tranche=tranche, paid_on=TODAY, payment_reference="X")
    services.tranche_conditions_meet(actor=manager, tranche=tranche)  # no condition: met
    with pytest.raises(InvalidInput):
        services.tranche_pay(
            actor=manager, tranche=tranche, paid_on=dt.date(2999, 1, 1), payment_reference="X"
        )


def test_the_demo_agreement_shows_its_overdue_reports(directory: dict[str, Any]) -> None:
    agreement = Agreement.objects.get(reference=demo.AGREEMENT_REFERENCE)
    detail = selectors.agreement_detail(user=None, agreement_id=agreement.pk, on=TODAY)
    assert [(r.status, r.overdue) for r in detail["reports"]] == [
        ("submitted", False),
        ("missing", True),
        ("missing", True),
        ("missing", False),
    ]
    first, second, third = detail["tranches"]
    assert (first.tranche.status, first.met, first.overdue) == ("paid", True, False)
    assert second.overdue
    assert not second.met
    assert second.unmet == [
        "report for 2026-04-01 – 2026-06-30 not submitted",
        "Enfants accueillis: 52 of 60",
    ]
    assert third.overdue  # the third quarter's report (a condition of the third tranche)


def test_overdue_reports(directory: dict[str, Any], staff: Any) -> None:
    overdue = selectors.overdue_reports(on=TODAY)
    assert [(d.period_start, d.due_date) for d in overdue] == [
        (dt.date(2026, 4, 1), dt.date(2026, 7, 15)),
        (dt.date(2026, 7, 1), dt.date(2026, 10, 15)),
    ]
    assert not selectors.overdue_reports(on=dt.date(2026, 7, 15)).exists()  # due that day
    assert selectors.overdue_reports(on=dt.date(2026, 7, 16)).count() == 1
    second = overdue[0]
    report = services.output_report_save(actor=staff, due=second, people_served=58, delivered={})
    assert selectors.overdue_reports(on=TODAY).count() == 2  # a draft is not a report received
    services.output_report_submit(actor=staff, report=report)
    assert [d.period_start for d in selectors.overdue_reports(on=TODAY)] == [dt.date(2026, 7, 1)]


def test_overdue_reports_are_scoped(
    directory: dict[str, Any], staff: Any, other_staff: Any, manager: Any, manager_oriental: Any
) -> None:
    assert selectors.overdue_reports(on=TODAY, user=staff).count() == 2
    assert selectors.overdue_reports(on=TODAY, user=manager).count() == 2
    assert not selectors.overdue_reports(on=TODAY, user=other_staff).exists()
    assert not selectors.overdue_reports(on=TODAY, user=manager_oriental).exists()


def test_agreements_are_seen_by_their_managers_and_their_organisations_staff(
    directory: dict[str, Any], staff: Any, other_staff: Any, manager_oriental: Any, worker: Any
) -> None:
    agreement = Agreement.objects.get(reference=demo.AGREEMENT_REFERENCE)
    assert selectors.agreement_get(user=staff, agreement_id=agreement.pk) == agreement
    for outsider in (other_staff, manager_oriental, worker):
        with pytest.raises(NotFound):
            selectors.agreement_get(user=outsider, agreement_id=agreement.pk)
        assert not selectors.agreement_list(user=outsider).exists()


def test_a_national_manager_sees_every_regions_agreements(
    directory: dict[str, Any], make_user: Callable[..., Any], manager: Any
) -> None:
    """A national scope or-ed with the organisation ground still matches everything (an empty
    `Q()` would have vanished from the OR and shown a national manager nothing)."""
    agreement = Agreement.objects.get(reference=demo.AGREEMENT_REFERENCE)
    national = make_user(Role.PROGRAMME_MANAGER, username="manager_national", national=True)
    for user in (national, manager):
        assert list(selectors.agreement_list(user=user)) == [agreement], user
        assert selectors.agreement_get(user=user, agreement_id=agreement.pk) == agreement
    assert list(selectors.overdue_reports(on=TODAY, user=national)) == list(
        selectors.overdue_reports(on=TODAY, user=None)
    )


def test_a_draft_is_corrected_item_by_item_never_once_signed(
    sanad: Organization, manager: Any, other_staff: Any
) -> None:
    agreement = agreement_draft(manager, sanad)
    first, second = agreement.tranches.order_by("number")
    due = agreement.reports_due.get()
    [indicator] = first.indicators.all()
    for wrong in (
        {"kind": "payment", "item_id": first.pk},  # nothing of that kind
        {"kind": "report", "item_id": first.pk + 1000},  # not this agreement's
    ):
        with pytest.raises(InvalidInput):
            services.draft_item_remove(actor=manager, agreement=agreement, **wrong)
    with pytest.raises(AccessDenied):  # the organisation's staff read it, never change it
        services.draft_item_remove(
            actor=other_staff, agreement=agreement, kind="tranche", item_id=first.pk
        )
    services.draft_item_remove(
        actor=manager, agreement=agreement, kind="indicator", item_id=indicator.pk
    )
    services.draft_item_remove(actor=manager, agreement=agreement, kind="tranche", item_id=first.pk)
    # the second tranche is now the first; the report due stays, no longer a condition
    assert [(t.pk, t.number) for t in agreement.tranches.all()] == [(second.pk, 1)]
    due.refresh_from_db()
    assert due.tranche is None
    services.draft_item_remove(actor=manager, agreement=agreement, kind="report", item_id=due.pk)
    assert not agreement.reports_due.exists()
    assert AuditEvent.objects.filter(action="partners.draft_item_removed").count() == 3

    services.tranche_add(
        actor=manager, agreement=agreement, amount="30000.00", due_date=dt.date(2026, 9, 1)
    )
    services.agreement_activate(actor=manager, agreement=agreement, signed_on=TODAY)
    with pytest.raises(WrongStatus):  # signed: its terms are fixed
        services.draft_item_remove(
            actor=manager, agreement=agreement, kind="tranche", item_id=second.pk
        )
    assert agreement.tranches.count() == 2
