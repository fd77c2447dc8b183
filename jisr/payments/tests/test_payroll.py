"""The payroll's rules: who is paid what, how, and the adjustments (suspensions withheld and
later released as arrears, failed lines re-issued once, recoveries bounded per month)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jisr.payments import services
from jisr.payments.models import Adjustment, Overpayment, PaymentMandate, PayrollLine
from jisr.programmes import services as programme_services
from jisr.programmes.models import Enrolment
from jisr.rules.periods import Month

pytestmark = pytest.mark.django_db


def run(month: str, maker: Any, checker: Any | None = None) -> PayrollLine:
    """Decisions and a computed (approved, when a checker is given) payroll for `month`."""
    programme_services.decisions_compute(month=Month.parse(month))
    cycle = services.cycle_create(actor=maker, programme="asd", month=month)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    if checker is not None:
        services.payroll_approve(actor=checker, cycle_id=cycle.pk)
    return PayrollLine.objects.get(cycle=cycle)


def test_mandates_choose_the_method_and_the_provider(decided: dict[str, Any], maker: Any) -> None:
    PaymentMandate.objects.create(
        person=decided["father"], method="bank", rib="011780000012345678901234"
    )
    line = run("2026-04", maker)
    assert (line.method, line.provider, line.rib, line.pickup_code) == (
        "bank", "bank_pain001", "011780000012345678901234", "",
    )  # fmt: skip


def test_a_suspended_household_is_withheld_then_paid_its_arrears(
    decided: dict[str, Any], maker: Any, programme_manager: Any
) -> None:
    enrolment = Enrolment.objects.get(household=decided["household"], programme="asd")
    programme_services.enrolment_suspend(actor=programme_manager, enrolment=enrolment, note="tip")
    april = run("2026-04", maker)
    assert (april.status, april.reason, april.amount, april.base_amount) == (
        "withheld", "investigation", Decimal("0.00"), Decimal("500.00"),
    )  # fmt: skip
    suspension = Adjustment.objects.get(line=april)
    assert (suspension.kind, suspension.amount) == ("suspension", Decimal("-500.00"))
    enrolment.refresh_from_db()
    programme_services.enrolment_resume(actor=programme_manager, enrolment=enrolment, note="ok")
    may = run("2026-05", maker)
    assert (may.status, may.amount, may.adjustments_amount) == (
        "payable", Decimal("1000.00"), Decimal("500.00"),
    )  # fmt: skip
    arrears = Adjustment.objects.get(line=may)
    assert (arrears.kind, arrears.source_line, arrears.reason) == (
        "arrears", april, "withheld 2026-04",
    )  # fmt: skip
    june = run("2026-06", maker)  # released once only
    assert june.amount == Decimal("500.00")


def test_without_a_card_nor_a_mandate_nobody_can_collect(
    decided: dict[str, Any], maker: Any
) -> None:
    decided["father"].__class__.objects.filter(pk=decided["father"].pk).update(cnie=None)
    line = run("2026-04", maker)
    assert (line.status, line.reason, line.amount) == (
        "withheld",
        "no_payment_means",
        Decimal("0.00"),
    )


def test_recoveries_take_at_most_a_quarter_a_month(decided: dict[str, Any], maker: Any) -> None:
    overpayment = Overpayment.objects.create(
        household=decided["household"], programme="asd", amount=Decimal("180.00"),
        reason="paid while abroad",
    )  # fmt: skip
    april = run("2026-04", maker)
    assert (april.adjustments_amount, april.amount) == (Decimal("-125.00"), Decimal("375.00"))
    may = run("2026-05", maker)
    assert (may.adjustments_amount, may.amount) == (Decimal("-55.00"), Decimal("445.00"))
    assert sum(a.amount for a in overpayment.recoveries.all()) == Decimal("-180.00")
    assert run("2026-06", maker).amount == Decimal("500.00")


def test_amounts_keep_their_centimes(decided: dict[str, Any], maker: Any) -> None:
    Overpayment.objects.create(
        household=decided["household"], programme="asd", amount=Decimal("100.25"),
        reason="paid while abroad",
    )  # fmt: skip
    april = run("2026-04", maker)
    assert (april.adjustments_amount, april.amount) == (Decimal("-100.25"), Decimal("399.75"))
    assert Adjustment.objects.get(line=april).amount == Decimal("-100.25")
    assert april.cycle.total_amount == Decimal("399.75")


def test_a_failed_line_is_reissued_once_in_the_next_cycle(
    decided: dict[str, Any], maker: Any
) -> None:
    april = run("2026-04", maker)
    PayrollLine.objects.filter(pk=april.pk).update(status="failed", reason="AC04")
    Adjustment.objects.create(
        household=decided["household"], programme="asd", kind="arrears",
        amount=april.amount, reason="failed AC04", source_line=april, created_at=timezone.now(),
    )  # fmt: skip
    may = run("2026-05", maker)
    assert (may.amount, may.adjustments_amount) == (Decimal("1000.00"), Decimal("500.00"))
    # recomputing May gives the arrears back to May, not twice
    services.payroll_compute(actor=maker, cycle_id=may.cycle_id)
    may = PayrollLine.objects.get(cycle=may.cycle)
    assert may.amount == Decimal("1000.00")
    assert Adjustment.objects.filter(kind="arrears").count() == 1


def test_the_death_of_the_head_withholds_until_a_new_head(
    decided: dict[str, Any], maker: Any
) -> None:
    father = decided["father"]
    father.__class__.objects.filter(pk=father.pk).update(death_date=dt.date(2026, 3, 25))
    line = run("2026-04", maker)
    assert (line.status, line.reason) == ("withheld", "beneficiary_deceased")
