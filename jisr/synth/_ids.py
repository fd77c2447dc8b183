"""Identifiers: RSU household ids, RNP person ids and CNIE numbers, built as Arrow strings.

- RSU household id: 10 digits, Luhn; payload = an affine bijection of the global household index
  modulo 10**9 (multiplier near 10**9 / golden ratio), so consecutive households get far-apart ids.
- RNP person id: 12 digits, Luhn; payload = an affine bijection modulo 10**11 of the person key
  (household index * 16 + position), unique because the key is.
- CNIE: one or two capital letters then 6 digits, for Moroccans aged 18+. Each region draws from
  its own pool of letter prefixes (illustrative, inspired by the letters of the issuing offices —
  B.. for Casablanca, A.. for Rabat — not an official mapping). The k-th adult of a region in the
  run gets number `(a * k + b) mod capacity` of the region's pool (capacity = 10**6 per prefix),
  unique by construction.

Strings are written straight into Arrow buffers (ASCII digits and offsets), not built one by one.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jisr.core.identifiers import RNP_ID_LENGTH, RSU_ID_LENGTH, luhn_check_digits
from jisr.synth._random import Bools, Ints

MAX_HOUSEHOLDS = 10**9
CNIE_DIGITS = 6
_GOLDEN = 0.6180339887498949


def _multiplier(modulus: int) -> int:
    """A multiplier near modulus / golden ratio and coprime with the modulus (so x -> a x is a
    bijection), which sends consecutive indices far apart."""
    candidate = int(modulus * _GOLDEN)
    while math.gcd(candidate, modulus) != 1:
        candidate += 1
    return candidate


def affine(x: Ints, modulus: int, offset: int) -> Ints:
    """(a x + offset) mod modulus without int64 overflow, for x < 2**40 and modulus <= 10**12."""
    a = _multiplier(modulus)
    high, low = x >> 20, x & (2**20 - 1)
    return ((a * high % modulus) * 2**20 % modulus + a * low % modulus + offset) % modulus


# source: illustrative assumption — per-region CNIE prefixes with room for about twice the
# region's adults at national scale (10**6 numbers per prefix); no prefix is shared.
CNIE_PREFIXES: dict[str, tuple[str, ...]] = {
    "01": ("K", "KA", "KB", "L", "LA", "LB", "R", "RA"),
    "02": ("F", "FA", "FB", "FC", "S", "SA"),
    "03": ("C", "CB", "CD", "D", "DA", "DB", "Z", "ZA"),
    "04": ("A", "AA", "AB", "AD", "AE", "G", "GA", "GB"),
    "05": ("I", "IA", "IB", "Q", "QA", "V"),
    "06": ("B", "BA", "BB", "BE", "BH", "BJ", "BK", "BL", "M", "MA", "MC", "W", "WA"),
    "07": ("E", "EA", "EB", "EE", "H", "HA", "HH", "Y"),
    "08": ("U", "UA", "UB", "UC"),
    "09": ("J", "JA", "JB", "JC", "JE", "JH"),
    "10": ("JF", "JK", "JT"),
    "11": ("SH", "SJ", "SL"),
    "12": ("SK", "SX", "SZ"),
}


def _ascii_digits(values: Ints, width: int) -> npt.NDArray[np.uint8]:
    """Matrix (n, width) of the ASCII digits of non-negative `values`, zero-padded."""
    digits = np.empty((values.size, width), dtype=np.uint8)
    rest = values.astype(np.int64, copy=True)
    for column in range(width - 1, -1, -1):  # scalar divisors: numpy's fast path (libdivide)
        quotient = rest // 10
        digits[:, column] = rest - quotient * 10
        rest = quotient
    digits += ord("0")
    return digits


def fixed_width_strings(
    values: Ints, width: int, prefix: str = "", valid: Bools | None = None
) -> pa.StringArray:
    """Strings `prefix + zero-padded value` (all of one length), null where not `valid`."""
    count = values.size
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    data = np.empty((count, head.size + width), dtype=np.uint8)
    data[:, : head.size] = head
    data[:, head.size :] = _ascii_digits(values, width)
    offsets = np.arange(0, data.shape[1] * (count + 1), data.shape[1], dtype=np.int32)
    if valid is None:
        return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))
    validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    null_count = int(count - np.count_nonzero(valid))
    return pa.StringArray.from_buffers(
        count, pa.py_buffer(offsets), pa.py_buffer(data), validity, null_count
    )


def _luhn_values(payloads: Ints, width: int) -> Ints:
    return payloads * 10 + luhn_check_digits(payloads, width)


def household_ids(index: Ints) -> pa.StringArray:
    if index.size and int(index.max()) >= MAX_HOUSEHOLDS:
        raise ValueError(f"at most {MAX_HOUSEHOLDS} households have distinct RSU ids")
    payload = affine(index, MAX_HOUSEHOLDS, offset=618_033_988)
    return fixed_width_strings(_luhn_values(payload, RSU_ID_LENGTH - 1), RSU_ID_LENGTH)


def person_ids(keys: npt.NDArray[np.uint64]) -> pa.StringArray:
    payload = affine(keys.astype(np.int64), 10 ** (RNP_ID_LENGTH - 1), offset=31_415_926_535)
    return fixed_width_strings(_luhn_values(payload, RNP_ID_LENGTH - 1), RNP_ID_LENGTH)


def cnie_capacity(region_code: str) -> int:
    return len(CNIE_PREFIXES[region_code]) * int(10**CNIE_DIGITS)


def cnie_numbers(region_code: str, ordinals: Ints) -> tuple[Ints, Ints]:
    """(prefix index in the region's pool, 6-digit number) of the region's k-th card holders."""
    capacity = cnie_capacity(region_code)
    if ordinals.size and int(ordinals.max()) >= capacity:
        raise ValueError(f"region {region_code} has room for {capacity} CNIE numbers only")
    position = affine(ordinals, capacity, offset=271_828)
    return position // 10**CNIE_DIGITS, position % 10**CNIE_DIGITS


def cnie_strings(
    prefixes: list[str], prefix_code: Ints, number: Ints, valid: Bools
) -> pa.StringArray:
    """Strings `prefixes[prefix_code] + zero-padded number`, null where not `valid`."""
    table = np.zeros((len(prefixes), 2), dtype=np.uint8)
    lengths_table = np.array([len(p) for p in prefixes], dtype=np.int64)
    for row, prefix in enumerate(prefixes):
        table[row, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    code = np.where(valid, prefix_code, 0)
    prefix_length = np.where(valid, lengths_table[code], 0)
    lengths = np.where(valid, prefix_length + CNIE_DIGITS, 0)
    offsets = np.zeros(valid.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = np.empty(int(offsets[-1]), dtype=np.uint8)
    start = offsets[:-1][valid]
    for position in range(2):
        has = prefix_length[valid] > position
        data[start[has] + position] = table[code[valid][has], position]
    digits = _ascii_digits(number[valid], CNIE_DIGITS)
    digit_start = start + prefix_length[valid]
    for position in range(CNIE_DIGITS):
        data[digit_start + position] = digits[:, position]
    validity = np.packbits(valid, bitorder="little")
    return pa.StringArray.from_buffers(
        valid.size,
        pa.py_buffer(offsets.astype(np.int32)),
        pa.py_buffer(data),
        pa.py_buffer(validity),
        int((~valid).sum()),
    )
