"""Benchmark: registry search on a national-size PostgreSQL database (10 M persons).

    .venv/bin/python bench/registry_search.py [--persons 10000000] [--seed 7]
        [--db jisr_bench_search] [--keep] [--samples 2000] [--budget 60] [--timeout 30]
        [--no-proposed]

Target (registry issue): search by CNIE, RNP id, RSU id, phone, name (Arabic or Latin, diacritic-
and variant-insensitive) and commune, with trigram indexes on PostgreSQL; "the lookup by identifier
answers in milliseconds on a 10 M-person database" — here: p95 under 10 ms for each identifier.

Load: a database migrated by Jisr, the geography and the population of `jisr.synth` (persons /
3.9 households) bulk-loaded with COPY. As for any bulk load of this size, the secondary indexes
and constraints of the three registry tables are dropped first and rebuilt afterwards from their
exact catalogue definitions (checked identical), after VACUUM ANALYZE. With --keep the database
is kept, and reused by a later run with the same size and seed.

Measure: random existing values (and, for names, a variant spelling of an existing "first last"
name) searched through Jisr's read path — `jisr.registry.selectors.household_list` and
`person_list` for a national auditor, evaluated for the first page of 25 rows — reporting
p50/p95/p99 latency and queries per second, with the plan of each statement of one search of
each kind. The "page:" kinds also count the households, as the search page's pager does; the
"first name" kinds search one word, the first name alone (often "Mohamed" or "Fatima"). Each
kind runs for at most --budget seconds and each query for at most --timeout seconds (a query
stopped there counts as that long). "SQL" columns: the statements one search sent, replayed
through psycopg (the rest of Jisr's time is Python: building queries, making model instances).
Baseline, measured in the same run: the bare SQL lookup of each value through psycopg
(`SELECT id FROM registry_person WHERE rnp_id = %s`; for a name, every word of its key with
LIKE on the trigram-indexed column, first 25 persons), the floor to which Jisr adds its scope
filter, memberships, joins, ranking and member count.

Last (unless --no-proposed), the fixes proposed for the slow spots are measured on the same
path: an index created as raw SQL (and dropped after), or a setting of Jisr replaced for the
measure only.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import secrets
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import numpy.typing as npt
import polars as pl
import psycopg
from django.db import DatabaseError
from psycopg import sql
from psycopg.errors import QueryCanceled

from jisr.core.names import arabic_key_expr, latin_key_expr, normalise_arabic, normalise_latin
from jisr.reference import CENSUS_2024
from jisr.synth import communes, generate

SERVER = "postgres://postgres@127.0.0.1:5432"
Statement = sql.SQL | sql.Composed
TABLES = ("registry_household", "registry_person", "registry_membership")
TARGET_P95_MS = 10.0
PAGE = 25  # rows per page of the household search (jisr.registry.views.household_list)
JOINED = "2024-09-01"  # start of every loaded membership
LOADED_AT = "2024-09-01 00:00:00+00"
MARKER = "jisr bench registry_search"
COPY_CHUNK = 8 * 1024**2
WARM_UP = 20  # queries of each kind run before timing (code paths, caches)


# --- The database --------------------------------------------------------------------------


def _url(db: str) -> str:
    return f"{SERVER}/{db}"


def _comment(conn: psycopg.Connection[Any], db: str, text: str) -> None:
    conn.execute(
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(db), sql.Literal(text))
    )


def database_prepare(db: str, marker: str, *, keep: bool) -> bool:
    """Create `db` afresh, or (keep) reuse it if it holds a complete load for `marker`.

    Only a database this bench created (its comment starts with MARKER) is ever dropped.
    """
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        row = admin.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database"
            " WHERE datname = %s",
            (db,),
        ).fetchone()
        if row is not None:
            if keep and row[0] == marker:
                return True
            if not row[0].startswith(MARKER):
                raise SystemExit(f"database {db!r} exists and was not created by this bench")
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(db)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
        _comment(admin, db, f"{MARKER}: loading")
    return False


def database_drop(db: str) -> None:
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def django_start(db: str) -> None:
    """Point Jisr at `db` (as production does, through its environment) and migrate it."""
    os.environ["JISR_DATABASE_URL"] = _url(db)
    os.environ["JISR_SECRET_KEY"] = secrets.token_urlsafe(30)  # 40 characters
    os.environ["DJANGO_SETTINGS_MODULE"] = "jisr.config.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- Secondary indexes and constraints, dropped for the load ----------------------------------

_SECONDARY = """
SELECT t.relname, c.conname, c.contype::text, pg_get_constraintdef(c.oid),
       CASE WHEN c.contype = 'u' THEN pg_get_indexdef(c.conindid) ELSE '' END
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
WHERE t.relname = ANY(%(tables)s) AND c.contype IN ('u', 'x', 'f')
UNION ALL
SELECT t.relname, x.relname, 'i', '', pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
WHERE t.relname = ANY(%(tables)s) AND NOT i.indisprimary AND NOT EXISTS (
    SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class Secondary:
    """An index ('i') or a unique ('u'), exclusion ('x') or foreign-key ('f') constraint."""

    table: str
    name: str
    kind: str
    constraint: str  # pg_get_constraintdef
    index: str  # pg_get_indexdef (indexes and unique constraints)

    def drop(self) -> Statement:
        if self.kind == "i":
            return sql.SQL("DROP INDEX {}").format(sql.Identifier(self.name))
        return sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(*self._names())

    def build(self) -> Statement | None:
        """The long part, run in parallel first: the index, or the exclusion constraint."""
        if self.kind in "iu":
            return sql.SQL(self.index)  # from the catalogue
        if self.kind == "x":
            return self._add(sql.SQL(self.constraint))
        return None

    def attach(self) -> Statement | None:
        """Then the constraints on top of the indexes: unique ones and foreign keys."""
        if self.kind == "u":
            return self._add(sql.SQL("UNIQUE USING INDEX {}").format(sql.Identifier(self.name)))
        if self.kind == "f":
            return self._add(sql.SQL(self.constraint))
        return None

    @property
    def slow(self) -> bool:
        return self.kind == "x" or " gin " in self.index.lower()

    def _names(self) -> tuple[sql.Identifier, sql.Identifier]:
        return sql.Identifier(self.table), sql.Identifier(self.name)

    def _add(self, definition: Statement) -> Statement:
        return sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(*self._names(), definition)


def secondaries(conn: psycopg.Connection[Any]) -> list[Secondary]:
    rows = conn.execute(_SECONDARY, {"tables": list(TABLES)}).fetchall()
    return [Secondary(*row) for row in rows]


def _run_all(url: str, statements: Sequence[Statement], workers: int = 2) -> None:
    """Run independent DDL statements on `workers` connections (one per core)."""

    def run(statement: Statement) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 0")
            conn.execute(statement)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, statements))


def secondaries_rebuild(url: str, dropped: list[Secondary]) -> None:
    # The exclusion constraint locks its table for minutes: it starts first, and its table's
    # other indexes come last, so that the second connection meanwhile builds the rest.
    locked = {item.table for item in dropped if item.kind == "x"}
    ordered = sorted(dropped, key=lambda s: (s.kind != "x", s.table in locked, not s.slow))
    _run_all(url, [s for s in (item.build() for item in ordered) if s is not None])
    _run_all(url, [s for s in (item.attach() for item in ordered) if s is not None])


# --- The population, bulk-loaded ------------------------------------------------------------

# fmt: off
_HOUSEHOLD_COPIED = [
    "milieu", "address", "housing_type", "rooms", "tenure", "water_source", "electricity",
    "sanitation", "has_fridge", "has_tv", "has_satellite", "has_washing_machine", "has_computer",
    "has_internet", "has_car", "has_motorbike", "mobile_phones", "spend_water",
    "spend_electricity", "spend_butane", "spend_telephone",
]
_PERSON_COPIED = [
    "sex", "birth_date", "first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat",
    "cnie", "nationality", "marital_status", "disability", "in_school", "father_deceased",
    "social_security", "amo",
]
# fmt: on
_PERSON_BLANK = ("disability_severity", "school_level", "school_sector")  # null: empty string
_NAMES = ["first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat"]


def _ids(first: int) -> pl.Expr:
    return pl.int_range(first, first + pl.len(), dtype=pl.Int64)


def _household_frame(households: pl.DataFrame, first_id: int) -> pl.DataFrame:
    return households.select(
        _ids(first_id).alias("id"),
        pl.col("household_id").alias("rsu_id"),
        pl.col("region_code").alias("region_id"),
        pl.col("commune_code").alias("commune_id"),
        *_HOUSEHOLD_COPIED,
        pl.col("phone").fill_null(""),
        pl.col("cnss_family_allowances").alias("formal_family_allowances"),
        pl.lit("active").alias("status"),
        pl.lit("").alias("index_model"),
        pl.lit(True).alias("needs_recompute"),
        pl.lit(1).alias("version"),
        pl.lit(LOADED_AT).alias("created_at"),
        pl.lit(LOADED_AT).alias("updated_at"),
    )


def _person_frame(persons: pl.DataFrame, first_id: int) -> pl.DataFrame:
    # Names repeat: computing the keys once per distinct name is ten times faster.
    full_ar = pl.concat_str("first_name_ar", pl.lit(" "), "last_name_ar")
    full_lat = pl.concat_str("first_name_lat", pl.lit(" "), "last_name_lat")
    keys = (
        persons.select(_NAMES)
        .unique()
        .with_columns(
            arabic_key_expr(full_ar).alias("name_ar_key"),
            latin_key_expr(full_lat).alias("name_lat_key"),
        )
    )
    return persons.join(keys, on=_NAMES, how="left", maintain_order="left").select(
        _ids(first_id).alias("id"),
        pl.col("person_id").alias("rnp_id"),
        *_PERSON_COPIED,
        *(pl.col(name).fill_null("") for name in _PERSON_BLANK),
        "name_ar_key",
        "name_lat_key",
        pl.lit(LOADED_AT).alias("created_at"),
        pl.lit(LOADED_AT).alias("updated_at"),
    )


def _membership_frame(
    persons: pl.DataFrame, first_person: int, households: pl.DataFrame
) -> pl.DataFrame:
    return (
        persons.select(
            _ids(first_person).alias("person_id"),
            pl.col("household_id").alias("rsu_id"),
            "relationship",
        )
        .join(households.select("rsu_id", "id"), on="rsu_id", maintain_order="left")
        .select("person_id", pl.col("id").alias("household_id"), "relationship")
        .with_columns(pl.lit(JOINED).alias("start"))
    )


@dataclass(frozen=True)
class CopyData:
    columns: list[str]
    csv: bytes
    rows: int


def _csv(frame: pl.DataFrame) -> CopyData:
    # NULL is \N, so that an unquoted empty field stays an empty string in NOT NULL columns.
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="\\N")
    return CopyData(frame.columns, buffer.getvalue(), frame.height)


def _copy(conn: psycopg.Connection[Any], table: str, data: CopyData) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, NULL '\\N')").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, data.columns))
    )
    view = memoryview(data.csv)
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(view), COPY_CHUNK):
            copy.write(view[start : start + COPY_CHUNK])


def _blocks(households: int, seed: int) -> Iterator[dict[str, CopyData]]:
    """Each block of the population as CSV for the three tables, with consecutive ids."""
    next_household = next_person = 1
    for block in generate(households, seed):
        household_rows = _household_frame(block.households, next_household)
        yield {
            "registry_household": _csv(household_rows),
            "registry_person": _csv(_person_frame(block.persons, next_person)),
            "registry_membership": _csv(
                _membership_frame(block.persons, next_person, household_rows)
            ),
        }
        next_household += block.households.height
        next_person += block.persons.height


def _check_columns(conn: psycopg.Connection[Any], written: dict[str, list[str]]) -> None:
    """Every NOT NULL column without a default (nor identity) must be written by the load."""
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_name = ANY(%s)"
        " AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        (list(TABLES),),
    ).fetchall()
    missing = [f"{table}.{column}" for table, column in rows if column not in written[table]]
    if missing:
        raise SystemExit(f"the load does not write NOT NULL columns: {', '.join(missing)}")


def _copy_blocks(conn: psycopg.Connection[Any], households: int, seed: int) -> dict[str, int]:
    """COPY block k on a second thread while block k + 1 is generated (the server works on
    one core, Python on the other)."""
    rows = dict.fromkeys(TABLES, 0)

    def send(block: dict[str, CopyData]) -> None:
        for table, data in block.items():
            _copy(conn, table, data)

    started = time.perf_counter()
    pending: Future[None] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy") as pool:
        for number, block in enumerate(_blocks(households, seed), start=1):
            if number == 1:
                _check_columns(conn, {table: data.columns for table, data in block.items()})
            if pending is not None:
                pending.result()
            pending = pool.submit(send, block)
            for table, data in block.items():
                rows[table] += data.rows
            persons, seconds = rows["registry_person"], time.perf_counter() - started
            print(f"  block {number}: {persons:,} persons generated, {seconds:.0f} s", flush=True)
        if pending is not None:
            pending.result()
    return rows


@dataclass(frozen=True)
class Load:
    rows: dict[str, int]
    copy_seconds: float
    vacuum_seconds: float
    index_seconds: float

    def report(self) -> None:
        copied = sum(self.rows.values())
        total = self.copy_seconds + self.vacuum_seconds + self.index_seconds
        print(f"Loaded {', '.join(f'{n:,} {t}' for t, n in self.rows.items())}")
        rate = copied / self.copy_seconds
        print(f"  generate + COPY       {self.copy_seconds:7.1f} s  ({rate:,.0f} rows/s)")
        print(f"  VACUUM ANALYZE        {self.vacuum_seconds:7.1f} s")
        print(f"  indexes, constraints  {self.index_seconds:7.1f} s")
        print(f"  total                 {total:7.1f} s  ({copied / total:,.0f} rows/s)")


def geography_load(seed: int) -> None:
    from jisr.geo.services import communes_load, regions_load

    regions_load()
    with tempfile.TemporaryDirectory(prefix="jisr-bench-") as scratch:
        path = Path(scratch) / "communes.csv"
        communes(seed).write_csv(path)
        communes_load(path=path)


def population_load(url: str, households: int, seed: int) -> Load:
    with psycopg.connect(url, autocommit=True) as conn:
        dropped = secondaries(conn)
        for item in sorted(dropped, key=lambda s: "fuxi".index(s.kind)):  # foreign keys first
            conn.execute(item.drop())
        started = time.perf_counter()
        rows = _copy_blocks(conn, households, seed)
        for table in ("registry_household", "registry_person"):  # ids were given by the load
            conn.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}").format(
                    sql.Literal(table), sql.Identifier(table)
                )
            )
        copied = time.perf_counter()
        # Before the indexes exist, VACUUM is a single pass: hint bits and visibility map are set
        # as autovacuum would long have done on a production table.
        for table in TABLES:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
        vacuumed = time.perf_counter()
        print("  rebuilding indexes and constraints", flush=True)
        secondaries_rebuild(url, dropped)
        if secondaries(conn) != dropped:
            raise SystemExit("the rebuilt indexes and constraints differ from the migrated ones")
        conn.execute(sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(map(sql.Identifier, TABLES))))
    return Load(rows, copied - started, vacuumed - copied, time.perf_counter() - vacuumed)


# --- What is searched -----------------------------------------------------------------------

_SAMPLE = """
SELECT p.rnp_id, p.cnie, p.first_name_lat || ' ' || p.last_name_lat,
       p.first_name_ar || ' ' || p.last_name_ar, h.rsu_id, h.phone, h.commune_id
FROM registry_person p
JOIN registry_membership m ON m.person_id = p.id AND m."end" IS NULL
JOIN registry_household h ON h.id = m.household_id
WHERE p.id = ANY(%s)
"""
# RSU ids starting 05-08 are also national phone numbers: the search tries both (selectors).
_RSU_LIKE_PHONE = """
SELECT rsu_id FROM registry_household WHERE rsu_id >= '05' AND rsu_id < '09'
ORDER BY md5(rsu_id || %s) LIMIT %s
"""
_ARABIC_SPELLING = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
_FATHA = "\u064e"


def latin_variant(name: str) -> str:
    """Another spelling of a Latin name: no accents, ou <-> u, capitals."""
    text = "".join(
        char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)
    )
    text = text.replace("ou", "u", 1) if "ou" in text else text.replace("u", "ou", 1)
    return text.upper()


def arabic_variant(name: str) -> str:
    """Another spelling of an Arabic name: bare alef, ha for ta marbuta, ya, and a haraka."""
    text = name.translate(_ARABIC_SPELLING)
    return text[:1] + _FATHA + text[1:]


def _variants(
    names: list[str], variant: Callable[[str], str], key: Callable[[str], str]
) -> tuple[list[str], int]:
    """Each name respelt where the key stays the same; and how many could be respelt."""
    respelt = [variant(name) for name in names]
    chosen = [new if key(new) == key(old) else old for old, new in zip(names, respelt, strict=True)]
    return chosen, sum(new != old for old, new in zip(names, chosen, strict=True))


@dataclass(frozen=True)
class Sample:
    persons: pl.DataFrame
    rsu_like_phone: list[str]

    def column(self, name: str) -> list[str]:
        values = self.persons.get_column(name).drop_nulls()
        return values.filter(values != "").to_list()


def sample_draw(url: str, size: int, seed: int) -> Sample:
    """`size` persons drawn at random, with their household; RSU ids that look like phones."""
    with psycopg.connect(url) as conn:
        top = conn.execute("SELECT max(id) FROM registry_person").fetchone()
        assert top is not None
        ids = np.random.default_rng(seed).choice(int(top[0]), size=size, replace=False) + 1
        rows = conn.execute(_SAMPLE, (ids.tolist(),)).fetchall()
        rsu = [row[0] for row in conn.execute(_RSU_LIKE_PHONE, (str(seed), size)).fetchall()]
    columns = ["rnp_id", "cnie", "name_lat", "name_ar", "rsu_id", "phone", "commune_id"]
    persons = pl.DataFrame(rows, schema=columns, orient="row").sample(
        fraction=1.0, shuffle=True, seed=seed
    )
    national = pl.when(pl.col("phone") != "").then("0" + pl.col("phone").str.slice(4))
    return Sample(persons.with_columns(national.alias("phone_national")), rsu)


Query = tuple[Statement, Sequence[object]]


def _lookup(table: str, column: str) -> Callable[[str], Query]:
    statement = sql.SQL("SELECT id FROM {} WHERE {} = %s").format(
        sql.Identifier(table), sql.Identifier(column)
    )
    return lambda value: (statement, (value,))


def _phone_lookup(national: str) -> Query:
    return _lookup("registry_household", "phone")(f"+212{national[1:]}")


def _commune_page(code: str) -> Query:
    statement = sql.SQL(
        "SELECT id FROM registry_household WHERE commune_id = %s ORDER BY rsu_id LIMIT {}"
    ).format(sql.Literal(PAGE))
    return statement, (code,)


def _name_lookup(column: str, key: Callable[[str], str]) -> Callable[[str], Query]:
    """The bare trigram search: every word of the key in the column, first page."""

    def query(value: str) -> Query:
        words = key(value).split()
        condition = sql.SQL(" AND ").join(
            sql.SQL("{} LIKE %s").format(sql.Identifier(column)) for _word in words
        )
        statement = sql.SQL("SELECT id FROM registry_person WHERE {} LIMIT {}").format(
            condition, sql.Literal(PAGE)
        )
        return statement, [f"%{word}%" for word in words]

    return query


@dataclass(frozen=True)
class Kind:
    label: str
    values: list[str]
    queryset: Callable[[str], Any]  # the selector call, a QuerySet
    bare: Callable[[str], Query] | None = None
    target: bool = False  # held to TARGET_P95_MS

    counted: bool = False  # also counted, as the search page's pager does

    def search(self, value: str) -> list[Any]:
        queryset = self.queryset(value)
        if self.counted:
            queryset.count()
        return list(queryset[:PAGE])


def kinds_build(sample: Sample, user: Any) -> list[Kind]:
    # Looked up at each call, so that a prototype can replace them.
    from jisr.registry import selectors

    def households(query: str) -> Any:
        return selectors.household_list(user=user, query=query)

    def persons(query: str) -> Any:
        return selectors.person_list(user=user, query=query)

    def in_commune(code: str) -> Any:
        return selectors.household_list(user=user, commune=code)

    latin, respelt_latin = _variants(sample.column("name_lat"), latin_variant, normalise_latin)
    arabic, respelt_arabic = _variants(sample.column("name_ar"), arabic_variant, normalise_arabic)
    print(
        f"Name variants: {respelt_latin:,}/{len(latin):,} Latin and {respelt_arabic:,}/"
        f"{len(arabic):,} Arabic names respelt (the others kept: the variant changed the key)"
    )
    first_latin = _first_words(latin, normalise_latin)
    first_arabic = _first_words(arabic, normalise_arabic)
    by_latin = _name_lookup("name_lat_key", normalise_latin)
    by_arabic = _name_lookup("name_ar_key", normalise_arabic)
    rnp, cnie = _lookup("registry_person", "rnp_id"), _lookup("registry_person", "cnie")
    rsu, phone = _lookup("registry_household", "rsu_id"), _lookup("registry_household", "phone")
    return [
        Kind("RNP id", sample.column("rnp_id"), households, rnp, target=True),
        Kind("CNIE", sample.column("cnie"), households, cnie, target=True),
        Kind("RSU id", sample.column("rsu_id"), households, rsu, target=True),
        Kind("RSU id 05-08…", sample.rsu_like_phone, households, rsu, target=True),
        Kind("phone +212…", sample.column("phone"), households, phone, target=True),
        Kind("phone 06…", sample.column("phone_national"), households, _phone_lookup, True),
        Kind("name, Latin", latin, households, by_latin),
        Kind("name, Arabic", arabic, households, by_arabic),
        Kind("page: name, Latin", latin, households, by_latin, counted=True),
        Kind("page: name, Arabic", arabic, households, by_arabic, counted=True),
        # One common word ("Mohamed" is one person in sixteen): the worst case of a name search.
        Kind("page: first name, Lat", first_latin, households, by_latin, counted=True),
        Kind("page: first name, Ar", first_arabic, households, by_arabic, counted=True),
        Kind("commune", sample.column("commune_id"), in_commune, _commune_page),
        Kind("persons: RNP id", sample.column("rnp_id"), persons, rnp, target=True),
        Kind("persons: name, Latin", latin, persons, by_latin),
        Kind("persons: name, Arabic", arabic, persons, by_arabic),
        Kind("persons: first name", first_latin, persons, by_latin),
    ]


def _first_words(names: list[str], key: Callable[[str], str]) -> list[str]:
    """The first word of each name, when its key has a word that a trigram index can look up
    (3+ letters): "Nouh" ("nu") or "طه" alone are refused by Jisr as too short."""
    words = [name.split(" ", 1)[0] for name in names]
    return [word for word in words if any(len(part) >= 3 for part in key(word).split())]


# --- Measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    milliseconds: npt.NDArray[np.float64]
    seconds: float  # wall time of the series
    timeouts: int

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.milliseconds, q))

    @property
    def per_second(self) -> float:
        return len(self.milliseconds) / self.seconds


@dataclass(frozen=True)
class Result:
    kind: Kind
    jisr: Timing
    statement: Timing  # Jisr's SQL alone, compiled beforehand, through psycopg
    bare: Timing | None


def _timed_out(error: BaseException) -> bool:
    return isinstance(error, QueryCanceled) or isinstance(error.__cause__, QueryCanceled)


def _series(run: Callable[[str], object], values: Sequence[str], budget: float) -> Timing:
    times: list[float] = []
    timeouts = 0
    started = time.perf_counter()
    for value in values:
        begun = time.perf_counter()
        try:
            run(value)
        except (DatabaseError, QueryCanceled) as error:
            if not _timed_out(error):
                raise
            timeouts += 1
        times.append(time.perf_counter() - begun)
        if begun - started > budget:
            break
    return Timing(np.array(times) * 1000, time.perf_counter() - started, timeouts)


def measure(kind: Kind, conn: psycopg.Connection[Any], budget: float) -> Result:
    """Jisr's path; then its SQL alone; then the bare SQL; on the same values (all three warmed
    up on other values).

    The SQL alone splits Jisr's time between Python (building and compiling the query,
    making model instances) and the database. The later series run on index pages the first
    may have brought into memory, which can only favour them.
    """

    def bare(value: str) -> None:
        assert kind.bare is not None
        conn.execute(*kind.bare(value)).fetchall()

    warm, values = kind.values[:WARM_UP], kind.values[WARM_UP:]
    _series(kind.search, warm, budget / 4)
    if kind.bare is not None:
        _series(bare, warm, budget / 4)
    jisr = _series(kind.search, values, budget)
    measured = values[: len(jisr.milliseconds)]
    sent = {value: statements(kind, value) for value in measured}
    cursor = psycopg.ClientCursor(conn)  # binds parameters in the client, as Django does

    def statement(value: str) -> None:
        for text, params in sent[value]:
            cursor.execute(text, params).fetchall()

    alone = _series(statement, measured, budget)
    return Result(kind, jisr, alone, _series(bare, measured, budget) if kind.bare else None)


def _scans(plan: dict[str, Any]) -> Iterator[str]:
    """The nodes that read a table or an index, depth first."""
    node = plan["Node Type"]
    if "Index Name" in plan:
        yield f"{node} {plan['Index Name']}"
    elif "Relation Name" in plan:
        yield f"{node} {plan['Relation Name']}"
    for child in plan.get("Plans", ()):
        yield from _scans(child)


Sent = tuple[str, Sequence[Any]]  # an SQL statement as Django sent it, and its parameters


def statements(kind: Kind, value: str) -> list[Sent]:
    """The SQL statements one search of `value` sends, with their parameters, in order; a name
    search sends more than one (the matching persons, then the page)."""
    from django.db import connection

    sent: list[Sent] = []

    def capture(execute: Callable[..., Any], text: str, params: Any, *rest: Any) -> Any:
        sent.append((text, params or ()))
        return execute(text, params, *rest)

    with connection.execute_wrapper(capture):
        kind.search(value)
    return sent


def _outline(text: str, params: Sequence[Any]) -> str:
    """EXPLAIN ANALYZE of one statement: its top node, the scans, the time."""
    from django.db import connection

    with connection.cursor() as cursor:
        try:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {text}", params)
            explained = cursor.fetchone()[0][0]
            took = f"{explained['Execution Time']:.1f} ms"
        except DatabaseError as error:
            if not _timed_out(error):
                raise
            cursor.execute(f"EXPLAIN (FORMAT JSON) {text}", params)
            explained, took = cursor.fetchone()[0][0], "timed out"
    plan = explained["Plan"]
    return f"{plan['Node Type']}: {', '.join(dict.fromkeys(_scans(plan)))}  [{took}]"


def plan_outline(kind: Kind) -> str:
    """The outline of each statement the first search of `kind` sends, in order."""
    return " ; ".join(_outline(*sent) for sent in statements(kind, kind.values[0]))


# --- Fixes proposed for the slow spots, measured on the same path ---------------------------


@dataclass(frozen=True)
class Prototype:
    name: str
    kinds: tuple[str, ...]  # labels of the searches it is meant to speed up
    create: str = ""  # raw SQL run before the measure, undone by `drop` after
    drop: str = ""
    replaces: tuple[tuple[str, object], ...] = ()  # dotted name -> value, for the measure only


_NAME_KINDS = (
    "name, Latin",
    "name, Arabic",
    "page: name, Latin",
    "page: name, Arabic",
    "page: first name, Lat",
    "page: first name, Ar",
    "persons: name, Latin",
    "persons: name, Arabic",
    "persons: first name",
)
PROTOTYPES = (
    Prototype(
        "an index on (commune_id, rsu_id)",
        ("commune",),
        create="CREATE INDEX bench_household_commune ON registry_household (commune_id, rsu_id)",
        drop="DROP INDEX IF EXISTS bench_household_commune",
    ),
    # The trade-off of jisr.registry._name_search.NAME_MATCHES (200): more persons considered,
    # fewer names answered "refine", but more to fetch, rank and send back as ids.
    Prototype(
        "a name search considering at most 500 persons",
        _NAME_KINDS,
        replaces=(("jisr.registry._name_search.NAME_MATCHES", 500),),
    ),
)


def prototype_measure(
    prototype: Prototype, url: str, kinds: list[Kind], conn: psycopg.Connection[Any], budget: float
) -> None:
    chosen = [kind for kind in kinds if kind.label in prototype.kinds]
    with psycopg.connect(url, autocommit=True) as ddl, contextlib.ExitStack() as undo:
        for target, value in prototype.replaces:
            undo.enter_context(mock.patch(target, value))
        note = "replaced for the measure: " + ", ".join(t for t, _ in prototype.replaces)
        if prototype.create:
            started = time.perf_counter()
            ddl.execute(prototype.create)
            ddl.execute(
                sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(map(sql.Identifier, TABLES)))
            )
            undo.callback(ddl.execute, prototype.drop)
            note = f"built in {time.perf_counter() - started:.1f} s, dropped after"
        table_print(f"Proposed: {prototype.name} ({note})")
        for kind in chosen:
            measure_print(kind, conn, budget)
        plans_print([(kind.label, plan_outline(kind)) for kind in chosen])


# --- Report ---------------------------------------------------------------------------------

_HEADER = (
    f"  {'search':22} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'q/s':>7}"
    f" {'SQL p50':>8} {'SQL p95':>8} {'bare p50':>8} {'bare p95':>8} {'Jisr/bare':>9}  target"
)


def result_line(result: Result) -> str:
    jisr, alone, bare = result.jisr, result.statement, result.bare
    line = (
        f"  {result.kind.label:22} {len(jisr.milliseconds):5d} {jisr.percentile(50):8.2f}"
        f" {jisr.percentile(95):8.2f} {jisr.percentile(99):8.2f} {jisr.per_second:7.1f}"
        f" {alone.percentile(50):8.2f} {alone.percentile(95):8.2f}"
    )
    if bare is not None:
        ratio = jisr.percentile(50) / bare.percentile(50)
        line += f" {bare.percentile(50):8.2f} {bare.percentile(95):8.2f} {ratio:8.1f}x"
    else:
        line += f" {'':8} {'':8} {'':9}"
    if result.kind.target:
        met = jisr.percentile(95) < TARGET_P95_MS
        line += f"  {'met' if met else 'MISSED'} (p95 < {TARGET_P95_MS:.0f} ms)"
    if jisr.timeouts:
        line += f"  {jisr.timeouts} stopped at the timeout"
    return line


def measure_print(kind: Kind, conn: psycopg.Connection[Any], budget: float) -> Result:
    result = measure(kind, conn, budget)
    print(result_line(result), flush=True)
    return result


def table_print(title: str, results: list[Result] | None = None) -> None:
    """The title and header; the rows as given, or (None) as they are measured."""
    print(f"\n{title}\n{_HEADER}", flush=True)
    for result in results or ():
        print(result_line(result))


def plans_print(plans: list[tuple[str, str]]) -> None:
    print("  plans (EXPLAIN ANALYZE of the first query: top node: scans [execution time])")
    for label, outline in plans:
        print(f"    {label:22} {outline}")


def _load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def auditor_create() -> Any:
    from jisr.accounts.roles import Role
    from jisr.accounts.services import user_create

    return user_create(
        username=f"bench-auditor-{secrets.token_hex(4)}",
        password=secrets.token_urlsafe(24),
        role=Role.AUDITOR,
        national=True,
    )


def database_ready(args: argparse.Namespace) -> None:
    """The migrated database with the population of --persons and --seed, loaded or reused."""
    households = max(1, round(args.persons / CENSUS_2024.mean_household_size))
    marker = f"{MARKER}: persons={args.persons} seed={args.seed} loaded"
    reused = database_prepare(args.db, marker, keep=args.keep)
    django_start(args.db)
    if reused:
        print(f"Reusing database {args.db} ({marker})")
        return
    print(f"Loading {households:,} households (≈ {args.persons:,} persons) into {args.db}")
    geography_load(args.seed)
    population_load(_url(args.db), households, args.seed).report()
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        _comment(admin, args.db, marker)


def run(args: argparse.Namespace) -> bool:
    from django.db import connection

    database_ready(args)
    url = _url(args.db)
    kinds = kinds_build(sample_draw(url, args.samples + WARM_UP, args.seed), auditor_create())
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{args.timeout}s"])
    print(f"Load average before measuring: {_load_average()} ({os.cpu_count()} cores)")
    timeout = f"-c statement_timeout={args.timeout}s"
    with psycopg.connect(url, autocommit=True, prepare_threshold=None, options=timeout) as conn:
        table_print("Search through jisr.registry.selectors, national auditor, first page")
        results = [measure_print(kind, conn, args.budget) for kind in kinds]
        print(f"Load average after measuring: {_load_average()}")
        plans_print([(kind.label, plan_outline(kind)) for kind in kinds])
        for prototype in PROTOTYPES if args.proposed else ():
            prototype_measure(prototype, url, kinds, conn, args.budget)
    table_print("Summary, as measured first", results)
    return all(r.jisr.percentile(95) < TARGET_P95_MS for r in results if r.kind.target)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", default="jisr_bench_search")
    parser.add_argument("--keep", action="store_true", help="keep the database, reuse it next time")
    parser.add_argument("--samples", type=int, default=2000, help="queries of each kind")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds at most per kind")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds at most per query")
    parser.add_argument(
        "--no-proposed", dest="proposed", action="store_false", help="skip the proposed fixes"
    )
    args = parser.parse_args()
    try:
        met = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(args.db)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
