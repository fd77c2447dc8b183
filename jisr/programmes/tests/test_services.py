"""Decisions computed from the registry, recorded in bulk, recomputed when a household changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from django.db import connection

from jisr.core import jobs
from jisr.core.models import Job
from jisr.programmes import services
from jisr.programmes.models import EligibilityDecision, Programme
from jisr.programmes.tasks import DECISIONS
from jisr.registry import services as registry_services
from jisr.registry.models import Household
from jisr.rules.periods import Month

pytestmark = pytest.mark.django_db
MARCH = Month(2026, 3)


def decisions(household: Household, month: str = "2026-03") -> dict[str, EligibilityDecision]:
    return {
        d.programme: d for d in EligibilityDecision.objects.filter(household=household, month=month)
    }


def test_decisions_for_the_registry(assessed: dict[str, Any]) -> None:
    summary = services.decisions_compute(month=MARCH)
    assert summary.households == 1
    assert summary.decisions == 3
    assert summary.asd_eligible == 1
    assert summary.asd_amount == "500.00"
    found = decisions(assessed["household"])
    asd = found[Programme.ASD]
    assert (asd.eligible, asd.amount, asd.index_used) == (True, Decimal("500.00"), Decimal("9.1"))
    assert asd.source == "batch"
    assert asd.trace["asd_children"] == 1
    assert len(asd.parameters_version) == 16
    assert found[Programme.AMO_TADAMON].eligible is True
    assert (found[Programme.AMO_ACHAMIL].eligible, found[Programme.AMO_ACHAMIL].amount) == (
        False,
        Decimal("0.00"),
    )


def test_running_a_month_again_replaces_its_decisions(assessed: dict[str, Any]) -> None:
    services.decisions_compute(month=MARCH)
    Household.objects.filter(pk=assessed["household"].pk).update(index_value=Decimal("9.9"))
    services.decisions_compute(month=MARCH)
    found = decisions(assessed["household"])
    assert EligibilityDecision.objects.count() == 3
    assert found[Programme.ASD].eligible is False
    assert found[Programme.ASD].amount == 0
    assert found[Programme.AMO_ACHAMIL].amount == Decimal("224.00")  # 9.9: the 224 MAD band


def test_each_month_has_its_own_decisions_and_rules(assessed: dict[str, Any]) -> None:
    services.decisions_compute(month=Month(2024, 3))
    services.decisions_compute(month=MARCH)
    assert decisions(assessed["household"], "2024-03")[Programme.ASD].amount == Decimal("500.00")
    september = services.decisions_compute(month=Month(2025, 9))
    # September 2025: 500 a month plus the 200 MAD school-start grant (lower secondary)
    assert september.asd_amount == "700.00"


def test_a_declaration_recomputes_the_household_with_its_full_explanation(
    assessed: dict[str, Any], worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    household = assessed["household"]
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.member_leave(
            actor=worker,
            household=household,
            expected_version=household.version,
            person=assessed["son"],
            effective=dt.date(2026, 2, 1),
            reason="left to study abroad",
        )
    job = Job.objects.get(kind=DECISIONS)
    assert job.params["household_ids"] == [household.pk]
    assert Household.objects.get(pk=household.pk).needs_recompute is True
    job.params["month"] = "2026-03"
    jobs.run(job)
    assert job.status == "succeeded", job.error
    asd = decisions(household)[Programme.ASD]
    assert asd.source == "recompute"
    assert asd.trace["programmes"]["asd"]["children_paid"] == 0  # the son left
    # the household was flagged: its index was computed again by the model, and stored
    stored = Household.objects.get(pk=household.pk)
    assert stored.needs_recompute is False
    assert stored.index_model.startswith(services.model_name()[:10])
    assert stored.index_value == asd.index_used != Decimal("9.1")
    assert asd.trace["index"]["source"] == "model (illustrative)"
    assert asd.index_used is not None
    assert asd.eligible == (asd.index_used < Decimal("9.743001"))
    assert asd.amount == (Decimal("500.00") if asd.eligible else 0)  # the flat rate, or nothing
    assert any(step["variable"] == "asd_eligible" for step in asd.trace["trace"])


def test_a_household_changed_during_the_run_stays_flagged(assessed: dict[str, Any]) -> None:
    household = assessed["household"]
    Household.objects.filter(pk=household.pk).update(needs_recompute=True)
    original = services.snapshot.households_on

    def changed_meanwhile(*args: Any, **kwargs: Any) -> Any:
        frames = original(*args, **kwargs)
        Household.objects.filter(pk=household.pk).update(
            updated_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
        )
        return frames

    services.snapshot.households_on = changed_meanwhile
    try:
        services.decisions_compute(month=MARCH)
    finally:
        services.snapshot.households_on = original
    assert Household.objects.get(pk=household.pk).needs_recompute is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ADBC reads PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_snapshot_through_adbc_outside_a_transaction(assessed: dict[str, Any]) -> None:
    from jisr.registry import snapshot

    assert not connection.in_atomic_block
    households, persons = snapshot.households_on(dt.date(2026, 3, 1))
    assert households["household_id"].to_list() == [assessed["household"].rsu_id]
    assert households["index"].to_list() == [9.1]
    assert sorted(persons["relationship"]) == ["child", "head", "spouse"]
    assert persons["in_school"].dtype == pl.Boolean
