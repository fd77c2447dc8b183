"""Two real concurrent transactions on PostgreSQL editing the same household: no lost update."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections

from jisr.core.errors import Conflict
from jisr.registry import services
from jisr.registry.models import EventKind, HouseholdEvent
from jisr.registry.services import _common
from jisr.registry.tests.conftest import fresh

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def waiting_lock_count() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return int(cursor.fetchone()[0])


def test_second_writer_gets_a_conflict_not_a_lost_update(
    family: dict[str, Any], worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    household = family["household"]
    first_locked, release_first = threading.Event(), threading.Event()
    original_lock = _common.household_lock

    def lock_and_hold(**kwargs: Any) -> Any:
        locked = original_lock(**kwargs)
        if not first_locked.is_set():  # the first writer holds its row lock until told to go on
            first_locked.set()
            release_first.wait(timeout=30)
        return locked

    monkeypatch.setattr(_common, "household_lock", lock_and_hold)
    monkeypatch.setattr("jisr.registry.services.declarations.household_lock", lock_and_hold)
    outcomes: dict[str, Any] = {}

    def write(name: str, rooms: int) -> None:
        try:
            services.socio_economic_update(
                actor=worker,
                household=household,
                expected_version=1,
                changes={"rooms": rooms},
                effective=dt.date(2026, 11, 1),
                reason=name,
            )
            outcomes[name] = "ok"
        except Conflict as error:
            outcomes[name] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=write, args=("first", 5))
    first.start()
    assert first_locked.wait(timeout=30)
    second = threading.Thread(target=write, args=("second", 7))
    second.start()
    for _ in range(300):  # bounded: until the second writer is blocked on the first's row lock
        if waiting_lock_count() > 0:
            break
        time.sleep(0.05)
    assert waiting_lock_count() > 0, "the second transaction never waited for the first"
    release_first.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert outcomes["first"] == "ok"
    assert isinstance(outcomes["second"], Conflict)
    assert outcomes["second"].details == {"expected_version": 1, "current_version": 2}
    final = fresh(household)
    assert (final.rooms, final.version) == (5, 2)  # the first change stands, nothing lost
    assert list(
        HouseholdEvent.objects.filter(kind=EventKind.SOCIO_ECONOMIC_UPDATED).values_list(
            "reason", flat=True
        )
    ) == ["first"]
