"""Populations for the engine: the files `jisr synth` writes (docs/formats.md), or one household
given as JSON (the `jisr rules explain` contract, docs/rules.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from jisr.rules.index.features import CATEGORIES, REGION_CODES

PERSON_COLUMNS = (
    "person_id",
    "household_id",
    "relationship",
    "sex",
    "birth_date",
    "disability",
    "in_school",
    "school_level",
    "school_sector",
    "father_deceased",
    "social_security",
    "amo",
)
# Never read by the rules: the synthetic truth, for the index's evaluation only.
HIDDEN = ("latent_consumption_pc",)
RELATIONSHIPS = ("head", "spouse", "child", "grandchild", "parent", "other_relative", "other")
SCHOOL_LEVELS = (
    "preschool",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "higher",
    "vocational",
)
AFFILIATIONS = ("cnss", "cnops", "other", "none")
AMO_COVERS = ("none", "tadamon", "cnss", "cnops", "achamil", "other")


class InputError(ValueError):
    """Invalid input; `field` names where (e.g. `household.members[2].birth_date`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


# Household columns the rules never read (names and contact details are large and useless here).
UNREAD = ("address", "phone", *HIDDEN)

# Codes read as Enums: one byte a row instead of a string (36 M persons), compared as codes, and a
# value outside the list is refused when the files are read rather than miscounted by a rule.
# "" is a school level and sector: the value of those not in school (docs/formats.md leaves them
# empty).
PERSON_CODES: Mapping[str, tuple[str, ...]] = {
    "relationship": RELATIONSHIPS,
    "sex": ("M", "F"),
    "school_level": ("", *SCHOOL_LEVELS),
    "school_sector": ("", "public", "private"),
    "social_security": AFFILIATIONS,
    "amo": AMO_COVERS,
}
# In the index model's order, so that its codes are these Enums' own (no second conversion).
HOUSEHOLD_CODES: Mapping[str, tuple[str, ...]] = {
    "region_code": REGION_CODES,
    "milieu": ("rural", "urban"),
    **{column: (reference, *others) for column, (reference, others) in CATEGORIES.items()},
}
NOT_IN_SCHOOL = ("school_level", "school_sector")


def _read(
    directory: Path, stem: str, wanted: Callable[[str], bool], codes: Iterable[str]
) -> pl.DataFrame:
    """Only the wanted columns: reading names and addresses would double the time of a batch."""
    parquet, csv = directory / f"{stem}.parquet", directory / f"{stem}.csv"
    if parquet.exists():
        names = [n for n in pl.read_parquet_schema(parquet) if wanted(n)]
        return pl.read_parquet(parquet, columns=names)
    if csv.exists():
        header = [n for n in pl.read_csv(csv, n_rows=0).columns if wanted(n)]
        text = {"household_id", *codes} & set(header)  # "01" is a region, not the number 1
        return pl.read_csv(
            csv,
            columns=header,
            try_parse_dates=True,
            schema_overrides=dict.fromkeys(text, pl.String()),
        )
    raise InputError(str(directory), f"no {stem}.parquet or {stem}.csv")


def read_directory(
    directory: Path, *, person_ids: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Households and persons of a synth-format directory, ready for the engine. Batches, which
    never report persons, pass `person_ids=False`: 36 M identifiers are the largest column."""
    households = _read(directory, "households", lambda name: name not in UNREAD, HOUSEHOLD_CODES)
    persons = _read(
        directory,
        "persons",
        lambda name: (
            (name in PERSON_COLUMNS and (person_ids or name != "person_id")) or name == "death_date"
        ),
        PERSON_CODES,
    )
    # One chunk per column, as the engine wants them (engine.Simulation): done here, after the
    # codes became one byte, it copies a fraction of what the engine's copy of the strings would.
    return (
        _coded(households_frame(households), HOUSEHOLD_CODES, "households").rechunk(),
        _coded(persons_frame(persons), PERSON_CODES, "persons").rechunk(),
    )


def _coded(frame: pl.DataFrame, codes: Mapping[str, tuple[str, ...]], table: str) -> pl.DataFrame:
    """The code columns of `frame` as Enums of their values; an unknown value is an InputError
    naming the column and the value. Nulls stay null ("" for the school columns)."""
    names = [
        n for n in codes if isinstance(frame.schema.get(n), pl.String | pl.Categorical | pl.Null)
    ]
    enums = [pl.col(n).cast(pl.Enum(codes[n])) for n in names]
    try:
        return frame.with_columns(
            enum.fill_null("") if name in NOT_IN_SCHOOL else enum
            for name, enum in zip(names, enums, strict=True)
        )
    except pl.exceptions.InvalidOperationError:
        for name in names:
            column = frame.get_column(name).cast(pl.String)
            unknown = column.filter(column.is_not_null() & ~column.is_in(codes[name]))
            if unknown.len():
                found = ", ".join(repr(v) for v in unknown.unique(maintain_order=True).head(3))
                raise InputError(
                    f"{table}.{name}",
                    f"unknown value(s) {found}; expected one of {', '.join(codes[name])}",
                ) from None
        raise


def households_frame(households: pl.DataFrame) -> pl.DataFrame:
    missing = {"household_id"} - set(households.columns)
    if missing:
        raise InputError("households", f"missing column(s): {', '.join(sorted(missing))}")
    frame = households.drop([c for c in HIDDEN if c in households.columns])
    if "cnss_family_allowances" in frame.columns and "formal_family_allowances" not in frame:
        frame = frame.rename({"cnss_family_allowances": "formal_family_allowances"})
    return frame


def persons_frame(persons: pl.DataFrame) -> pl.DataFrame:
    required = {"household_id", "relationship", "birth_date"}
    missing = required - set(persons.columns)
    if missing:
        raise InputError("persons", f"missing column(s): {', '.join(sorted(missing))}")
    return persons.select([c for c in persons.columns if c in PERSON_COLUMNS or c == "death_date"])


def _bool(value: Any, field: str, default: bool | None = None) -> bool:
    if value is None and default is not None:
        return default
    if not isinstance(value, bool):
        raise InputError(field, f"expected true or false, got {value!r}")
    return value


def _choice(value: Any, field: str, allowed: tuple[str, ...], *, empty: str = "") -> str:
    if value is None:
        return empty
    if value not in allowed:
        raise InputError(field, f"expected one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _date(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(field, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _member(raw: Any, where: str, index: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError(where, "expected an object")
    in_school = _bool(raw.get("in_school"), f"{where}.in_school", False)
    level = _choice(raw.get("school_level"), f"{where}.school_level", SCHOOL_LEVELS)
    if in_school and not level:
        raise InputError(f"{where}.school_level", "required when in_school is true")
    return {
        "person_id": str(raw.get("id") or f"p{index + 1}"),
        "household_id": "h1",
        "relationship": _choice(raw.get("relationship"), f"{where}.relationship", RELATIONSHIPS),
        "sex": _choice(raw.get("sex"), f"{where}.sex", ("M", "F")),
        "birth_date": _date(raw.get("birth_date"), f"{where}.birth_date"),
        "death_date": _date(raw.get("death_date"), f"{where}.death_date", required=False),
        "disability": _bool(raw.get("disabled", raw.get("disability")), f"{where}.disabled", False),
        "in_school": in_school,
        "school_level": level if in_school else "",
        "school_sector": _choice(
            raw.get("school_sector"),
            f"{where}.school_sector",
            ("public", "private"),
            empty="public",
        )
        if in_school
        else "",
        "father_deceased": _bool(raw.get("father_deceased"), f"{where}.father_deceased", False),
        "social_security": _choice(
            raw.get("social_security"), f"{where}.social_security", AFFILIATIONS, empty="none"
        ),
        "amo": _choice(raw.get("amo"), f"{where}.amo", AMO_COVERS, empty="none"),
    }


def from_json(data: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One household of the explain contract → (households, persons) frames."""
    household = data.get("household") if isinstance(data, dict) else None
    if not isinstance(household, dict):
        raise InputError("household", "expected an object")
    members = household.get("members")
    if not isinstance(members, list) or not members:
        raise InputError("household.members", "expected a non-empty list")
    rows = [_member(raw, f"household.members[{i}]", i) for i, raw in enumerate(members)]
    if sum(row["relationship"] == "head" for row in rows) != 1:
        raise InputError("household.members", "exactly one member must be the head")
    ids = [row["person_id"] for row in rows]
    if len(set(ids)) != len(ids):
        raise InputError("household.members", "member ids must be unique")
    attributes = {key: value for key, value in household.items() if key not in {"members", "index"}}
    for key in ("registered_rnp", "registered_rsu", "formal_family_allowances"):
        if key in attributes:
            attributes[key] = _bool(attributes[key], f"household.{key}")
    if "milieu" in attributes:
        attributes["milieu"] = _choice(attributes["milieu"], "household.milieu", ("urban", "rural"))
    record: dict[str, Any] = {"household_id": "h1", **attributes}
    if household.get("index") is not None:
        value = household["index"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError("household.index", f"expected a number, got {value!r}")
        record["index"] = float(value)
    persons = pl.DataFrame(rows, schema_overrides={"birth_date": pl.Date, "death_date": pl.Date})
    return pl.DataFrame([record]), persons
