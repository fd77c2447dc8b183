"""The deduplication run end to end: registry snapshot → Splink → review queue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jisr.core import jobs
from jisr.geo.services import communes_load, regions_load
from jisr.registry.models import DuplicateCandidate, Person
from jisr.registry.services.dedup_run import duplicates_find, persons_snapshot
from jisr.registry.services.synthetic import synthetic_population_load
from jisr.synth import write

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(tmp_path: Path, settings: Any) -> Path:
    settings.DATA_DIR = tmp_path
    directory = tmp_path / "population"
    write(directory, households=600, seed=11, fmt="parquet")
    regions_load()
    communes_load(path=directory / "communes.csv")
    synthetic_population_load(directory=directory, start=dt.date(2024, 9, 1))
    return directory


def test_snapshot_has_one_row_per_living_member_with_place(registry: Path) -> None:
    snapshot = persons_snapshot(dt.date(2026, 1, 1))
    assert snapshot.height == Person.objects.count()
    assert snapshot["region_code"].null_count() == 0
    assert snapshot["person_id"].n_unique() == snapshot.height


def test_a_registered_twice_person_reaches_the_review_queue(registry: Path) -> None:
    original = Person.objects.filter(cnie__isnull=False).order_by("pk").first()
    assert original is not None
    from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, luhn_id

    # The same woman declared again by another household, her names spelled differently.
    copy = Person.objects.create(
        rnp_id=luhn_id(99_000_001, 12),
        cnie=None,
        sex=original.sex,
        first_name_ar=original.first_name_ar,
        last_name_ar=original.last_name_ar,
        first_name_lat=original.first_name_lat.replace("ou", "u") + "e",
        last_name_lat=original.last_name_lat,
        birth_date=original.birth_date,
    )
    household = HouseholdFactory(commune=original.memberships.get().household.commune)
    MembershipFactory(household=household, person=copy, relationship="head")
    job = jobs.enqueue(kind="registry.dedup", params={})
    jobs.run(job)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    pair = {original.pk, copy.pk}
    found = [{c.left_id, c.right_id} for c in DuplicateCandidate.objects.all()]
    assert pair in found
    assert (registry.parent / "dedup" / "model.json").exists()  # kept for the next run
    again = duplicates_find()
    assert again["added"] == 0  # known pairs are not queued twice
