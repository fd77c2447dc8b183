"""The columns of the two import files (docs/formats.md) and how each is checked and stored.

Every column is read as text (CSV, XLSX and Parquet alike), then checked and converted on whole
columns. `field` is the registry model field a column is stored in (None: only checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from jisr.geo.models import Milieu
from jisr.registry import choices as c


class Kind(Enum):
    RSU_ID = "rsu_id"
    RNP_ID = "rnp_id"
    CODE = "code"  # one of `choices`
    REGION = "region"
    COMMUNE = "commune"
    BOOL = "bool"
    COUNT = "count"  # whole number in [low, high]
    AMOUNT = "amount"  # MAD, up to 2 decimals, in [low, high]
    DATE = "date"
    TEXT = "text"  # at most `high` characters
    PHONE = "phone"
    CNIE = "cnie"
    COUNTRY = "country"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True
    field: str | None = None
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0
    # Whether a change of this value changes what the household is entitled to (index, rules).
    eligibility: bool = True


def _code(name: str, choices: list[str], *, required: bool = True) -> Column:
    return Column(name, Kind.CODE, required, name, tuple(choices))


def _flag(name: str, field: str | None = None) -> Column:
    return Column(name, Kind.BOOL, field=field or name)


HOUSEHOLD_ASSETS = (
    "has_fridge",
    "has_tv",
    "has_satellite",
    "has_washing_machine",
    "has_computer",
    "has_internet",
    "has_car",
    "has_motorbike",
)
SPENDING = ("spend_water", "spend_electricity", "spend_butane", "spend_telephone")
# Spending above this is a typing error (the same bound as the socio-economic declaration).
MAX_SPENDING_MAD = 1_000_000
# Larger households exist but are rare; above this the size is a typing error.
MAX_HOUSEHOLD_SIZE = 50

HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("household_id", Kind.RSU_ID, field="rsu_id"),
    Column("region_code", Kind.REGION, field="region_id"),
    Column("commune_code", Kind.COMMUNE, field="commune_id"),
    _code("milieu", Milieu.values),
    Column("size", Kind.COUNT, low=1, high=MAX_HOUSEHOLD_SIZE),
    Column("address", Kind.TEXT, field="address", high=255, eligibility=False),
    Column("phone", Kind.PHONE, required=False, field="phone", eligibility=False),
    _code("housing_type", c.HousingType.values),
    Column("rooms", Kind.COUNT, field="rooms", low=1, high=100),
    _code("tenure", c.Tenure.values),
    _code("water_source", c.WaterSource.values),
    _code("electricity", c.Electricity.values),
    _code("sanitation", c.Sanitation.values),
    *(_flag(name) for name in HOUSEHOLD_ASSETS),
    Column("mobile_phones", Kind.COUNT, field="mobile_phones", low=0, high=50),
    *(Column(name, Kind.AMOUNT, field=name, high=MAX_SPENDING_MAD) for name in SPENDING),
    _flag("cnss_family_allowances", "formal_family_allowances"),
)

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("person_id", Kind.RNP_ID, field="rnp_id"),
    Column("household_id", Kind.RSU_ID),
    Column("relationship", Kind.CODE, choices=tuple(c.Relationship.values)),
    _code("sex", c.Sex.values),
    Column("birth_date", Kind.DATE, field="birth_date"),
    Column("first_name_ar", Kind.TEXT, field="first_name_ar", high=80, eligibility=False),
    Column("last_name_ar", Kind.TEXT, field="last_name_ar", high=80, eligibility=False),
    Column("first_name_lat", Kind.TEXT, field="first_name_lat", high=80, eligibility=False),
    Column("last_name_lat", Kind.TEXT, field="last_name_lat", high=80, eligibility=False),
    Column("cnie", Kind.CNIE, required=False, field="cnie", eligibility=False),
    Column("nationality", Kind.COUNTRY, field="nationality"),
    _code("marital_status", c.MaritalStatus.values),
    _flag("disability"),
    _code("disability_severity", c.DisabilitySeverity.values, required=False),
    _flag("in_school"),
    _code("school_level", c.SchoolLevel.values, required=False),
    _code("school_sector", c.SchoolSector.values, required=False),
    _flag("father_deceased"),
    _code("social_security", c.SocialSecurity.values),
    _code("amo", c.AmoCover.values),
)


@dataclass(frozen=True)
class FileSpec:
    stem: str  # households / persons
    columns: tuple[Column, ...]
    key: str  # the identifier column

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def stored(self) -> dict[str, str]:
        """File column -> model field, for the columns the registry stores."""
        return {col.name: col.field for col in self.columns if col.field is not None}


HOUSEHOLDS = FileSpec("households", HOUSEHOLD_COLUMNS, "household_id")
PERSONS = FileSpec("persons", PERSON_COLUMNS, "person_id")
