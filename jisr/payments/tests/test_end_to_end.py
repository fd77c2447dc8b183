"""Registry → rules → cycle → payroll → approval → export (both providers) → return files →
reconciled → closed → arrears in the next cycle. With the command line, as an operator runs it."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command

from jisr.payments import providers, services
from jisr.payments.models import Adjustment, PaymentCycle, PayrollLine, ProviderFile
from jisr.payments.orders import order_lines
from jisr.payments.services.export import order_header
from jisr.payments.tests.scenario import mandates_assign, month_decide, registry_build

pytestmark = pytest.mark.django_db
APRIL, MAY = "2026-04", "2026-05"


def payments(*argv: str) -> str:
    out = io.StringIO()
    call_command("payments", *argv, stdout=out)
    return out.getvalue()


def simulated_return(cycle: PaymentCycle, provider: str, every: dict[int, str]) -> bytes:
    """The provider's return for its order: line i gets `every[i % n]` (paid by default)."""
    lines = order_lines(cycle, provider)
    statuses = [every.get(i % 7, "paid") for i in range(lines.height)]
    outcomes = pl.DataFrame({"reference": lines["reference"], "status": statuses})
    return providers.provider(provider).simulate_return(
        order_header(cycle, provider), lines, outcomes
    )


@pytest.fixture
def country(tmp_path: Path, regions: None, settings: Any) -> dict[str, int]:
    settings.DATA_DIR = tmp_path / "data"
    registry_build(tmp_path / "population", households=150, seed=11)
    month_decide(APRIL)
    return mandates_assign()


def test_a_month_paid_from_the_registry_to_the_reconciled_returns(
    country: dict[str, int], tmp_path: Path, maker: Any, checker: Any
) -> None:
    cycle_id = int(payments("cycle-create", "--programme", "asd", "--month", APRIL).strip())
    payments("payroll", str(cycle_id), "--as", "maker")
    payments("approve", str(cycle_id), "--as", "checker")
    out = tmp_path / "out"
    bank = payments("export", str(cycle_id), "--provider", "bank_pain001", "--out", str(out))
    cash = payments("export", str(cycle_id), "--provider", "cash_wallet_csv", "--out", str(out))
    assert "exported" in cash
    assert "bank_pain001" in bank
    cycle = PaymentCycle.objects.get(pk=cycle_id)
    assert cycle.status == "exported"
    orders = ProviderFile.objects.filter(cycle=cycle, kind="order")
    assert sum(f.total_amount for f in orders) == cycle.total_amount  # files = approved payroll
    assert sum(f.line_count for f in orders) == cycle.lines.exclude(status="withheld").count()
    assert {p.name for p in out.iterdir()} == {f.name for f in orders}

    # The bank pays all but one line in seven (AC04: closed account); the network leaves one in
    # seven unclaimed and fails another.
    bank_return = tmp_path / "bank-return.xml"
    bank_return.write_bytes(simulated_return(cycle, "bank_pain001", {3: "failed"}))
    cash_return = tmp_path / "cash-return.csv"
    cash_return.write_bytes(
        simulated_return(cycle, "cash_wallet_csv", {2: "unclaimed", 5: "failed"})
    )
    payments("reconcile", str(cycle_id), str(bank_return))
    report = payments("reconcile", str(cycle_id), str(cash_return))
    assert "outstanding: 0" in report
    again = payments("reconcile", str(cycle_id), str(cash_return))  # the same file: no change
    assert "already_applied: True" in again
    shown = json.loads(payments("show", str(cycle_id), "--format", "json"))
    assert shown["status"] == "reconciled"
    by_status = {row["status"]: row for row in shown["by_status"]}
    lost = PayrollLine.objects.filter(cycle=cycle, status__in=["failed", "unclaimed"])
    assert (
        by_status["paid"]["lines"] + lost.count()
        == shown["line_count"] - by_status.get("withheld", {"lines": 0})["lines"]
    )
    assert lost.count() >= 2
    payments("close", str(cycle_id))
    assert PaymentCycle.objects.get(pk=cycle_id).status == "closed"

    # May: every failed or unclaimed April line comes back once, as arrears
    month_decide(MAY)
    may = services.cycle_create(actor=None, programme="asd", month=MAY)
    services.payroll_compute(actor=None, cycle_id=may.pk)
    arrears = Adjustment.objects.filter(kind="arrears", cycle=may)
    assert {a.source_line_id for a in arrears} >= {line.pk for line in lost}
    for line in lost:
        may_line = PayrollLine.objects.get(cycle=may, household=line.household)
        assert may_line.adjustments_amount >= line.amount
        if line.reason == "AC01":  # the closed account is set aside: May goes in cash
            assert may_line.method == "cash"
    assert sum(a.amount for a in arrears if a.source_line_id in {x.pk for x in lost}) == sum(
        (x.amount for x in lost), start=Decimal(0)
    )
