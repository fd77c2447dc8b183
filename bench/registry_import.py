"""Benchmark: `jisr registry import` of ~1 M persons (262,144 households) from CSV into PostgreSQL.

    .venv/bin/python bench/registry_import.py [--households N] [--seed S] [--keep]

Target: the import, with every check, runs at ≥ 1/3 of the speed of a bare PostgreSQL `COPY` of
the same rows, measured in the same run. The script creates its own database (`jisr_bench_import`
on 127.0.0.1:5432, user postgres, trust authentication; JISR_BENCH_DATABASE_URL overrides it),
migrates it, loads the regions and the synthetic communes, generates the population with
`jisr.synth` (CSV), times `registry_import`, then times a bare `COPY` of the same two CSV files into
plain tables with the same columns (typed as in docs/formats.md, no index, no constraint), and
prints both (rows/s, seconds) and the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jisr_bench_import"
TARGET_RATIO = 1 / 3
# Types of the bare-COPY tables: the file columns as docs/formats.md types them.
INTEGER_COLUMNS = {"size", "rooms", "mobile_phones", "latent_consumption_pc"}
AMOUNT_COLUMNS = {"spend_water", "spend_electricity", "spend_butane", "spend_telephone"}
BOOLEAN_PREFIXES = ("has_", "cnss_", "disability", "in_school", "father_deceased")


def _column_type(name: str) -> str:
    if name in INTEGER_COLUMNS or name in AMOUNT_COLUMNS:
        return "bigint"
    if name == "birth_date":
        return "date"
    if name.startswith(BOOLEAN_PREFIXES) and name != "disability_severity":
        return "boolean"
    return "text"


def _database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _bare_copy(url: str, directory: Path) -> tuple[float, int]:
    """Seconds for COPY of households.csv and persons.csv into plain tables, and rows copied."""
    import psycopg

    rows = 0
    with psycopg.connect(url) as conn:
        for stem in ("households", "persons"):
            path = directory / f"{stem}.csv"
            header = path.open(encoding="utf-8").readline().strip().replace('"', "").split(",")
            columns = ", ".join(f"{name} {_column_type(name)}" for name in header)
            conn.execute(f"CREATE TABLE bare_{stem} ({columns})")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for stem in ("households", "persons"):
                path = directory / f"{stem}.csv"
                sql = f"COPY bare_{stem} FROM STDIN WITH (FORMAT csv, HEADER true)"
                with path.open("rb") as handle, cursor.copy(sql) as copy:
                    while block := handle.read(1 << 20):
                        copy.write(block)
                rows += cursor.rowcount
        conn.commit()
        return time.perf_counter() - started, rows


REGISTRY_TABLES = (
    "registry_household",
    "registry_person",
    "registry_membership",
    "registry_householdevent",
)


def _registry_copy_floor(url: str, directory: Path) -> float:
    """Seconds to COPY the imported rows back into the registry's own tables, with their indexes
    and constraints (emptied by TRUNCATE in a transaction that is rolled back): what any import
    must at least spend writing, whatever it checks."""
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        for table in REGISTRY_TABLES:
            with (
                (directory / f"{table}.dump").open("wb") as handle,
                cursor.copy(f"COPY {table} TO STDOUT") as copy,
            ):
                for block in copy:
                    handle.write(block)
        cursor.execute(f"TRUNCATE {', '.join(REGISTRY_TABLES)} CASCADE")
        started = time.perf_counter()
        for table in REGISTRY_TABLES:
            with (
                (directory / f"{table}.dump").open("rb") as handle,
                cursor.copy(f"COPY {table} FROM STDIN") as copy,
            ):
                while block := handle.read(1 << 20):
                    copy.write(block)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks
        seconds = time.perf_counter() - started
        conn.rollback()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=262_144)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--no-bulk-load",
        action="store_true",
        help="force the row-by-row path (indexes maintained per row, as into a live registry)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time a COPY of the same rows into the registry's own (indexed) tables",
    )
    args = parser.parse_args()
    url = os.environ.get("JISR_BENCH_DATABASE_URL", DEFAULT_URL)
    _database(url)
    os.environ["JISR_DATABASE_URL"] = url
    os.environ.setdefault("JISR_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from jisr.core.jobs import Progress
    from jisr.core.models import Job
    from jisr.core.progressbar import ProgressBar
    from jisr.geo import services as geo
    from jisr.registry.importer import registry_import
    from jisr.synth.population import write as synth_write

    call_command("migrate", verbosity=0)
    work = Path(tempfile.mkdtemp(prefix="jisr-bench-import-"))
    summary = synth_write(work, args.households, args.seed, "csv")
    geo.regions_load()
    geo.communes_load(path=work / "communes.csv")
    print(f"files: {work} ({summary.households:,} households, {summary.persons:,} persons)")

    bar = ProgressBar()
    started = time.perf_counter()
    result = registry_import(
        directory=work,
        progress=Progress(job=Job(kind="bench"), listener=bar),
        bulk_load=False if args.no_bulk_load else None,
    )
    imported = time.perf_counter() - started
    bar.close()
    rows = result.households_created + result.persons_created
    assert rows == summary.households + summary.persons, result
    copy_seconds, copied = _bare_copy(url, work)
    assert copied == rows, (copied, rows)
    ratio = copy_seconds / imported
    mode = "row by row" if args.no_bulk_load else "bulk-load mode (empty registry)"
    print(f"import (all checks, {mode}): {imported:7.2f} s  {rows / imported:12,.0f} rows/s")
    print(f"bare COPY          : {copy_seconds:7.2f} s  {rows / copy_seconds:12,.0f} rows/s")
    print(f"ratio import/COPY speed: {ratio:.3f} (target ≥ {TARGET_RATIO:.2f})")
    if args.floor:
        floor = _registry_copy_floor(url, work)
        print(
            f"COPY into the registry tables (indexes, constraints, no checks): {floor:7.2f} s  "
            f"{rows / floor:12,.0f} rows/s; import/this floor speed: {floor / imported:.2f}"
        )
    if not args.keep:
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
