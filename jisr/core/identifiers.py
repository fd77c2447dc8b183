"""Identifier formats used across Jisr (pure Python, no Django).

- CNIE (Carte Nationale d'Identité Électronique): one or two Latin capital letters (the issuing
  office) followed by digits.
  # source: issue #2 ("1–2 letters then digits"); DGSN card layout.
- RNP identifier (person): Jisr's stand-in for the IDCS digital identifier of law 72.18, whose
  exact format is not public: 12 digits, the last a Luhn check digit (catches every single-digit
  error and most transpositions made when an identifier is typed by hand).
- RSU identifier (household): 10 digits, the last a Luhn check digit, for the same reason.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

CNIE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9]{1,6}$")
RNP_ID_LENGTH = 12
RSU_ID_LENGTH = 10


def normalise_cnie(value: str) -> str:
    """Upper-case and strip spaces/dashes: 'bk 123-456' -> 'BK123456'."""
    return re.sub(r"[\s\-]", "", value).upper()


def is_valid_cnie(value: str) -> bool:
    return bool(CNIE_PATTERN.fullmatch(value))


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit that makes `payload + digit` valid."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_luhn_id(value: str, length: int) -> bool:
    if len(value) != length or not value.isdigit():
        return False
    return luhn_check_digit(value[:-1]) == int(value[-1])


def is_valid_rnp_id(value: str) -> bool:
    return is_valid_luhn_id(value, RNP_ID_LENGTH)


def is_valid_rsu_id(value: str) -> bool:
    return is_valid_luhn_id(value, RSU_ID_LENGTH)


def luhn_check_digits(payloads: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.int64]:
    """Vectorised `luhn_check_digit` for non-negative integer payloads of `width` digits."""
    total = np.zeros(payloads.shape, dtype=np.int64)
    rest = payloads.astype(np.int64, copy=True)
    for position in range(width):  # from the rightmost payload digit, which gets doubled
        digit = rest % 10
        rest //= 10
        if position % 2 == 0:
            digit *= 2
            digit -= 9 * (digit > 9)
        total += digit
    return (10 - total % 10) % 10


def luhn_ids(payloads: npt.NDArray[np.int64], length: int) -> npt.NDArray[np.str_]:
    """Vectorised: non-negative integers (< 10**(length-1)) -> zero-padded Luhn identifiers."""
    width = length - 1
    if payloads.size and (payloads.min() < 0 or payloads.max() >= 10**width):
        raise ValueError(f"payload out of range for a {length}-digit identifier")
    values = payloads.astype(np.int64) * 10 + luhn_check_digits(payloads, width)
    # Build the UCS-4 code points of every digit and view them as fixed-width strings: much faster
    # than np.char at national scale (tens of millions of identifiers).
    code_points = np.empty((values.size, length), dtype=np.uint32)
    for column in range(length - 1, -1, -1):  # scalar divisors: numpy's fast path
        quotient = values // 10
        code_points[:, column] = values - quotient * 10 + ord("0")
        values = quotient
    return code_points.view(f"<U{length}").reshape(payloads.shape)


# Moroccan numbers in international form: +212 then 9 digits, the first 5 (fixed), 6 or 7 (mobile)
# or 8 (fixed/VoIP). # source: ANRT national numbering plan (0 + 9 digits nationally).
PHONE_PATTERN = re.compile(r"^\+212[5-8][0-9]{8}$")


def normalise_phone(value: str) -> str:
    """'06 12-34 56 78', '00212612345678', '212612345678' -> '+212612345678'; else unchanged."""
    digits = re.sub(r"[\s\-.()/]", "", value)
    if digits.startswith("00212"):
        digits = "+" + digits[2:]
    elif digits.startswith("212") and len(digits) == 12:
        digits = "+" + digits
    elif digits.startswith("0") and len(digits) == 10:
        digits = "+212" + digits[1:]
    return digits


def is_valid_phone(value: str) -> bool:
    return bool(PHONE_PATTERN.fullmatch(value))
