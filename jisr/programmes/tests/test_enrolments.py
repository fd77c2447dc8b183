"""Enrolments follow the monthly decisions: enrolled when eligible, suspended (with the reason)
when not, never rewound by an older month, investigations lifted only by a person."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.core.errors import AccessDenied, InvalidInput
from jisr.programmes import _enrolments, services
from jisr.programmes.models import Enrolment, EnrolmentReason, EnrolmentStatus, Programme
from jisr.registry.models import Household, Person
from jisr.rules.periods import Month

MARCH, APRIL, MAY = Month(2026, 3), Month(2026, 4), Month(2026, 5)


def enrolment(household: Household, programme: str = Programme.ASD) -> Enrolment:
    return Enrolment.objects.get(household=household, programme=programme)


def index(household: Household, value: str) -> None:
    Household.objects.filter(pk=household.pk).update(index_value=Decimal(value))


@pytest.mark.django_db
def test_an_eligible_household_is_enrolled_with_its_head_as_beneficiary(
    assessed: dict[str, Any],
) -> None:
    summary = services.decisions_compute(month=MARCH)
    asd = enrolment(assessed["household"])
    assert (asd.status, asd.reason, asd.start_month, asd.status_since) == (
        "active", "", "2026-03", "2026-03",
    )  # fmt: skip
    assert asd.beneficiary == assessed["father"]
    assert enrolment(assessed["household"], Programme.AMO_TADAMON).status == "active"
    # not eligible for Achamil (covered by Tadamon) and never was: no enrolment
    assert not Enrolment.objects.filter(programme=Programme.AMO_ACHAMIL).exists()
    assert summary.enrolments_changed == 2


@pytest.mark.django_db
def test_losing_eligibility_suspends_and_regaining_it_resumes(assessed: dict[str, Any]) -> None:
    household = assessed["household"]
    services.decisions_compute(month=MARCH)
    index(household, "9.9")
    services.decisions_compute(month=APRIL)
    asd = enrolment(household)
    assert (asd.status, asd.reason, asd.status_since) == ("suspended", "ineligible", "2026-04")
    assert enrolment(household, Programme.AMO_ACHAMIL).status == "active"  # now in Achamil
    index(household, "9.1")
    services.decisions_compute(month=MAY)
    asd = enrolment(household)
    assert (asd.status, asd.reason, asd.start_month, asd.status_since) == (
        "active", "", "2026-03", "2026-05",
    )  # fmt: skip


@pytest.mark.django_db
def test_an_older_month_recomputed_changes_nothing(assessed: dict[str, Any]) -> None:
    household = assessed["household"]
    services.decisions_compute(month=APRIL)
    index(household, "9.9")
    services.decisions_compute(month=MARCH)
    asd = enrolment(household)
    assert (asd.status, asd.last_month) == ("active", "2026-04")


@pytest.mark.django_db
def test_the_death_of_the_head_suspends_the_cash_programme_only(
    assessed: dict[str, Any],
) -> None:
    household = assessed["household"]
    services.decisions_compute(month=MARCH)
    Person.objects.filter(pk=assessed["father"].pk).update(death_date=dt.date(2026, 3, 20))
    services.decisions_compute(month=APRIL)
    asd = enrolment(household)
    assert (asd.status, asd.reason) == ("suspended", "beneficiary_deceased")
    assert enrolment(household, Programme.AMO_TADAMON).status == "active"


@pytest.mark.django_db
def test_an_investigation_holds_until_a_person_lifts_it(
    assessed: dict[str, Any], programme_manager: Any, worker: Any
) -> None:
    household = assessed["household"]
    services.decisions_compute(month=MARCH)
    asd = enrolment(household)
    with pytest.raises(AccessDenied):
        services.enrolment_suspend(actor=worker, enrolment=asd, note="tip-off")
    with pytest.raises(InvalidInput):
        services.enrolment_suspend(actor=programme_manager, enrolment=asd, note="  ")
    services.enrolment_suspend(
        actor=programme_manager, enrolment=asd, note="declared income doubtful"
    )
    services.decisions_compute(month=APRIL)  # still eligible: the suspension holds
    asd = enrolment(household)
    assert (asd.status, asd.reason, asd.last_month) == ("suspended", "investigation", "2026-04")
    services.enrolment_resume(actor=programme_manager, enrolment=asd, note="cleared")
    asd = enrolment(household)
    assert (asd.status, asd.reason) == ("active", "")
    with pytest.raises(InvalidInput):  # not suspended for an investigation any more
        services.enrolment_resume(actor=programme_manager, enrolment=asd, note="again")


@pytest.mark.django_db
def test_an_ended_enrolment_restarts_when_eligible_again(
    assessed: dict[str, Any], programme_manager: Any
) -> None:
    household = assessed["household"]
    services.decisions_compute(month=MARCH)
    services.enrolment_end(actor=programme_manager, enrolment=enrolment(household), note="asked")
    index(household, "9.9")
    services.decisions_compute(month=APRIL)
    assert enrolment(household).status == "ended"
    index(household, "9.1")
    services.decisions_compute(month=MAY)
    asd = enrolment(household)
    assert (asd.status, asd.start_month) == ("active", "2026-05")


# --- the transitions on columns, against a row-by-row reading of the rules ----------------------

STATUSES = [None, *(str(s) for s in EnrolmentStatus)]
REASONS = {
    "active": [""],
    "suspended": ["ineligible", "beneficiary_deceased", "no_beneficiary", "investigation"],
    "ended": ["request", "household_closed"],
}


def expected(row: dict[str, Any], month: str) -> tuple[str, str, str] | None:
    """(status, reason, start) after the month, or None when no row is written for a new pair."""
    eligible, payable, cash = row["eligible"], row["payable"], row["programme"] == "asd"
    if eligible and (payable or not cash):
        status, reason = "active", ""
    elif not eligible:
        status, reason = "suspended", "ineligible"
    else:
        status = "suspended"
        reason = "no_beneficiary" if row["beneficiary"] is None else "beneficiary_deceased"
    if row["status_was"] is None:
        return (status, reason, month) if eligible else None
    if row["last_month_was"] > month or row["reason_was"] == "investigation":
        return row["status_was"], row["reason_was"], row["start_was"]
    if row["status_was"] == "ended":
        if status != "active":
            return row["status_was"], row["reason_was"], row["start_was"]
        return status, reason, month
    return status, reason, row["start_was"]


@st.composite
def pairs(draw: Any) -> dict[str, Any]:
    status = draw(st.sampled_from(STATUSES))
    beneficiary = draw(st.sampled_from([None, 7]))
    return {
        "programme": draw(st.sampled_from(["asd", "amo_tadamon"])),
        "eligible": draw(st.booleans()),
        "beneficiary": beneficiary,
        "payable": beneficiary is not None and draw(st.booleans()),
        "status_was": status,
        "reason_was": draw(st.sampled_from(REASONS[status])) if status else None,
        "last_month_was": draw(st.sampled_from(["2026-02", "2026-03", "2026-04"])),
        "start_was": "2025-01",
    }


@given(st.lists(pairs(), min_size=1, max_size=30))
def test_transitions_follow_the_rules(rows: list[dict[str, Any]]) -> None:
    month = "2026-03"
    decided = pl.DataFrame(
        [
            {
                "household": i,
                "programme": r["programme"],
                "eligible": r["eligible"],
                "beneficiary": r["beneficiary"],
                "payable": r["payable"],
            }
            for i, r in enumerate(rows)
        ],
        schema={
            "household": pl.Int64,
            "programme": pl.String,
            "eligible": pl.Boolean,
            "beneficiary": pl.Int64,
            "payable": pl.Boolean,
        },
    )
    existing = pl.DataFrame(
        [
            {
                "id": 100 + i,
                "household": i,
                "programme": r["programme"],
                "status": r["status_was"],
                "reason": r["reason_was"],
                "start_month": r["start_was"],
                "status_since": "2025-01",
                "last_month": r["last_month_was"],
                "beneficiary": 7,
            }
            for i, r in enumerate(rows)
            if r["status_was"] is not None
        ],
        schema=_enrolments.EXISTING_SCHEMA,
    )
    written = {
        row["household"]: row
        for row in _enrolments.transitions(existing, decided, month).iter_rows(named=True)
    }
    for i, row in enumerate(rows):
        want = expected(row, month)
        got = written.get(i)
        if want is None:
            assert got is None
            continue
        if got is None:  # nothing changed: the stored row is already the expected one
            assert row["status_was"] is not None
            assert (row["status_was"], row["reason_was"], row["start_was"]) == want
            assert row["last_month_was"] == month or row["last_month_was"] > month
            continue
        assert (got["status"], got["reason"], got["start_month"]) == want
        assert got["last_month"] == month
        assert got["id"] == (None if row["status_was"] is None else 100 + i)
        changed = row["status_was"] is None or (row["status_was"], row["reason_was"]) != want[:2]
        assert got["status_since"] == (month if changed else "2025-01")
        assert EnrolmentReason(got["reason"]) is not None
