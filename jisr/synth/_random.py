"""Counter-based random numbers: every draw is a pure function of (seed, stream name, key).

Why not a stateful generator per block: a value that depends only on the household's (or person's)
global key makes the output independent of the block size and *prefix-stable* — the first N
households of a run of M > N households are exactly a run of N — and lets any block be generated
alone (in another process, or again) with no state carried over. The hash is SplitMix64's
finaliser (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators"), applied to
a Weyl sequence `key * golden_gamma + salt`, with one salt per (seed, stream) pair.

Keys: a household's key is its global index (0, 1, 2, ...); a person's key is
`household_index * MAX_HOUSEHOLD_SIZE_SLOTS + slot`. Streams are named by short strings.
"""

from __future__ import annotations

import hashlib
import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

Keys = npt.NDArray[np.uint64]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

_GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / float(1 << 53)


def probit(p: float) -> float:
    """Standard normal quantile of a probability (scalar; for calibrating thresholds)."""
    return NormalDist().inv_cdf(min(max(p, 1e-12), 1.0 - 1e-12))


class Streams:
    """Independent uniform, normal and categorical draws keyed by (stream, key) for one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._salts: dict[str, np.uint64] = {}

    def _salt(self, stream: str) -> np.uint64:
        salt = self._salts.get(stream)
        if salt is None:
            digest = hashlib.blake2b(f"{self.seed}/{stream}".encode(), digest_size=8).digest()
            salt = np.uint64(int.from_bytes(digest, "little"))
            self._salts[stream] = salt
        return salt

    def uniform(self, stream: str, keys: Keys) -> Floats:
        """Uniform on the open interval (0, 1): never exactly 0 or 1, so logs are safe."""
        z = keys * _GOLDEN_GAMMA
        z += self._salt(stream)
        z ^= z >> np.uint64(30)
        z *= _MIX_1
        z ^= z >> np.uint64(27)
        z *= _MIX_2
        z ^= z >> np.uint64(31)
        z >>= np.uint64(11)
        unit = z.astype(np.float64)
        unit += 0.5
        unit *= _TO_UNIT
        return unit

    def normal(self, stream: str, keys: Keys) -> Floats:
        """Standard normal by Box–Muller from two independent uniforms."""
        radius = np.sqrt(-2.0 * np.log(self.uniform(stream + "/r", keys)))
        return radius * np.cos((2.0 * math.pi) * self.uniform(stream + "/a", keys))

    def exponential(self, stream: str, keys: Keys, mean: float | Floats) -> Floats:
        return -np.log(self.uniform(stream, keys)) * mean

    def bernoulli(self, stream: str, keys: Keys, p: float | Floats) -> Bools:
        return self.uniform(stream, keys) < p

    def choice(self, stream: str, keys: Keys, cumulative: Floats) -> Ints:
        """Category index from one cumulative-probability table (last entry 1)."""
        index = np.searchsorted(cumulative, self.uniform(stream, keys), side="right")
        return np.minimum(index, cumulative.size - 1).astype(np.int64)

    def choice_rows(self, stream: str, keys: Keys, cumulative_rows: Floats) -> Ints:
        """Category index where each key has its own cumulative table (a row of the matrix)."""
        u = self.uniform(stream, keys)
        return np.asarray((u[:, None] > cumulative_rows[:, :-1]).sum(axis=1), dtype=np.int64)


def cumulative(weights: npt.ArrayLike) -> Floats:
    """Normalised cumulative table for `Streams.choice`; the last entry is exactly 1."""
    table = np.cumsum(np.asarray(weights, dtype=np.float64))
    table /= table[-1]
    table[-1] = 1.0
    return table


def segment_starts(sizes: Ints) -> Ints:
    """Offset of each segment's first row when segments of `sizes` rows are laid end to end."""
    starts = np.zeros(sizes.size, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    return starts


def rank_within(groups: Ints, flags: Bools) -> Ints:
    """For rows sorted by group: 0-based rank of each flagged row among its group's flagged rows."""
    running = np.cumsum(flags, dtype=np.int64)
    change = np.ones(groups.size, dtype=np.bool_)
    change[1:] = groups[1:] != groups[:-1]
    before = (running - flags)[change]
    group_number = np.cumsum(change) - 1
    return np.asarray(running - flags - before[group_number], dtype=np.int64)
