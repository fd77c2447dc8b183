"""Arrow schemas of the two output files (see docs/formats.md for the meaning of each column).

In memory, columns with a small set of values (codes, categories, names) are dictionary-encoded;
Parquet stores them as plain UTF-8 strings with dictionary pages, and CSV as text, so readers see
ordinary strings. `FILE_TYPES` gives the type a reader gets back.
"""

from __future__ import annotations

import pyarrow as pa

_CODE = pa.dictionary(pa.int8(), pa.string())
_NAME = pa.dictionary(pa.int16(), pa.string())

HOUSEHOLD_SCHEMA = pa.schema(
    [
        pa.field("household_id", pa.string(), nullable=False),
        pa.field("region_code", _CODE, nullable=False),
        pa.field("commune_code", _NAME, nullable=False),
        pa.field("milieu", _CODE, nullable=False),
        pa.field("size", pa.int16(), nullable=False),
        pa.field("address", pa.string(), nullable=False),
        pa.field("phone", pa.string()),
        pa.field("housing_type", _CODE, nullable=False),
        pa.field("rooms", pa.int16(), nullable=False),
        pa.field("tenure", _CODE, nullable=False),
        pa.field("water_source", _CODE, nullable=False),
        pa.field("electricity", _CODE, nullable=False),
        pa.field("sanitation", _CODE, nullable=False),
        pa.field("has_fridge", pa.bool_(), nullable=False),
        pa.field("has_tv", pa.bool_(), nullable=False),
        pa.field("has_satellite", pa.bool_(), nullable=False),
        pa.field("has_washing_machine", pa.bool_(), nullable=False),
        pa.field("has_computer", pa.bool_(), nullable=False),
        pa.field("has_internet", pa.bool_(), nullable=False),
        pa.field("has_car", pa.bool_(), nullable=False),
        pa.field("has_motorbike", pa.bool_(), nullable=False),
        pa.field("mobile_phones", pa.int16(), nullable=False),
        pa.field("spend_water", pa.int64(), nullable=False),
        pa.field("spend_electricity", pa.int64(), nullable=False),
        pa.field("spend_butane", pa.int64(), nullable=False),
        pa.field("spend_telephone", pa.int64(), nullable=False),
        pa.field("cnss_family_allowances", pa.bool_(), nullable=False),
        # Ground truth for evaluating targeting: never imported into the registry.
        pa.field("latent_consumption_pc", pa.int64(), nullable=False),
    ]
)

PERSON_SCHEMA = pa.schema(
    [
        pa.field("person_id", pa.string(), nullable=False),
        pa.field("household_id", pa.string(), nullable=False),
        pa.field("relationship", _CODE, nullable=False),
        pa.field("sex", _CODE, nullable=False),
        pa.field("birth_date", pa.date32(), nullable=False),
        pa.field("first_name_ar", _NAME, nullable=False),
        pa.field("last_name_ar", _NAME, nullable=False),
        pa.field("first_name_lat", _NAME, nullable=False),
        pa.field("last_name_lat", _NAME, nullable=False),
        pa.field("cnie", pa.string()),
        pa.field("nationality", _CODE, nullable=False),
        pa.field("marital_status", _CODE, nullable=False),
        pa.field("disability", pa.bool_(), nullable=False),
        pa.field("disability_severity", _CODE),
        pa.field("in_school", pa.bool_(), nullable=False),
        pa.field("school_level", _CODE),
        pa.field("school_sector", _CODE),
        pa.field("father_deceased", pa.bool_(), nullable=False),
        pa.field("social_security", _CODE, nullable=False),
        pa.field("amo", _CODE, nullable=False),
    ]
)


def file_schema(schema: pa.Schema) -> pa.Schema:
    """The schema a reader gets back from the files: dictionaries become plain strings."""
    return pa.schema(
        [
            field.with_type(pa.string()) if pa.types.is_dictionary(field.type) else field
            for field in schema
        ]
    )
