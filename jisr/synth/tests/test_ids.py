"""Identifier construction: bijections, Luhn digits, CNIE pools."""

from __future__ import annotations

import numpy as np
import pytest

from jisr.core.identifiers import (
    is_valid_rnp_id,
    is_valid_rsu_id,
    luhn_check_digit,
    luhn_check_digits,
    luhn_ids,
)
from jisr.synth._ids import (
    CNIE_PREFIXES,
    affine,
    cnie_capacity,
    cnie_numbers,
    cnie_strings,
    household_ids,
    person_ids,
)


def test_affine_map_is_a_bijection() -> None:
    values = affine(np.arange(300_000, dtype=np.int64), 300_000, offset=12_345)
    assert np.unique(values).size == 300_000


def test_ids_match_the_reference_luhn_implementation() -> None:
    index = np.array([0, 1, 2, 999_999_999], dtype=np.int64)
    ids = household_ids(index).to_pylist()
    assert all(is_valid_rsu_id(value) for value in ids)
    persons = person_ids(np.array([0, 1, 17, 2**34], dtype=np.uint64)).to_pylist()
    assert all(is_valid_rnp_id(value) for value in persons)
    payloads = np.array([int(value[:-1]) for value in persons], dtype=np.int64)
    assert luhn_ids(payloads, 12).tolist() == persons


def test_household_ids_refuse_too_many_households() -> None:
    with pytest.raises(ValueError, match="households"):
        household_ids(np.array([10**9], dtype=np.int64))


def test_cnie_prefixes_are_distinct_and_capacity_is_enforced() -> None:
    prefixes = [prefix for pool in CNIE_PREFIXES.values() for prefix in pool]
    assert len(prefixes) == len(set(prefixes))
    capacity = cnie_capacity("12")
    with pytest.raises(ValueError, match="room"):
        cnie_numbers("12", np.array([capacity], dtype=np.int64))


def test_cnie_strings_with_nulls() -> None:
    strings = cnie_strings(
        ["A", "BK"],
        np.array([0, 1, 1], dtype=np.int64),
        np.array([5, 123_456, 7], dtype=np.int64),
        np.array([True, False, True]),
    )
    assert strings.to_pylist() == ["A000005", None, "BK000007"]


def test_vectorised_luhn_matches_the_scalar_definition() -> None:
    payloads = np.random.default_rng(0).integers(0, 10**11, 2_000)
    expected = [luhn_check_digit(f"{value:011d}") for value in payloads]
    assert luhn_check_digits(payloads, 11).tolist() == expected
    ids = luhn_ids(payloads, 12)
    assert ids.tolist() == [
        f"{value:011d}{digit}" for value, digit in zip(payloads, expected, strict=True)
    ]
