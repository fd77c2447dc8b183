"""One block of households: draw everything, then lay it out as two Arrow tables.

A block is a pure function of (seed, as_of, first household index, count). The only state shared
between blocks is the CNIE numbering (the k-th adult of a region in the run), which the caller
applies in block order with `attach_cnie`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jisr.reference import regions
from jisr.synth import _economy, _ids, _people, geography, names, params
from jisr.synth._households import FEMALE_HEAD, Households, draw_households
from jisr.synth._members import (
    CHILD,
    GRANDCHILD,
    HEAD,
    OTHER_RELATIVE,
    PARENT,
    RELATIONSHIPS,
    Members,
    draw_members,
)
from jisr.synth._random import Floats, Ints, Streams
from jisr.synth.schema import HOUSEHOLD_SCHEMA, PERSON_SCHEMA


@dataclass(frozen=True)
class Context:
    seed: int
    as_of: date
    streams: Streams
    geography: geography.Geography


def context(seed: int, as_of: date) -> Context:
    return Context(seed=seed, as_of=as_of, streams=Streams(seed), geography=geography.build(seed))


@dataclass(frozen=True)
class _PersonFacts:
    """Person-level results the household columns also need."""

    age: Ints  # completed years at as_of
    scheme: Ints  # social security code
    log_consumption: Floats  # per household


@dataclass(frozen=True)
class DrawnBlock:
    households: pa.Table
    persons: pa.Table  # every column but `cnie`
    cnie_region: Ints  # per person: region index if the person gets a CNIE, else -1


@cache
def _values(values: tuple[str, ...]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _coded(codes: Ints, values: tuple[str, ...], nullable: bool = False) -> pa.DictionaryArray:
    """Dictionary-encoded strings; code -1 is null when `nullable`."""
    index_type = np.int8 if len(values) < 128 else np.int16
    mask = codes < 0 if nullable else None
    indices = pa.array(np.where(codes < 0, 0, codes).astype(index_type), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, _values(values))


@cache
def _nationalities() -> tuple[str, ...]:
    return ("MA", *params.FOREIGN_NATIONALITIES)


def _family_rows(streams: Streams, homes: Households, people: Members) -> Ints:
    """Family name of each person (row of names.family_names()), by Moroccan practice.

    Children bear their father's name: the head's, or for a woman head her (late, divorced or
    absent) husband's. Wives and mothers keep their own family name; the head's father shares it.
    """
    family = names.family_names()
    head_name = family.draw("all", streams.uniform("family/head", homes.keys))
    husband_name = family.draw("all", streams.uniform("family/husband", homes.keys))
    own_name = family.draw("all", streams.uniform("family/own", people.keys))
    household, relationship = people.household, people.relationship
    father_line = np.where(homes.kind == FEMALE_HEAD, husband_name, head_name)[household]
    through_son = streams.bernoulli("family/through_son", people.keys, 0.7)
    shares_head = streams.bernoulli("family/relative", people.keys, 0.5)
    return np.select(
        [
            relationship == HEAD,
            relationship == CHILD,
            (relationship == GRANDCHILD) & through_son,
            (relationship == PARENT) & people.male,
            (relationship == OTHER_RELATIVE) & shares_head,
        ],
        [
            head_name[household],
            father_line,
            father_line,
            head_name[household],
            head_name[household],
        ],
        default=own_name,
    )


def _names(streams: Streams, homes: Households, people: Members) -> dict[str, pa.Array]:
    first, family = names.first_names(), names.family_names()
    u = streams.uniform("first_name", people.keys)
    first_rows = np.where(people.male, first.draw("M", u), first.draw("F", u))
    family_rows = _family_rows(streams, homes, people)
    return {
        "first_name_ar": _coded(first.row_arabic[first_rows], first.arabic),
        "last_name_ar": _coded(family.row_arabic[family_rows], family.arabic),
        "first_name_lat": _coded(first.row_latin[first_rows], first.latin),
        "last_name_lat": _coded(family.row_latin[family_rows], family.latin),
    }


def _person_columns(
    ctx: Context, homes: Households, people: Members
) -> tuple[dict[str, pa.Array], Ints, _PersonFacts]:
    streams, household = ctx.streams, people.household
    birth, age = _people.birth_days(people.age, ctx.as_of)
    marital = _people.marital_status(streams, homes, people, age)
    disabled, severity = _people.disability(streams, people, age)
    school = _people.schooling(streams, homes, people, age, severity)
    scheme = _people.social_security(streams, homes, people, age)
    log_c = _economy.log_consumption(homes)
    household_amo = _economy.household_cover(streams, homes, people, scheme, log_c)
    sector = np.where(school.in_school, school.private.astype(np.int64), -1)
    columns: dict[str, pa.Array] = {
        "person_id": _ids.person_ids(people.keys),
        "household_id": _ids.household_ids(homes.keys.astype(np.int64)[household]),
        "relationship": _coded(people.relationship, RELATIONSHIPS),
        "sex": _coded(np.where(people.male, 0, 1), ("M", "F")),
        "birth_date": pa.array(birth.astype(np.int32), type=pa.date32()),
        **_names(streams, homes, people),
        "nationality": _coded(homes.nationality[household], _nationalities()),
        "marital_status": _coded(marital, params.MARITAL_STATUSES),
        "disability": pa.array(disabled),
        "disability_severity": _coded(severity, params.DISABILITY_SEVERITIES, nullable=True),
        "in_school": pa.array(school.in_school),
        "school_level": _coded(school.level, params.SCHOOL_LEVELS, nullable=True),
        "school_sector": _coded(sector, ("public", "private"), nullable=True),
        "father_deceased": pa.array(_people.father_deceased(streams, homes, people, age, marital)),
        "social_security": _coded(scheme, params.SOCIAL_SECURITY),
        "amo": _coded(_economy.person_cover(people, scheme, household_amo), params.AMO_SCHEMES),
    }
    eligible = (age >= 18) & (homes.nationality[household] == 0)
    facts = _PersonFacts(age=age, scheme=scheme, log_consumption=log_c)
    return columns, np.where(eligible, homes.region[household], -1), facts


def _contact(streams: Streams, homes: Households, mobile_phones: Ints) -> dict[str, pa.Array]:
    keys = homes.keys
    places = names.places()
    street = streams.choice("street", keys, np.linspace(0, 1, len(places["street"]) + 1)[1:])
    number = 1 + np.floor(streams.uniform("street_number", keys) ** 2 * 240).astype(np.int64)
    douar = streams.choice("douar", keys, np.linspace(0, 1, len(places["douar"]) + 1)[1:])
    street_text = pc.binary_join_element_wise(
        pc.take(_values(places["street"]), pa.array(street)),
        pc.cast(pa.array(number), pa.string()),
        " n° ",
    )
    address = pc.if_else(
        pa.array(homes.urban), street_text, pc.take(_values(places["douar"]), pa.array(douar))
    )
    operator = np.where(streams.bernoulli("phone_7", keys, params.MOBILE_PREFIX_7_SHARE), 7, 6)
    line = np.floor(streams.uniform("phone", keys) * 10**8).astype(np.int64)
    declared = (mobile_phones > 0) & ~streams.bernoulli("no_phone", keys, params.NO_PHONE_SHARE)
    phone = _ids.fixed_width_strings(operator * 10**8 + line, 9, prefix="+212", valid=declared)
    return {"address": address, "phone": phone}


def _household_columns(
    ctx: Context, homes: Households, people: Members, facts: _PersonFacts
) -> dict[str, pa.Array]:
    streams, age = ctx.streams, facts.age
    signal = _economy.wealth_signal(streams, homes)
    adults = np.bincount(people.household[age >= 15], minlength=homes.size.size)
    dwelling = _economy.dwelling(streams, homes, signal, adults)
    geo = ctx.geography
    categories = {
        "housing_type": params.HOUSING_TYPES,
        "tenure": params.TENURES,
        "water_source": params.WATER_SOURCES,
        "electricity": params.ELECTRICITY,
        "sanitation": params.SANITATION,
    }
    columns: dict[str, pa.Array] = {
        "household_id": _ids.household_ids(homes.keys.astype(np.int64)),
        "region_code": _coded(homes.region, tuple(r.code for r in regions())),
        "commune_code": _coded(homes.commune, geo.codes),
        "milieu": _coded((~homes.urban).astype(np.int64), params.MILIEUS),
        "size": pa.array(homes.size.astype(np.int16)),
        **_contact(streams, homes, np.asarray(dwelling["mobile_phones"])),
    }
    for name, values in dwelling.items():
        if name in categories:
            columns[name] = _coded(np.asarray(values), categories[name])
        elif name in ("rooms", "mobile_phones"):
            columns[name] = pa.array(np.asarray(values).astype(np.int16))
        else:
            columns[name] = pa.array(values)
    allowances = _economy.cnss_family_allowances(streams, homes, people, facts.scheme, age)
    columns["cnss_family_allowances"] = pa.array(allowances)
    consumption = np.rint(np.exp(facts.log_consumption)).astype(np.int64)
    columns["latent_consumption_pc"] = pa.array(consumption)
    return columns


def draw_block(ctx: Context, first: int, count: int) -> DrawnBlock:
    homes = draw_households(ctx.streams, ctx.geography, first, count)
    people = draw_members(ctx.streams, homes)
    person_columns, cnie_region, facts = _person_columns(ctx, homes, people)
    household_columns = _household_columns(ctx, homes, people, facts)
    persons = pa.Table.from_pydict(person_columns)
    households = pa.Table.from_pydict(household_columns)
    return DrawnBlock(
        households=households.select(HOUSEHOLD_SCHEMA.names).cast(HOUSEHOLD_SCHEMA),
        persons=persons.select([n for n in PERSON_SCHEMA.names if n != "cnie"]),
        cnie_region=cnie_region,
    )


@cache
def _all_prefixes() -> tuple[list[str], dict[str, int]]:
    prefixes = [p for region in regions() for p in _ids.CNIE_PREFIXES[region.code]]
    offsets, start = {}, 0
    for region in regions():
        offsets[region.code] = start
        start += len(_ids.CNIE_PREFIXES[region.code])
    return prefixes, offsets


def attach_cnie(block: DrawnBlock, issued: Ints) -> pa.Table:
    """Add the CNIE column, numbering each region's holders after the `issued` ones (updated)."""
    prefixes, offsets = _all_prefixes()
    holder = block.cnie_region >= 0
    prefix_code = np.zeros(holder.size, dtype=np.int64)
    number = np.zeros(holder.size, dtype=np.int64)
    for index, region in enumerate(regions()):
        rows = np.flatnonzero(block.cnie_region == index)
        ordinals = issued[index] + np.arange(rows.size, dtype=np.int64)
        local, number[rows] = _ids.cnie_numbers(region.code, ordinals)
        prefix_code[rows] = offsets[region.code] + local
        issued[index] += rows.size
    cnie = _ids.cnie_strings(prefixes, prefix_code, number, holder)
    persons = block.persons
    position = PERSON_SCHEMA.get_field_index("cnie")
    return persons.add_column(position, "cnie", cnie).cast(PERSON_SCHEMA)
