"""Indicators on small known datasets: the pure computation, then the selector on the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from django.db import connection
from django.utils import timezone

from jisr.accounts.roles import Role
from jisr.core.errors import AccessDenied, InvalidInput
from jisr.workforce import selectors
from jisr.workforce.indicators import indicators_compute
from jisr.workforce.models import Diploma, TrainingRecord
from jisr.workforce.tests.factories import profile_for

REGIONS = pl.DataFrame({"region": ["01", "02", "03"], "population": [200_000, 50_000, 0]})


def _rows(table: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["region"]: row for row in table.to_dicts()}


def test_pure_indicators_by_region_and_national() -> None:
    workers = pl.DataFrame(
        {
            "user_id": [1, 2, 3, 4, 5],
            "region": ["01", "01", "01", "02", "02"],
            "supervisor_id": [100, 100, 101, None, 100],
            "training_hours": [10.0, 20.0, None, 7.5, 0.0],
        }
    )
    open_cases = {1: 9, 2: 10, 3: 19, 4: 20, 5: 30, 999: 50}  # 999: not an accredited worker
    rows = _rows(indicators_compute(workers=workers, regions=REGIONS, open_cases=open_cases))
    assert list(rows) == ["01", "02", "03", "national"]
    assert rows["01"] == {
        "region": "01",
        "population": 200_000,
        "accredited_workers": 3,
        "workers_per_100k": 1.5,
        "supervisors": 2,
        "unsupervised_workers": 0,
        "workers_per_supervisor": 1.5,
        "training_hours": 30.0,
        "training_hours_per_worker": 10.0,
        "caseload_under_10": 1,
        "caseload_10_19": 2,
        "caseload_20_29": 0,
        "caseload_30_plus": 0,
    }
    assert rows["02"]["workers_per_100k"] == 4.0
    assert (rows["02"]["supervisors"], rows["02"]["unsupervised_workers"]) == (1, 1)
    assert rows["02"]["training_hours_per_worker"] == 3.8  # 7.5 / 2 = 3.75, rounded
    assert (rows["02"]["caseload_20_29"], rows["02"]["caseload_30_plus"]) == (1, 1)
    assert rows["03"]["accredited_workers"] == 0
    assert rows["03"]["workers_per_100k"] is None  # no population
    assert rows["03"]["workers_per_supervisor"] is None
    assert rows["03"]["training_hours_per_worker"] is None
    national = rows["national"]
    assert national["population"] == 250_000
    assert national["accredited_workers"] == 5
    assert national["workers_per_100k"] == 2.0
    assert national["supervisors"] == 2  # 100 supervises in two regions: counted once
    assert national["workers_per_supervisor"] == 2.5
    assert national["training_hours_per_worker"] == 7.5
    bands = [national[f"caseload_{b}"] for b in ("under_10", "10_19", "20_29", "30_plus")]
    assert bands == [1, 2, 1, 1]


def test_open_cases_may_be_a_callable_and_missing_users_have_none() -> None:
    workers = pl.DataFrame(
        {"user_id": [1, 2], "region": ["01", "01"], "supervisor_id": [None, None]},
        schema={"user_id": pl.Int64, "region": pl.String, "supervisor_id": pl.Int64},
    ).with_columns(training_hours=pl.lit(None, dtype=pl.Float64))
    rows = _rows(indicators_compute(workers=workers, regions=REGIONS, open_cases=dict))
    assert rows["01"]["caseload_under_10"] == 2
    assert rows["01"]["training_hours"] == 0.0
    assert rows["national"]["workers_per_supervisor"] is None


@pytest.mark.django_db
def test_indicators_selector_on_a_small_workforce(
    make_user: Callable[..., Any], monkeypatch: Any
) -> None:
    year = timezone.localdate().year
    lead = make_user(Role.SUPERVISOR, username="lead12", regions=["12"])
    w1 = profile_for(make_user(Role.SOCIAL_WORKER), region="12", supervisor=lead)
    w2 = profile_for(make_user(Role.SOCIAL_WORKER), region="12", supervisor=lead)
    w3 = profile_for(make_user(Role.SOCIAL_WORKER), region="10")
    profile_for(make_user(Role.SOCIAL_WORKER), region="10", status="suspended")
    profile_for(make_user(Role.SOCIAL_WORKER), region="10", status="pending")
    past = timezone.localdate() - dt.timedelta(days=400)
    profile_for(
        make_user(Role.SOCIAL_WORKER),
        region="12",
        supervisor=lead,
        valid_from=past - dt.timedelta(days=30),
        valid_until=past,
    )
    for worker, day, hours in (
        (w1, dt.date(year, 1, 1), "10"),
        (w1, dt.date(year, 1, 1), "5.5"),
        (w2, dt.date(year, 1, 1), "4.5"),
        (w3, dt.date(year, 1, 1), "2"),
        (w3, dt.date(year - 1, 12, 31), "20"),  # the year before: not counted
    ):
        TrainingRecord.objects.create(
            worker=worker, date=day, title="x", hours=Decimal(hours), recorded_by=worker.user
        )
    counts = {w1.user_id: 9, w2.user_id: 10, w3.user_id: 30}
    monkeypatch.setattr(selectors, "open_case_counts", lambda: counts)
    manager = make_user(Role.PROGRAMME_MANAGER, regions=["06"])
    rows = {row["region"]: row for row in selectors.indicators(user=manager, year=year)}
    assert len(rows) == 13  # every region, even outside the manager's scope (aggregates only)
    dakhla, guelmim, national = rows["12"], rows["10"], rows["national"]
    assert dakhla["population"] == 219_965
    assert (dakhla["accredited_workers"], dakhla["workers_per_100k"]) == (2, 0.91)
    assert (dakhla["supervisors"], dakhla["workers_per_supervisor"]) == (1, 2.0)
    assert (dakhla["training_hours"], dakhla["training_hours_per_worker"]) == (20.0, 10.0)
    assert (dakhla["caseload_under_10"], dakhla["caseload_10_19"]) == (1, 1)
    assert (guelmim["accredited_workers"], guelmim["workers_per_100k"]) == (1, 0.22)
    assert (guelmim["supervisors"], guelmim["workers_per_supervisor"]) == (0, None)
    assert guelmim["unsupervised_workers"] == 1
    assert (guelmim["training_hours_per_worker"], guelmim["caseload_30_plus"]) == (2.0, 1)
    assert national["population"] == 36_828_330
    assert (national["accredited_workers"], national["workers_per_100k"]) == (3, 0.01)
    assert (national["supervisors"], national["workers_per_supervisor"]) == (1, 3.0)
    assert national["training_hours_per_worker"] == 7.3  # 22 / 3
    assert rows["01"]["accredited_workers"] == 0
    assert national["year"] == year


@pytest.mark.django_db
def test_indicators_need_their_right_and_a_sensible_year(make_user: Callable[..., Any]) -> None:
    with pytest.raises(AccessDenied):
        selectors.indicators(user=make_user(Role.SOCIAL_WORKER, national=True))
    with pytest.raises(AccessDenied):
        selectors.indicators(user=make_user(Role.PARTNER_STAFF, national=True))
    auditor = make_user(Role.AUDITOR, national=True)
    with pytest.raises(InvalidInput):
        selectors.indicators(user=auditor, year=1999)
    with pytest.raises(InvalidInput):
        selectors.indicators(user=auditor, year=timezone.localdate().year + 1)
    assert selectors.indicators(user=auditor)[-1]["accredited_workers"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ADBC reads PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_indicators_read_through_adbc_outside_a_transaction(
    make_user: Callable[..., Any],
) -> None:
    # A transactional test starts from a flushed database: the seeded diplomas may be gone.
    Diploma.objects.get_or_create(
        code="assistant-social",
        defaults={"name_fr": "x", "name_ar": "x", "name_en": "x", "on_official_list": True},
    )
    year = timezone.localdate().year
    worker = profile_for(make_user(Role.SOCIAL_WORKER), region="12")
    TrainingRecord.objects.create(
        worker=worker,
        date=dt.date(year, 1, 1),
        title="x",
        hours=Decimal("3.5"),
        recorded_by=worker.user,
    )
    assert not connection.in_atomic_block
    rows = {
        row["region"]: row for row in selectors.indicators(user=make_user(Role.AUDITOR), year=year)
    }
    assert (rows["12"]["accredited_workers"], rows["12"]["training_hours"]) == (1, 3.5)
    assert rows["national"]["population"] == 36_828_330
