"""The corruption model: duplicates that look like the registry's, with their ground truth."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jisr.core.identifiers import is_valid_rnp_id
from jisr.registry.dedup.corrupt import CorruptionModel, inject_duplicates


def _duplicates(labelled: pl.DataFrame) -> pl.DataFrame:
    return labelled.filter(pl.col("duplicate_of").is_not_null())


def test_injects_the_requested_share_of_duplicates(
    persons: pl.DataFrame, labelled: pl.DataFrame
) -> None:
    duplicates = _duplicates(labelled)
    assert duplicates.height == round(0.05 * persons.height)
    assert labelled.height == persons.height + duplicates.height
    assert_frame_equal(labelled.head(persons.height).drop("duplicate_of"), persons)


def test_each_duplicate_points_to_a_distinct_original(
    persons: pl.DataFrame, labelled: pl.DataFrame
) -> None:
    duplicates = _duplicates(labelled)
    assert duplicates["duplicate_of"].is_unique().all()
    assert set(duplicates["duplicate_of"]) <= set(persons["person_id"])


def test_duplicates_get_new_valid_person_ids(labelled: pl.DataFrame) -> None:
    assert labelled["person_id"].is_unique().all()
    assert all(is_valid_rnp_id(value) for value in _duplicates(labelled)["person_id"])


def test_no_two_persons_share_a_card(labelled: pl.DataFrame) -> None:
    cards = labelled["cnie"].drop_nulls()
    assert cards.is_unique().all()


def test_sex_is_kept_and_names_often_vary(labelled: pl.DataFrame) -> None:
    pairs = _duplicates(labelled).join(
        labelled, left_on="duplicate_of", right_on="person_id", suffix="_original"
    )
    assert (pairs["sex"] == pairs["sex_original"]).all()
    for column in ("first_name_lat", "last_name_lat", "first_name_ar", "last_name_ar"):
        changed = pairs.select((pl.col(column) != pl.col(f"{column}_original")).mean()).item()
        assert 0.1 < changed < 0.7, column
    moved = pairs.select((pl.col("commune_code") != pl.col("commune_code_original")).mean()).item()
    assert 0.25 < moved < 0.55


def test_birth_dates_change_in_the_documented_ways(labelled: pl.DataFrame) -> None:
    pairs = _duplicates(labelled).join(
        labelled, left_on="duplicate_of", right_on="person_id", suffix="_original"
    )
    for born, original in pairs.select("birth_date", "birth_date_original").iter_rows():
        assert isinstance(born, date)
        assert isinstance(original, date)
        swapped = (born.year, born.month, born.day) == (original.year, original.day, original.month)
        shifted = abs(born.year - original.year) == 1 and born.month == original.month
        typed = sum(a != b for a, b in zip(born.isoformat(), original.isoformat(), strict=True))
        assert born == original or swapped or shifted or typed == 1


def test_is_deterministic_for_a_seed(persons: pl.DataFrame) -> None:
    one = inject_duplicates(persons, rate=0.02, seed=3)
    assert_frame_equal(one, inject_duplicates(persons, rate=0.02, seed=3))
    assert not one.equals(inject_duplicates(persons, rate=0.02, seed=4))


def test_a_model_without_changes_copies_names_and_dates(persons: pl.DataFrame) -> None:
    unchanged = {"latin_variant", "latin_typo", "arabic_variant", "arabic_typo"}
    unchanged |= {"swap_day_month", "year_shift", "date_typo"}
    still = CorruptionModel(**dict.fromkeys(unchanged, 0.0))
    pairs = _duplicates(inject_duplicates(persons, rate=0.02, seed=1, model=still)).join(
        persons, left_on="duplicate_of", right_on="person_id", suffix="_original"
    )
    for column in ("first_name_lat", "last_name_ar", "birth_date"):
        assert (pairs[column] == pairs[f"{column}_original"]).all()


def test_refuses_bad_input(persons: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        inject_duplicates(persons.drop("commune_code"))
    with pytest.raises(ValueError, match="rate"):
        inject_duplicates(persons, rate=1.5)
