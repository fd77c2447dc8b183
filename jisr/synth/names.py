"""Moroccan first and family names, in Arabic and in French-style Latin transliteration.

The lists (`data/first_names.csv`: arabic, latin, sex, weight; `data/family_names.csv`: arabic,
latin, weight) are illustrative: common Moroccan names with rough relative frequencies (Mohammed
far ahead), Amazigh names among them, and a few legitimate spelling variants of one Arabic name
(Mohammed / Mohamed, El Idrissi / Idrissi), which a deduplication engine must learn to match.
Foreign residents are given names from the same lists — a known simplification.

Names are drawn by inverse cumulative weight (searchsorted), so a whole column is one call. A drawn
name is a *row*; its Arabic and Latin forms are indices into de-duplicated dictionaries, which the
output stores as Arrow dictionary arrays.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from jisr.synth._random import cumulative


@dataclass(frozen=True)
class NameTable:
    arabic: tuple[str, ...]  # distinct Arabic spellings
    latin: tuple[str, ...]  # distinct Latin spellings
    row_arabic: npt.NDArray[np.int64]  # row -> index into `arabic`
    row_latin: npt.NDArray[np.int64]  # row -> index into `latin`
    rows_by_group: dict[str, npt.NDArray[np.int64]]
    cumulative_by_group: dict[str, npt.NDArray[np.float64]]

    def draw(self, group: str, u: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        """Rows drawn with the list's weights from uniforms `u` (one per name wanted)."""
        table = self.cumulative_by_group[group]
        position = np.minimum(np.searchsorted(table, u, side="right"), table.size - 1)
        return self.rows_by_group[group][position]


def _read(filename: str) -> list[dict[str, str]]:
    text = resources.files("jisr.synth").joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _table(rows: list[dict[str, str]], groups: dict[str, list[int]]) -> NameTable:
    arabic = tuple(dict.fromkeys(row["arabic"] for row in rows))
    latin = tuple(dict.fromkeys(row["latin"] for row in rows))
    arabic_index = {value: index for index, value in enumerate(arabic)}
    latin_index = {value: index for index, value in enumerate(latin)}
    weights = np.array([float(row["weight"]) for row in rows])
    return NameTable(
        arabic=arabic,
        latin=latin,
        row_arabic=np.array([arabic_index[row["arabic"]] for row in rows], dtype=np.int64),
        row_latin=np.array([latin_index[row["latin"]] for row in rows], dtype=np.int64),
        rows_by_group={name: np.array(members, dtype=np.int64) for name, members in groups.items()},
        cumulative_by_group={
            name: cumulative(weights[members]) for name, members in groups.items()
        },
    )


@cache
def first_names() -> NameTable:
    """First names; groups "M" and "F"."""
    rows = _read("first_names.csv")
    groups = {sex: [i for i, row in enumerate(rows) if row["sex"] == sex] for sex in ("M", "F")}
    return _table(rows, groups)


@cache
def family_names() -> NameTable:
    """Family names; one group "all"."""
    rows = _read("family_names.csv")
    return _table(rows, {"all": list(range(len(rows)))})


@cache
def places() -> dict[str, tuple[str, ...]]:
    """Street names (urban addresses) and douar names (rural addresses), by kind."""
    rows = _read("places.csv")
    return {
        kind: tuple(r["name"] for r in rows if r["kind"] == kind) for kind in ("street", "douar")
    }
