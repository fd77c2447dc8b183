"""PostgreSQL: bulk-load mode (indexes built after the rows) and the membership overlap trigger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from jisr.registry.importer import bulk, registry_import, write
from jisr.registry.importer.errors import RegistryChanged
from jisr.registry.models import Household, Membership, Person
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory
from jisr.registry.tests.test_import import EFFECTIVE, files, places, population, registry_state

__all__ = ["files", "places", "population"]  # fixtures used here

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL bulk mode"),
]


def schema() -> set[tuple[str, ...]]:
    """Every index and constraint of the registry tables, as the catalogue defines it."""
    names = ", ".join(f"'{table}'::regclass" for table in bulk.TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'index', indexrelid::regclass::text, pg_get_indexdef(indexrelid) "  # noqa: S608
            f"FROM pg_index WHERE indrelid IN ({names}) UNION ALL "
            "SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE conrelid IN ({names}) UNION ALL "
            "SELECT 'trigger', tgname, tgenabled::text FROM pg_trigger "
            f"WHERE tgrelid IN ({names}) AND NOT tgisinternal"
        )
        return set(cursor.fetchall())


def test_bulk_and_row_by_row_imports_give_the_same_registry_and_schema(
    places: None, files: Callable[[str], Path]
) -> None:
    before = schema()
    assert any(kind == "trigger" for kind, *_ in before)
    with transaction.atomic():
        registry_import(directory=files("csv"), effective=EFFECTIVE, bulk_load=True)
        bulk_state = registry_state()
        assert schema() == before
        transaction.set_rollback(True)
    registry_import(directory=files("csv"), effective=EFFECTIVE, bulk_load=False)
    assert registry_state() == bulk_state
    assert bulk_state["persons"]


def test_bulk_mode_is_the_default_only_when_the_import_doubles_the_registry(
    places: None,
) -> None:
    assert bulk.wanted(new_persons=10, explicit=None)
    PersonFactory.create_batch(5)
    connection.cursor().execute("ANALYZE registry_person")
    assert bulk.wanted(new_persons=5, explicit=None)
    assert not bulk.wanted(new_persons=4, explicit=None)
    assert not bulk.wanted(new_persons=100, explicit=False)


def test_a_failure_during_a_bulk_load_writes_nothing_and_keeps_the_schema(
    places: None, files: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = schema()

    def fail(*args: Any) -> None:
        raise RuntimeError("injected: the disk is full")

    monkeypatch.setattr(write, "events_insert", fail)  # after households, persons, memberships
    with pytest.raises(RuntimeError, match="injected"):
        registry_import(directory=files("csv"), effective=EFFECTIVE, bulk_load=True)
    assert Household.objects.count() == Person.objects.count() == 0
    assert schema() == before


def test_bulk_load_refuses_overlapping_memberships(
    places: None, files: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-table check that replaces the (disabled) trigger during a bulk load."""
    original = write.events_insert

    def overlap_then_continue(frame: Any, ctx: write.Context) -> None:
        person = Person.objects.order_by("pk").first()
        household = Household.objects.exclude(memberships__person=person).first()
        Membership.objects.create(
            person=person, household=household, relationship="other", start=EFFECTIVE,
            end=EFFECTIVE + dt.timedelta(days=30),
        )  # fmt: skip
        original(frame, ctx)

    monkeypatch.setattr(write, "events_insert", overlap_then_continue)
    with pytest.raises(RegistryChanged) as refused:
        registry_import(directory=files("csv"), effective=EFFECTIVE, bulk_load=True)
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert "overlap" in str(refused.value.__cause__)
    assert Person.objects.count() == 0


def test_the_trigger_refuses_an_overlapping_period_written_directly(regions: None) -> None:
    person = PersonFactory()
    first, second = HouseholdFactory(region_code="06"), HouseholdFactory(region_code="06")
    MembershipFactory(
        household=first, person=person, start=dt.date(2020, 1, 1), end=dt.date(2024, 1, 1)
    )
    with pytest.raises(IntegrityError, match="overlaps"), transaction.atomic():
        MembershipFactory(
            household=second, person=person, start=dt.date(2023, 6, 1), end=dt.date(2023, 9, 1)
        )
    MembershipFactory(household=second, person=person, start=dt.date(2024, 1, 1), end=None)
    assert Membership.objects.filter(person=person).count() == 2
