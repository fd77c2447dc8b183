"""A cycle's steps and every refusal: wrong role, wrong scope, same person approving, approving
twice, a frozen payroll."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from jisr.accounts.roles import Role
from jisr.core.errors import AccessDenied, InvalidInput
from jisr.payments import selectors, services
from jisr.payments.errors import PayrollChanged, SameApprover, WrongCycleStatus
from jisr.payments.models import LineStatus, PaymentCycle, PayrollLine, ProviderFile

pytestmark = pytest.mark.django_db
MONTH = "2026-03"


def test_payroll_from_the_months_decisions(decided: dict[str, Any], maker: Any) -> None:
    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    summary = services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    assert (summary.lines, summary.payable, summary.withheld, summary.total) == (
        1, 1, 0, "500.00",
    )  # fmt: skip
    line = PayrollLine.objects.get(cycle=cycle)
    household, father = decided["household"], decided["father"]
    assert line.reference == f"ASD202603-{household.pk:010d}"
    assert (line.amount, line.base_amount, line.adjustments_amount) == (
        Decimal("500.00"), Decimal("500.00"), Decimal("0.00"),
    )  # fmt: skip
    assert line.beneficiary == father
    assert (line.method, line.provider, line.status) == ("cash", "cash_wallet_csv", "payable")
    assert len(line.pickup_code) == 10
    assert line.pickup_code.isdigit()
    cycle.refresh_from_db()
    assert (cycle.status, cycle.line_count, cycle.total_amount) == (
        "computed", 1, Decimal("500.00"),
    )  # fmt: skip


def test_recomputing_before_approval_gives_the_same_payroll(
    decided: dict[str, Any], maker: Any
) -> None:
    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    first = services.payroll_hash(cycle.pk)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    assert services.payroll_hash(cycle.pk) == first
    assert PayrollLine.objects.filter(cycle=cycle).count() == 1


def test_maker_checker_and_the_steps_in_order(
    decided: dict[str, Any], maker: Any, checker: Any
) -> None:
    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    with pytest.raises(WrongCycleStatus):  # nothing to approve yet
        services.payroll_approve(actor=checker, cycle_id=cycle.pk)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    with pytest.raises(SameApprover):
        services.payroll_approve(actor=maker, cycle_id=cycle.pk)
    approved = services.payroll_approve(actor=checker, cycle_id=cycle.pk)
    assert approved.status == "approved"
    assert approved.payroll_hash == services.payroll_hash(cycle.pk)
    with pytest.raises(WrongCycleStatus):  # approving twice
        services.payroll_approve(actor=checker, cycle_id=cycle.pk)
    with pytest.raises(WrongCycleStatus):  # an approved payroll is not recomputed
        services.payroll_compute(actor=maker, cycle_id=cycle.pk)


def test_the_database_refuses_a_second_approval_by_the_maker(
    decided: dict[str, Any], maker: Any
) -> None:
    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentCycle.objects.filter(pk=cycle.pk).update(approved_by=maker)


def test_roles_scopes_and_bad_requests(
    decided: dict[str, Any], maker: Any, make_user: Callable[..., Any]
) -> None:
    regional = make_user(Role.PAYMENT_OFFICER, username="regional", regions=["06"])
    manager = make_user(Role.PROGRAMME_MANAGER, username="pm", national=True)
    for user in (regional, manager):
        with pytest.raises(AccessDenied):
            services.cycle_create(actor=user, programme="asd", month=MONTH)
    with pytest.raises(InvalidInput):
        services.cycle_create(actor=maker, programme="amo_tadamon", month=MONTH)
    with pytest.raises(InvalidInput):
        services.cycle_create(actor=maker, programme="asd", month="2026-13")
    services.cycle_create(actor=maker, programme="asd", month=MONTH)
    with pytest.raises(WrongCycleStatus):  # one cycle per programme and month
        services.cycle_create(actor=maker, programme="asd", month=MONTH)


def test_one_line_per_household_programme_and_month(decided: dict[str, Any], maker: Any) -> None:
    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    line = PayrollLine.objects.get(cycle=cycle)
    line.pk, line.reference = None, "ASD-DUPLICATE"
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_an_approved_payroll_is_frozen_by_the_database(
    decided: dict[str, Any], maker: Any, checker: Any
) -> None:
    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    services.payroll_approve(actor=checker, cycle_id=cycle.pk)
    lines = PayrollLine.objects.filter(cycle=cycle)
    for change in (
        lambda: lines.update(amount=Decimal("900.00"), base_amount=Decimal("900.00")),
        lambda: lines.update(rib="011780000012345678901234"),
        lambda: lines.delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    assert lines.update(status="paid") == 1  # a status the provider reports may change


@pytest.fixture
def approved(
    decided: dict[str, Any], maker: Any, checker: Any, settings: Any, tmp_path: Any
) -> PaymentCycle:
    """The month's cycle, computed by `maker`, approved by `checker` (files under tmp_path)."""
    settings.DATA_DIR = tmp_path
    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    return services.payroll_approve(actor=checker, cycle_id=cycle.pk)


def test_an_export_records_its_order_and_rewrites_no_line(
    approved: PaymentCycle, decided: dict[str, Any], checker: Any
) -> None:
    cycle = approved
    assert set(approved.order_digests) == {"cash_wallet_csv"}  # one digest per provider paid
    before = list(PayrollLine.objects.filter(cycle=cycle).values())
    services.payments_export(actor=checker, cycle_id=cycle.pk, provider="cash_wallet_csv")
    assert list(PayrollLine.objects.filter(cycle=cycle).values()) == before  # untouched
    cycle.refresh_from_db()
    assert cycle.status == "exported"
    summary = selectors.cycle_summary(user=checker, cycle_id=cycle.pk)
    assert [(r["status"], r["lines"]) for r in summary["by_status"]] == [("exported", 1)]
    [line] = selectors.household_payments(user=None, household=decided["household"])
    assert (line.status, line.shown_status) == ("payable", "exported")
    assert line.status_label == str(LineStatus.EXPORTED.label)


def test_an_export_refuses_lines_changed_since_their_approval(
    approved: PaymentCycle, checker: Any, tmp_path: Any
) -> None:
    cycle = approved
    with connection.cursor() as cursor:  # behind the database's back (its trigger off)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE payments_payrollline SET amount = amount + 1, base_amount = base_amount + 1"
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(PayrollChanged):
        services.payments_export(actor=checker, cycle_id=cycle.pk, provider="cash_wallet_csv")
    assert not ProviderFile.objects.filter(cycle=cycle).exists()
    assert not list(tmp_path.rglob("*.csv"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_registry_rows_payroll_lines_name_are_never_deleted(
    decided: dict[str, Any], maker: Any
) -> None:
    """Payroll lines reference households and persons without a per-line foreign-key check: the
    database refuses to delete them instead (registry migration 0007)."""
    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    line = PayrollLine.objects.get(cycle=cycle)
    for table, key in (
        ("registry_household", line.household_id),
        ("registry_person", line.beneficiary_id),
    ):
        with (
            pytest.raises(IntegrityError, match="never deleted"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [key])  # noqa: S608
    assert PayrollLine.objects.filter(
        household__isnull=False, beneficiary__isnull=False, cycle=cycle
    ).exists()
