"""Identifier formats used across Jisr (pure Python, no Django).

- CNIE (Carte Nationale d'Identité Électronique): one or two Latin capital letters (the issuing
  office) followed by digits.
  # source: issue #2 ("1–2 letters then digits"); DGSN card layout.
- RNP identifier (person): Jisr's stand-in for the IDCS digital identifier of law 72.18, whose
  exact format is not public: 12 digits, the last a Luhn check digit (catches every single-digit
  error and most transpositions made when an identifier is typed by hand).
- RSU identifier (household): 10 digits, the last a Luhn check digit, for the same reason.
- RIB (relevé d'identité bancaire): 24 digits = bank code (3) + locality code (3) + account
  number (16) + key (2), with key = 97 − (first 22 digits × 100 mod 97), so 01–97.
  # source: issue #5 (layout); the 24-digit RIB of the SIMT interbank clearing (2004). The key
  # is the mod-97 rule of the French "clé RIB" (whose weights 89, 15, 3 are powers of ten mod 97)
  # on an all-digit body; checked against the ISO 13616 registry's Moroccan example, BBAN
  # 011519000001205000534921 (key 21) in IBAN MA64011519000001205000534921. How the 22 digits
  # split into bank, locality and account does not change the key.
  A key-valid RIB is ≡ 0 (mod 97) as a 24-digit number, but the converse is not enough: keys 00,
  98 and 99 also give ≡ 0 for some bodies and are never issued, so the key itself is compared.
  Because 97 is prime and above 9 × 11, every single-digit error and every swap of two adjacent
  different digits changes the residue: all are caught.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import polars as pl

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


RIB_LENGTH = 24
RIB_PATTERN = re.compile(r"^[0-9]{24}$")
_RIB_BODY_PATTERN = re.compile(r"^[0-9]{22}$")
# Morocco in ISO 13616: "MA" + 2 check digits + the 24-digit RIB as BBAN.
IBAN_COUNTRY = "MA"


def normalise_rib(value: str) -> str:
    """Strip spaces, dashes and dots as printed on RIB documents: '011 780 0000…' -> '011780…'."""
    return re.sub(r"[\s\-.]", "", value)


def rib_key(first22: str) -> str:
    """The two-digit key ('01'–'97') that completes a 22-digit RIB body."""
    if not _RIB_BODY_PATTERN.fullmatch(first22):
        raise ValueError(f"a RIB body is 22 digits, not {first22!r}")
    return f"{97 - (int(first22) * 100) % 97:02d}"


def is_valid_rib(value: str) -> bool:
    """24 digits whose last two are the key of the first 22 (give it normalised)."""
    return bool(RIB_PATTERN.fullmatch(value)) and value[22:] == rib_key(value[:22])


def _mod97_expr(digits: pl.Expr, width: int) -> pl.Expr:
    """Residue mod 97 of a string of `width` digits, by 8-digit slices: r·10⁸ + slice stays far
    below 2⁶³, whereas the 24-digit number itself does not fit in an Int64."""
    rest = pl.lit(0, dtype=pl.Int64)
    for offset in range(0, width, 8):
        size = min(8, width - offset)
        part = digits.str.slice(offset, size).cast(pl.Int64, strict=False)
        rest = (rest * 10**size + part) % 97
    return rest


def rib_key_expr(first22: pl.Expr) -> pl.Expr:
    """Vectorised `rib_key` over a String column of 22-digit bodies (null where not 22 digits)."""
    body = pl.when(first22.str.contains(r"^[0-9]{22}$")).then(first22)
    rest = (_mod97_expr(body, RIB_LENGTH - 2) * 100) % 97
    return (97 - rest).cast(pl.String).str.zfill(2)


def rib_valid_expr(rib: pl.Expr) -> pl.Expr:
    """Vectorised `is_valid_rib` over a String column of normalised RIBs; null -> False."""
    key = rib.str.slice(22, 2).cast(pl.Int64, strict=False)
    valid = rib.str.contains(r"^[0-9]{24}$") & (_mod97_expr(rib, RIB_LENGTH) == 0)
    return (valid & key.is_between(1, 97)).fill_null(False)


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616 check digits: 98 − (BBAN + country as digits + '00') mod 97."""
    digits = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{98 - int(digits) % 97:02d}"


def rib_iban(rib: str) -> str:
    """The Moroccan IBAN of a RIB. Every valid RIB is ≡ 0 (mod 97), so its check digits are always
    64 ('MA64' + RIB); they are computed here anyway, so an invalid RIB gets honest ones."""
    if not RIB_PATTERN.fullmatch(rib):
        raise ValueError(f"a RIB is 24 digits, not {rib!r}")
    return IBAN_COUNTRY + iban_check_digits(IBAN_COUNTRY, rib) + rib


def rib_iban_expr(rib: pl.Expr) -> pl.Expr:
    """Vectorised `rib_iban` over a String column of 24-digit RIBs."""
    # (RIB · 10⁶ + "2210" "00") mod 97, with M = 22 and A = 10.
    rest = (_mod97_expr(rib, RIB_LENGTH) * 10**6 + 221000) % 97
    check = (98 - rest).cast(pl.String).str.zfill(2)
    return pl.concat_str(pl.lit(IBAN_COUNTRY), check, rib)
