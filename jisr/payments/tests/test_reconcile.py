"""Reconciliation against the payroll: clean returns applied (arrears, mandates set aside,
unclaimed streaks suspended), broken ones refused whole with every problem named and nothing
changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jisr.payments import providers, services
from jisr.payments.errors import ReturnRefused
from jisr.payments.models import Adjustment, PaymentCycle, PaymentMandate, PayrollLine
from jisr.payments.orders import order_lines
from jisr.payments.services.export import order_header
from jisr.payments.tests.scenario import mandates_assign, month_decide, registry_build
from jisr.programmes.models import Enrolment

pytestmark = pytest.mark.django_db
PROVIDER = "cash_wallet_csv"


@pytest.fixture
def exported(tmp_path: Path, regions: None, settings: Any, checker: Any) -> PaymentCycle:
    settings.DATA_DIR = tmp_path / "data"
    registry_build(tmp_path / "population", households=60, seed=3)
    month_decide("2026-04")
    mandates_assign()
    return _cycle("2026-04", checker)


def _cycle(month: str, checker: Any) -> PaymentCycle:
    cycle = services.cycle_create(actor=None, programme="asd", month=month)
    services.payroll_compute(actor=None, cycle_id=cycle.pk)
    services.payroll_approve(actor=checker, cycle_id=cycle.pk)
    for provider in ("bank_pain001", PROVIDER):
        services.payments_export(actor=None, cycle_id=cycle.pk, provider=provider)
    return PaymentCycle.objects.get(pk=cycle.pk)


def returned(cycle: PaymentCycle, statuses: list[str], lines: pl.DataFrame | None = None,
             provider: str = PROVIDER, **extra: list[Any]) -> bytes:  # fmt: skip
    lines = order_lines(cycle, provider) if lines is None else lines
    outcomes = pl.DataFrame({"reference": lines["reference"], "status": statuses, **extra})
    return providers.provider(provider).simulate_return(
        order_header(cycle, provider), lines, outcomes
    )


def reconcile(cycle: PaymentCycle, data: bytes, provider: str = PROVIDER) -> Any:
    return services.returns_reconcile(
        actor=None, cycle_id=cycle.pk, data=data, name="return", provider=provider
    )


def snapshot(cycle: PaymentCycle) -> list[tuple[str, str]]:
    return list(cycle.lines.order_by("reference").values_list("reference", "status"))


def test_a_clean_return_applies_every_outcome(exported: PaymentCycle) -> None:
    lines = order_lines(exported, PROVIDER)
    statuses = ["paid", "failed", "unclaimed"] * (lines.height // 3) + ["paid"] * (lines.height % 3)
    summary = reconcile(exported, returned(exported, statuses))
    assert summary.report["applied"] == lines.height
    assert summary.report["failed"] == statuses.count("failed")
    lost = PayrollLine.objects.filter(cycle=exported, status__in=["failed", "unclaimed"])
    assert Adjustment.objects.filter(kind="arrears", cycle__isnull=True).count() == lost.count()
    assert summary.report["outstanding"] == exported.lines.filter(provider="bank_pain001").count()


def test_a_closed_account_sets_the_mandate_aside(exported: PaymentCycle) -> None:
    lines = order_lines(exported, "bank_pain001")
    statuses = ["failed"] + ["paid"] * (lines.height - 1)
    data = returned(exported, statuses, provider="bank_pain001",
                    reason_code=["AC04"] + [None] * (lines.height - 1))  # fmt: skip
    summary = reconcile(exported, data, provider="bank_pain001")
    assert summary.report["mandates_set_aside"] == 1
    line = PayrollLine.objects.get(reference=lines["reference"][0])
    assert PaymentMandate.objects.get(person=line.beneficiary, active=True).invalid_reason == "AC04"


@pytest.mark.parametrize("broken", ["unknown_reference", "amount_mismatch"])
def test_a_return_that_does_not_match_the_payroll_is_refused_whole(
    exported: PaymentCycle, broken: str
) -> None:
    lines = order_lines(exported, PROVIDER)
    before = snapshot(exported)
    if broken == "unknown_reference":
        forged = lines.head(1).with_columns(reference=pl.lit("ASD202604-9999999999"))
        lines = pl.concat([lines, forged])
    else:
        lines = lines.with_columns(
            amount=pl.when(pl.int_range(pl.len()) == 2).then(pl.col("amount") + 100)
            .otherwise(pl.col("amount"))
        )  # fmt: skip
    with pytest.raises(ReturnRefused) as refused:
        reconcile(exported, returned(exported, ["paid"] * lines.height, lines))
    problems = refused.value.details["problems"]
    assert {p["code"] for p in problems} == {broken}
    assert all(p["line"] and p["reference"] and p["message"] for p in problems)
    assert snapshot(exported) == before
    assert not exported.files.filter(kind="return").exists()


def test_a_second_file_may_not_contradict_the_first(exported: PaymentCycle) -> None:
    lines = order_lines(exported, PROVIDER)
    reconcile(exported, returned(exported, ["paid"] * lines.height))
    after_first = snapshot(exported)
    with pytest.raises(ReturnRefused) as refused:
        reconcile(exported, returned(exported, ["failed"] + ["paid"] * (lines.height - 1)))
    assert {p["code"] for p in refused.value.details["problems"]} == {"already_final"}
    assert snapshot(exported) == after_first


def test_a_truncated_file_is_refused_and_changes_nothing(exported: PaymentCycle) -> None:
    lines = order_lines(exported, PROVIDER)
    data = returned(exported, ["paid"] * lines.height)
    before = snapshot(exported)
    with pytest.raises(ReturnRefused) as refused:
        reconcile(exported, data[: len(data) * 2 // 3])
    assert refused.value.details["count"] >= 1
    with pytest.raises(ReturnRefused):
        reconcile(exported, data.decode().encode("utf-16"))  # not UTF-8
    assert snapshot(exported) == before


def test_three_unclaimed_months_suspend_the_household(exported: PaymentCycle, checker: Any) -> None:
    cycle = exported
    target = PayrollLine.objects.filter(cycle=cycle, method="cash").order_by("reference").first()
    assert target is not None
    for month in ("2026-05", "2026-06", None):
        lines = order_lines(cycle, PROVIDER)
        statuses = ["unclaimed" if r == target.reference else "paid" for r in lines["reference"]]
        reconcile(cycle, returned(cycle, statuses))
        bank = order_lines(cycle, "bank_pain001").height
        data = returned(cycle, ["paid"] * bank, provider="bank_pain001")
        reconcile(cycle, data, provider="bank_pain001")
        services.cycle_close(actor=None, cycle_id=cycle.pk)
        if month is None:
            break
        month_decide(month)
        cycle = _cycle(month, checker)
        target = PayrollLine.objects.get(cycle=cycle, household=target.household)
    enrolment = Enrolment.objects.get(household=target.household, programme="asd")
    assert (enrolment.status, enrolment.reason) == ("suspended", "unclaimed")
