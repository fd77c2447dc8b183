"""The attributes a DCI query may name, mapped to the registry's fields (no database access).

The spec leaves attribute names and identifier types "as per implementation context"; these are
Jisr's, with the spellings used in the spec's examples and the DCI social vocabulary as aliases.
An attribute lives at a level: the person, their current membership, or their household.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from jisr.dci.errors import RequestRejected, SearchReason


class Level(StrEnum):
    PERSON = "person"
    MEMBERSHIP = "membership"
    GROUP = "group"


class Kind(StrEnum):
    TEXT = "text"
    NAME = "name"  # matches the Latin spelling (any case) or the Arabic one
    CODE = "code"  # a DCI code mapped to one or more registry values
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"
    AGE = "age"  # whole years at today's date, on the birth date
    YEAR = "year"
    PRESENCE = "presence"  # true when the field is set (is_deceased: a death date)
    LOCATION = "location"  # a region, province or commune code


ORDERED = {Kind.DATE, Kind.INTEGER, Kind.DECIMAL, Kind.AGE, Kind.YEAR}
OPERATORS = ("eq", "lt", "gt", "le", "ge", "in")
BOOLEAN_CODES: Mapping[str, tuple[Any, ...]] = {
    "true": (True,),
    "1": (True,),
    "yes": (True,),
    "false": (False,),
    "0": (False,),
    "2": (False,),  # IsDisabledEnum / IsDeceasedEnum: 1 yes, 2 no, 3 unknown
    "no": (False,),
    "3": (),
    "unknown": (),
}


@dataclass(frozen=True)
class Attribute:
    name: str
    level: Level
    kind: Kind
    fields: tuple[str, ...]
    codes: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    upper: bool = False
    identifier: bool = False
    sortable: bool = False


SEX = {"male": ("M",), "m": ("M",), "female": ("F",), "f": ("F",), "other": (), "unknown": ()}
MARITAL = {
    "s": ("single",),
    "single": ("single",),
    "never_married": ("single",),
    "m": ("married",),
    "married": ("married",),
    "w": ("widowed",),
    "widow": ("widowed",),
    "widowed": ("widowed",),
    "d": ("divorced",),
    "divorced": ("divorced",),
    "u": ("single", "divorced", "widowed"),  # "not presently married"
    "unmarried": ("single", "divorced", "widowed"),
    "a": (),  # annulled and legally separated are not recorded in the RSU
    "l": (),
}
RELATIONSHIP = {
    **dict.fromkeys(("self", "head", "headoffamily"), ("head",)),
    **dict.fromkeys(("sps", "spouse", "wife", "husb", "primspous"), ("spouse",)),
    **dict.fromkeys(
        ("child", "nchild", "son", "sonc", "dau", "dauc", "stpchild", "stpson", "stpdau"),
        ("child",),
    ),
    **dict.fromkeys(("grndchild", "grnddau", "grndson", "grandchild"), ("grandchild",)),
    **dict.fromkeys(("prn", "parent", "fth", "mth", "father", "mother"), ("parent",)),
    **dict.fromkeys(("ext", "fammemb", "other_relative"), ("other_relative",)),
    "other": ("other",),
}

_P, _M, _G = Level.PERSON, Level.MEMBERSHIP, Level.GROUP
_ATTRIBUTES = (
    Attribute("UIN", _P, Kind.TEXT, ("rnp_id",), identifier=True, sortable=True),
    Attribute("CNIE", _P, Kind.TEXT, ("cnie",), upper=True, identifier=True, sortable=True),
    Attribute("given_name", _P, Kind.NAME, ("first_name_lat", "first_name_ar"), sortable=True),
    Attribute("surname", _P, Kind.NAME, ("last_name_lat", "last_name_ar"), sortable=True),
    Attribute("sex", _P, Kind.CODE, ("sex",), codes=SEX),
    Attribute("birth_date", _P, Kind.DATE, ("birth_date",), sortable=True),
    Attribute("YOB", _P, Kind.YEAR, ("birth_date__year",), sortable=True),
    Attribute("age", _P, Kind.AGE, ("birth_date",), sortable=True),
    Attribute("marital_status", _P, Kind.CODE, ("marital_status",), codes=MARITAL),
    Attribute("is_disabled", _P, Kind.CODE, ("disability",), codes=BOOLEAN_CODES),
    Attribute("is_deceased", _P, Kind.PRESENCE, ("death_date",)),
    Attribute("death_date", _P, Kind.DATE, ("death_date",)),
    Attribute("nationality", _P, Kind.TEXT, ("nationality",), upper=True),
    Attribute("registration_date", _P, Kind.DATE, ("created_at__date",), sortable=True),
    Attribute("last_updated", _P, Kind.DATE, ("updated_at__date",)),
    Attribute("relationship_head", _M, Kind.CODE, ("relationship",), codes=RELATIONSHIP),
    Attribute("group_identifier", _G, Kind.TEXT, ("rsu_id",), identifier=True, sortable=True),
    Attribute("group_size", _G, Kind.INTEGER, ("member_count",), sortable=True),
    Attribute("poverty_score", _G, Kind.DECIMAL, ("index_value",), sortable=True),
    Attribute("region", _G, Kind.TEXT, ("region_id",), sortable=True),
    Attribute("province", _G, Kind.TEXT, ("commune__province_id",)),
    Attribute("commune", _G, Kind.TEXT, ("commune_id",), sortable=True),
    Attribute("location", _G, Kind.LOCATION, ("region_id", "commune__province_id", "commune_id")),
    Attribute(
        "milieu", _G, Kind.CODE, ("milieu",), codes={"urban": ("urban",), "rural": ("rural",)}
    ),
    Attribute(
        "group_status",
        _G,
        Kind.CODE,
        ("status",),
        codes={"active": ("active",), "dissolved": ("dissolved",)},
    ),
)
# A group's own registration and update dates, when the query is about groups.
_GROUP_DATES = {
    "registration_date": Attribute(
        "registration_date", _G, Kind.DATE, ("created_at__date",), sortable=True
    ),
    "last_updated": Attribute("last_updated", _G, Kind.DATE, ("updated_at__date",)),
}
ALIASES = {
    "UIN": ("uin", "rnp", "rnp_id", "person_id", "identifier"),
    "CNIE": ("cnie", "nid", "national_id", "nationalid"),
    "given_name": ("given_name", "first_name", "firstname"),
    "surname": ("surname", "sur_name", "last_name", "family_name"),
    "sex": ("sex", "gender"),
    "birth_date": ("birth_date", "birthdate", "dob", "date_of_birth"),
    "YOB": ("yob", "birth_year", "year_of_birth"),
    "age": ("age",),
    "marital_status": ("marital_status",),
    "is_disabled": ("is_disabled", "disability"),
    "is_deceased": ("is_deceased",),
    "death_date": ("death_date", "deathdate"),
    "nationality": ("nationality",),
    "registration_date": ("registration_date",),
    "last_updated": ("last_updated", "last_update"),
    "relationship_head": ("relationship_head", "relationship", "household_role"),
    "group_identifier": (
        "group_identifier",
        "group_id",
        "household_identifier",
        "household_id",
        "rsu",
        "rsu_id",
    ),
    "group_size": ("group_size", "household_size"),
    "poverty_score": ("poverty_score", "socio_economic_index"),
    "region": ("region", "region_code"),
    "province": ("province", "province_code", "sub_region_code"),
    "commune": ("commune", "commune_code", "locality_code"),
    "location": ("location",),
    "milieu": ("milieu",),
    "group_status": ("group_status",),
}
_BY_NAME = {attribute.name: attribute for attribute in _ATTRIBUTES}
_INDEX = {alias: _BY_NAME[name] for name, aliases in ALIASES.items() for alias in aliases}
# Path prefixes that the spec's examples put before an attribute (demographic_info.person.sex).
_PREFIXES = ("demographic_info.person.", "demographic_info.", "person.", "member.", "group.")


def lookup(name: object, *, group_query: bool) -> Attribute:
    """The attribute `name` denotes; RequestRejected (rjct.filter.invalid) if there is none."""
    if not isinstance(name, str) or not name.strip():
        raise RequestRejected(SearchReason.FILTER_INVALID, _("An attribute name is missing."))
    key = name.strip().lower().replace("-", "_")
    for prefix in _PREFIXES:
        key = key.removeprefix(prefix)
    if group_query and key in _GROUP_DATES:
        return _GROUP_DATES[key]
    attribute = _INDEX.get(key)
    if attribute is None:
        raise RequestRejected(
            SearchReason.FILTER_INVALID,
            _("The attribute “%(name)s” is not held by this registry.") % {"name": name},
        )
    return attribute


def identifier_type(name: object) -> Attribute:
    """The attribute an `idtype-value` type denotes (UIN/RNP, CNIE/NID, the RSU household id)."""
    attribute = _INDEX.get(name.strip().lower()) if isinstance(name, str) else None
    if attribute is None or not attribute.identifier:
        raise RequestRejected(
            SearchReason.SEARCH_CRITERIA_INVALID,
            _("The identifier type “%(type)s” is not held by this registry.") % {"type": name},
        )
    return attribute


def _scalar(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(value)
    text = str(value).strip()
    if not text:
        raise ValueError(value)
    return text


def _date(value: object) -> dt.date:
    text = _scalar(value)
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return dt.datetime.fromisoformat(text).date()


def _integer(value: object, low: int, high: int) -> int:
    number = Decimal(_scalar(value))
    if number != number.to_integral_value() or not low <= number <= high:
        raise ValueError(value)
    return int(number)


def _coerce_one(attribute: Attribute, value: object) -> Any:
    kind = attribute.kind
    if kind is Kind.CODE:
        key = str(value).strip().lower() if isinstance(value, str | bool | int) else None
        if key is None or key not in attribute.codes:
            raise ValueError(value)
        return attribute.codes[key]
    if kind is Kind.PRESENCE:
        key = str(value).strip().lower() if isinstance(value, str | bool | int) else ""
        if key not in BOOLEAN_CODES:
            raise ValueError(value)
        return BOOLEAN_CODES[key]
    if kind is Kind.DATE:
        return _date(value)
    if kind is Kind.INTEGER:
        return _integer(value, 0, 10_000)
    if kind is Kind.AGE:
        return _integer(value, 0, 150)
    if kind is Kind.YEAR:
        return _integer(value, 1800, 2200)
    if kind is Kind.DECIMAL:
        number = Decimal(_scalar(value))
        if not number.is_finite() or abs(number) >= 10**9:
            raise ValueError(value)
        return number.quantize(Decimal("1E-7"))
    text = _scalar(value)
    return text.upper() if attribute.upper else text


def coerce(attribute: Attribute, operator: str, value: object) -> Any:
    """The registry value(s) for `value`, checked against the attribute's kind and operator."""
    if operator not in OPERATORS:
        raise RequestRejected(
            SearchReason.FILTER_INVALID,
            _("The operator “%(op)s” is not one of gt, lt, eq, ge, le, in.") % {"op": operator},
        )
    if operator not in ("eq", "in") and attribute.kind not in ORDERED:
        raise RequestRejected(
            SearchReason.FILTER_INVALID,
            _("“%(name)s” can only be compared with eq or in.") % {"name": attribute.name},
        )
    try:
        if operator == "in":
            values = value.split(",") if isinstance(value, str) else value
            if not isinstance(values, list | tuple) or not values or len(values) > 1000:
                raise ValueError(value)
            return tuple(_coerce_one(attribute, item) for item in values)
        return _coerce_one(attribute, value)
    except (ValueError, TypeError, InvalidOperation) as error:
        raise RequestRejected(
            SearchReason.FILTER_INVALID,
            _("“%(value)s” is not a valid value for “%(name)s”.")
            % {"value": str(value)[:100], "name": attribute.name},
        ) from error
