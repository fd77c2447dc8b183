"""Bulk import: good files in every format give the same registry; re-import is idempotent."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jisr.geo import services as geo
from jisr.registry.importer import registry_import
from jisr.registry.models import EventKind, Household, HouseholdEvent, Membership, Person
from jisr.synth.population import write as synth_write

pytestmark = pytest.mark.django_db
HOUSEHOLDS, SEED = 12, 5
EFFECTIVE = dt.date(2025, 1, 15)


@pytest.fixture(scope="session")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic population in CSV, Parquet and XLSX (the same rows in each)."""
    root = tmp_path_factory.mktemp("population")
    synth_write(root / "csv", HOUSEHOLDS, SEED, "csv")
    synth_write(root / "parquet", HOUSEHOLDS, SEED, "parquet")
    xlsx = root / "xlsx"
    xlsx.mkdir()
    for stem in ("households", "persons"):
        # Typed cells (numbers, booleans, dates), as a spreadsheet program writes them.
        frame = pl.read_parquet(root / "parquet" / f"{stem}.parquet")
        write_xlsx(frame, xlsx / f"{stem}.xlsx")
    # Only the communes the households live in: loading all 1,500 would slow every test down.
    used = pl.read_csv(root / "csv" / "households.csv", infer_schema=False)["commune_code"]
    communes = pl.read_csv(root / "csv" / "communes.csv", infer_schema=False)
    communes.filter(pl.col("code").is_in(used.implode())).write_csv(root / "communes.csv")
    return root


def write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(path.stem)
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    book.save(path)


@pytest.fixture
def places(regions: None, population: Path) -> None:
    geo.communes_load(path=population / "communes.csv")


@pytest.fixture
def files(population: Path, tmp_path: Path) -> Callable[[str], Path]:
    """A private copy of the population in one format."""

    def copy(fmt: str = "csv") -> Path:
        target = tmp_path / fmt
        if not target.exists():
            shutil.copytree(population / fmt, target)
        return target

    return copy


def registry_state() -> dict[str, Any]:
    """Everything an import writes, keyed by identifiers (to compare two registries)."""
    return {
        "households": sorted(
            Household.objects.values_list("rsu_id", "commune_id", "rooms", "phone", "version")
        ),
        "persons": sorted(
            Person.objects.values_list(
                "rnp_id", "cnie", "birth_date", "name_lat_key", "name_ar_key"
            )
        ),
        "members": sorted(
            Membership.objects.filter(end__isnull=True).values_list(
                "household__rsu_id", "person__rnp_id", "relationship"
            )
        ),
        "events": HouseholdEvent.objects.count(),
    }


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_good_files_import_the_same_registry(
    places: None, files: Callable[[str], Path], fmt: str
) -> None:
    result = registry_import(directory=files(fmt), effective=EFFECTIVE)
    persons = pl.read_csv(files("csv") / "persons.csv", infer_schema=False)
    assert result.households_created == HOUSEHOLDS
    assert result.persons_created == persons.height
    assert result.errors == 0
    assert Household.objects.count() == HOUSEHOLDS
    assert Person.objects.count() == persons.height
    first = persons["household_id"][0]
    expected = persons.filter(pl.col("household_id") == first).select("person_id", "relationship")
    household = Household.objects.get(rsu_id=first)
    assert set(
        household.memberships.filter(end__isnull=True).values_list("person__rnp_id", "relationship")
    ) == set(expected.iter_rows())
    event = HouseholdEvent.objects.get(household=household)
    assert event.kind == EventKind.IMPORTED
    assert event.after["members"] == expected.height
    head = Person.objects.get(rnp_id=expected["person_id"][0])
    assert event.person_id == head.pk
    assert head.name_lat_key
    assert head.name_ar_key


# --- helpers shared by the other test_import_* modules ---------------------------------------


def read_text(directory: Path, stem: str) -> pl.DataFrame:
    return pl.read_csv(directory / f"{stem}.csv", infer_schema=False)


def write_text(frame: pl.DataFrame, directory: Path, stem: str) -> None:
    frame.write_csv(directory / f"{stem}.csv")


def set_cell(directory: Path, stem: str, row: int, column: str, value: str | None) -> None:
    frame = read_text(directory, stem)
    values = frame[column].to_list()
    values[row] = value
    write_text(frame.with_columns(pl.Series(column, values, dtype=pl.String)), directory, stem)


def counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        HouseholdEvent.objects.count(),
    )


# --- re-import, updates, history ---------------------------------------------------------------


def test_reimporting_the_same_files_changes_nothing(
    places: None, files: Callable[[str], Path]
) -> None:
    registry_import(directory=files("csv"), effective=EFFECTIVE)
    before = registry_state()
    again = registry_import(directory=files("parquet"), effective=EFFECTIVE)
    assert (again.households_created, again.households_updated, again.persons_created) == (0, 0, 0)
    assert (again.persons_updated, again.memberships_opened, again.memberships_closed) == (0, 0, 0)
    assert again.households_unchanged == HOUSEHOLDS
    assert registry_state() == before


def test_an_edited_file_updates_households_with_their_history(
    places: None, files: Callable[[str], Path]
) -> None:
    directory = files("csv")
    registry_import(directory=directory, effective=EFFECTIVE)
    Household.objects.update(needs_recompute=False)
    households = read_text(directory, "households")
    persons = read_text(directory, "persons")
    rsu_id = households["household_id"][0]
    old_rooms = households["rooms"][0]
    set_cell(directory, "households", 0, "rooms", str(int(old_rooms) + 1))
    set_cell(directory, "households", 0, "address", 'Rue "Neuve" n° 1')
    member = persons.with_row_index().filter(pl.col("household_id") == rsu_id).row(0, named=True)
    set_cell(directory, "persons", member["index"], "first_name_lat", "Mhamed")

    result = registry_import(directory=directory, effective=EFFECTIVE)

    assert (result.households_updated, result.persons_updated, result.households_unchanged) == (
        1,
        1,
        HOUSEHOLDS - 1,
    )
    household = Household.objects.get(rsu_id=rsu_id)
    assert (household.rooms, household.address, household.version) == (
        int(old_rooms) + 1,
        'Rue "Neuve" n° 1',
        2,
    )
    assert household.needs_recompute
    assert Household.objects.filter(needs_recompute=True).count() == 1
    event = household.events.get(kind=EventKind.IMPORT_UPDATED)
    assert event.before["rooms"] == int(old_rooms)
    assert event.after["rooms"] == int(old_rooms) + 1
    assert event.after["address"] == 'Rue "Neuve" n° 1'
    pid = member["person_id"]
    assert event.before["persons"][pid] == {"first_name_lat": member["first_name_lat"]}
    assert event.after["persons"][pid] == {"first_name_lat": "Mhamed"}
    person = Person.objects.get(rnp_id=pid)
    assert person.name_lat_key.startswith("muhamad")


def test_a_changed_membership_closes_the_old_one(
    places: None, files: Callable[[str], Path]
) -> None:
    directory = files("csv")
    registry_import(directory=directory, effective=EFFECTIVE)
    persons = read_text(directory, "persons").with_row_index()
    big = persons.group_by("household_id").len().filter(pl.col("len") > 1)["household_id"][0]
    rows = persons.filter(pl.col("household_id") == big)
    leaver = rows.row(rows.height - 1, named=True)
    kept = persons.filter(pl.col("index") != leaver["index"]).drop("index")
    households = read_text(directory, "households").with_columns(
        pl.when(pl.col("household_id") == big)
        .then((pl.col("size").cast(pl.Int64) - 1).cast(pl.String))
        .otherwise(pl.col("size"))
        .alias("size")
    )
    write_text(kept, directory, "persons")
    write_text(households, directory, "households")
    later = EFFECTIVE + dt.timedelta(days=30)

    result = registry_import(directory=directory, effective=later)

    assert (result.memberships_closed, result.memberships_opened) == (1, 0)
    closed = Membership.objects.get(person__rnp_id=leaver["person_id"])
    assert closed.end == later
    event = HouseholdEvent.objects.get(household__rsu_id=big, kind=EventKind.IMPORT_UPDATED)
    assert event.before["members"] == {leaver["person_id"]: leaver["relationship"]}
    assert event.after["members"] == {leaver["person_id"]: None}
    assert Household.objects.get(rsu_id=big).needs_recompute


def test_skip_invalid_writes_exactly_the_valid_households(
    places: None, files: Callable[[str], Path], english: None, tmp_path: Path
) -> None:
    directory = files("csv")
    households = read_text(directory, "households")
    persons = read_text(directory, "persons").with_row_index()
    bad_household = households["household_id"][1]  # its own row is bad
    set_cell(directory, "households", 1, "rooms", "many")
    bad_member = persons.filter(pl.col("household_id") == households["household_id"][2]).row(
        0, named=True
    )
    set_cell(directory, "persons", bad_member["index"], "birth_date", "1990-13-01")
    report = tmp_path / "report.csv"

    result = registry_import(
        directory=directory, skip_invalid=True, effective=EFFECTIVE, report=report
    )

    rejected = {bad_household, bad_member["household_id"]}
    assert (result.households_created, result.households_rejected, result.errors) == (
        HOUSEHOLDS - 2,
        2,
        2,
    )
    assert set(Household.objects.values_list("rsu_id", flat=True)) == (
        set(households["household_id"]) - rejected
    )
    valid_persons = persons.filter(~pl.col("household_id").is_in(list(rejected)))
    assert Person.objects.count() == valid_persons.height
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,line,column,value,reason"
    assert lines[1] == "households.csv,3,rooms,many,A whole number from 1 – 100 is expected."
    assert lines[2] == (
        f"persons.csv,{bad_member['index'] + 2},birth_date,1990-13-01,"
        "A date in the form YYYY-MM-DD is expected."
    )


def test_a_failure_while_writing_leaves_the_registry_unchanged(
    places: None, files: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jisr.registry.importer import write

    before = counts()

    def explode(frame: pl.DataFrame, ctx: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(write, "memberships_open", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        registry_import(directory=files("csv"), effective=EFFECTIVE)
    assert counts() == before


def test_changed_households_are_announced_after_commit(
    places: None, files: Callable[[str], Path], django_capture_on_commit_callbacks: Any
) -> None:
    from jisr.registry.signals import household_changed

    seen: list[list[int]] = []

    def receiver(sender: Any, household_ids: list[int], reason: str, **kwargs: Any) -> None:
        seen.append(household_ids)

    household_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            registry_import(directory=files("csv"), effective=EFFECTIVE)
    finally:
        household_changed.disconnect(receiver)
    assert sorted(seen[0]) == sorted(Household.objects.values_list("pk", flat=True))
