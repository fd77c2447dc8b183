"""The demo's data: a population, one user per role, and the payment chain (last month paid and
closed, this month's payroll waiting for the second payment officer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

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
    assert not lines.filter(status="payable").exists()
    assert PaymentCycle.objects.get(month="2026-11").status == "computed"
    assert demo.demo_payments(today=today) == {}  # idempotent


def test_the_demo_gives_each_social_worker_cases_and_the_partner_a_referral(
    tmp_path: Path, settings: Any
) -> None:
    from jisr.casework import selectors
    from jisr.casework.models import Case, OutreachItem
    from jisr.workforce.selectors import accreditation_status, team_members

    settings.DATA_DIR = tmp_path
    demo.demo_population(data_dir=tmp_path, households=300, seed=7)
    demo.demo_users()
    today = timezone.localdate()
    summary = demo.demo_casework(today=today)
    supervisor = User.objects.get(username="supervisor")
    workers = [User.objects.get(username=name) for name in ("worker.casa", "worker.oriental")]
    assert list(team_members(supervisor=supervisor)) == workers
    for user in (supervisor, *workers):
        assert accreditation_status(user=user).ok, user

    assert summary["cases"] == {"worker.casa": 4, "worker.oriental": 4}
    for worker in workers:
        statuses = set(Case.objects.filter(owner=worker).values_list("status", flat=True))
        assert statuses == {"intake", "planning", "active", "closing"}, worker
        assert selectors.caseload(user=worker).cases
    casa = workers[0]
    assert Case.objects.filter(owner=casa, source="registry").exists()  # opened from outreach
    assert OutreachItem.objects.filter(assigned_to=casa, status="assigned").exists()  # to visit
    partner = User.objects.get(username="partner")
    pending = selectors.referral_inbox(user=partner, status="pending")
    assert [r.case.owner for r in pending] == [casa]
    assert pending[0].consent is not None

    # idempotent
    assert demo.demo_workforce(today=today) == []
    again = demo.demo_casework(today=today)
    assert (again["cases"], again["outreach_found"], again["outreach_assigned"]) == ({}, 0, 0)
    assert Case.objects.count() == 8
