"""RIB: the key rule on a published example, and what the mod-97 key catches (hypothesis), with the
scalar and vectorised checks agreeing."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.core.identifiers import (
    iban_check_digits,
    is_valid_rib,
    normalise_rib,
    rib_iban,
    rib_iban_expr,
    rib_key,
    rib_key_expr,
    rib_valid_expr,
)

# The Moroccan example of the ISO 13616 IBAN registry.
EXAMPLE_RIB = "011519000001205000534921"
EXAMPLE_IBAN = "MA64011519000001205000534921"

bodies = st.text(alphabet="0123456789", min_size=22, max_size=22)
valid_ribs = bodies.map(lambda body: body + rib_key(body))


def vectorised(values: list[str | None]) -> list[bool]:
    frame = pl.DataFrame({"rib": values}, schema={"rib": pl.String})
    return frame.select(valid=rib_valid_expr(pl.col("rib")))["valid"].to_list()


def test_the_registry_example_is_valid_and_gives_its_iban() -> None:
    assert rib_key(EXAMPLE_RIB[:22]) == "21"
    assert is_valid_rib(EXAMPLE_RIB)
    assert int(EXAMPLE_RIB) % 97 == 0
    assert rib_iban(EXAMPLE_RIB) == EXAMPLE_IBAN
    assert iban_check_digits("MA", EXAMPLE_RIB) == "64"


def test_normalise_rib_strips_print_separators() -> None:
    assert normalise_rib("011 519-0000012050005349.21") == EXAMPLE_RIB
    assert normalise_rib(" 011519000001205000534921\n") == EXAMPLE_RIB


@pytest.mark.parametrize(
    "value",
    [
        "",
        "01151900000120500053492",  # 23 digits
        "0115190000012050005349210",  # 25 digits
        "01151900000120500053492A",
        "011 519000001205000534921",  # not normalised
        "٠١١٥١٩٠٠٠٠٠١٢٠٥٠٠٠٥٣٤٩٢١",  # Arabic-Indic digits: isdigit() but not a RIB
    ],
)
def test_malformed_ribs_are_invalid(value: str) -> None:
    assert not is_valid_rib(value)
    assert vectorised([value]) == [False]


def test_rib_key_refuses_a_body_that_is_not_22_digits() -> None:
    with pytest.raises(ValueError, match="22 digits"):
        rib_key("12345")


def test_keys_that_are_zero_mod_97_but_never_issued_are_refused() -> None:
    """A body whose key is 97 also makes ...00 ≡ 0 (mod 97); key 01 also makes ...98 ≡ 0."""
    body97 = next(f"{n:022d}" for n in range(10**6) if rib_key(f"{n:022d}") == "97")
    body01 = next(f"{n:022d}" for n in range(10**6) if rib_key(f"{n:022d}") == "01")
    for rib in (body97 + "00", body01 + "98"):
        assert int(rib) % 97 == 0
        assert not is_valid_rib(rib)
        assert vectorised([rib]) == [False]


@given(valid_ribs)
def test_every_keyed_rib_is_valid_and_its_iban_is_ma64(rib: str) -> None:
    assert is_valid_rib(rib)
    assert vectorised([rib]) == [True]
    assert rib_iban(rib) == "MA64" + rib
    frame = pl.DataFrame({"rib": [rib]})
    assert frame.select(iban=rib_iban_expr(pl.col("rib"))).item() == "MA64" + rib


@given(valid_ribs, st.integers(0, 23), st.integers(1, 9))
def test_every_single_digit_change_is_caught(rib: str, position: int, shift: int) -> None:
    """The number changes by d·10^k with 0 < |d| < 10: never a multiple of the prime 97."""
    digit = (int(rib[position]) + shift) % 10
    changed = rib[:position] + str(digit) + rib[position + 1 :]
    assert not is_valid_rib(changed)
    assert vectorised([changed]) == [False]


@given(valid_ribs, st.integers(0, 22))
def test_every_swap_of_two_adjacent_different_digits_is_caught(rib: str, position: int) -> None:
    """The number changes by 9·(a − b)·10^k with 0 < |a − b| < 10: never a multiple of 97."""
    first, second = rib[position], rib[position + 1]
    swapped = rib[:position] + second + first + rib[position + 2 :]
    assert is_valid_rib(swapped) == (first == second)
    assert vectorised([swapped]) == [first == second]


@given(st.lists(st.one_of(valid_ribs, bodies.map(lambda b: b + "00"), st.none()), max_size=30))
def test_vectorised_and_scalar_checks_agree(values: list[str | None]) -> None:
    assert vectorised(values) == [value is not None and is_valid_rib(value) for value in values]


@given(st.lists(bodies, max_size=20))
def test_vectorised_key_is_the_scalar_key(values: list[str]) -> None:
    frame = pl.DataFrame({"body": [*values, "123"]}, schema={"body": pl.String})
    keys = frame.select(key=rib_key_expr(pl.col("body")))["key"].to_list()
    assert keys == [*(rib_key(value) for value in values), None]
