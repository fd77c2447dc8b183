"""The demo's data: a population, one user per role, and the payment chain (last month paid and
closed, this month's payroll waiting for the second payment officer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jisr.accounts.models import User
from jisr.payments.models import PaymentCycle, PayrollLine
from jisr.web import demo

pytestmark = pytest.mark.django_db


def test_the_demo_pays_last_month_and_prepares_this_one(tmp_path: Path, settings: Any) -> None:
    settings.DATA_DIR = tmp_path
    households, _persons = demo.demo_population(data_dir=tmp_path, households=200, seed=7)
    assert households == 200
    demo.demo_users()
    today = dt.date(2026, 11, 30)
    assert demo.demo_payments(today=today) == {"2026-10": "closed", "2026-11": "computed"}
    closed = PaymentCycle.objects.get(month="2026-10")
    assert (closed.computed_by_id, closed.approved_by_id) == (
        User.objects.get(username="payer").pk,
        User.objects.get(username="payer2").pk,
    )
    lines = PayrollLine.objects.filter(cycle=closed)
    assert lines.filter(status="paid").exists()
    assert not lines.filter(status__in=["payable", "exported"]).exists()
    assert PaymentCycle.objects.get(month="2026-11").status == "computed"
    assert demo.demo_payments(today=today) == {}  # idempotent
