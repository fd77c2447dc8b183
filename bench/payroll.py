"""Benchmark: the national ASD payroll (4 M households) written to PostgreSQL, then its order files.

    PYTHONPATH=. .venv/bin/python bench/payroll.py [--households N] [--seed S] [--keep] [--floor]
        [--reuse]

Target (issue #5): the payroll of 4 M eligible households written to PostgreSQL in under 3 minutes,
and each provider's order file in under 1 minute, on the 2-core reference machine.

The script creates its own database (`jisr_bench_payroll` on 127.0.0.1:5432, user postgres, trust
authentication; JISR_BENCH_DATABASE_URL overrides it), migrates it, loads the regions and the
synthetic communes, and fills it with set-based SQL (`generate_series`, not the importer; not
timed): a head of household each (Latin and Arabic names, a CNIE for 95 %, a membership from
2025-01-01), an ASD decision for 2026-04 (99 % eligible, 500–1,500 MAD), an ASD enrolment
(≈ 98 % active, 1 % suspended for an investigation, the ineligible suspended, 0.1 % ended),
mandates (a third bank with keyed RIBs, a third wallet, a sixth explicit cash, the rest none: cash
by default; a few set aside by a provider, a few inactive older ones), and a reconciled 2026-03
cycle holding only the lines the April payroll looks back at: failed and unclaimed lines with
their pending arrears, lines withheld during a suspension since lifted, and overpayments (some
partly recovered already). Then VACUUM ANALYZE and a CHECKPOINT, so that the timed part starts
from a steady state.

Timed, through the services as an operator runs them: `payroll_compute` as the system (actor
None), `payroll_approve` by a national payment officer, `payments_export` of each provider by
another (settings.DATA_DIR in a temporary directory). Each step's parts are timed too (fetch
queries, compute, pickup codes, staging COPY, INSERT…SELECT, hash, each provider's order digest at
approval and its check at export, file). Baselines measured in
the same run: a bare `COPY … FROM` of the payroll's lines (dumped as written) into an unindexed
table with the same columns; Polars `write_csv` of the same lines frame each provider's order is
written from. With `--floor`, also a COPY of the lines into a copy of the table with its indexes
and checks (no foreign keys, no trigger).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import re
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jisr_bench_payroll"
MONTH, PREVIOUS = "2026-04", "2026-03"
PAYROLL_TARGET, FILE_TARGET = 180.0, 60.0
PROVIDERS = ("bank_pain001", "cash_wallet_csv")
FIRST_NAMES = [
    ("Fatima", "فاطمة"), ("Mohamed", "محمد"), ("Aicha", "عائشة"), ("Youssef", "يوسف"),
    ("Khadija", "خديجة"), ("Hassan", "حسن"), ("Naima", "نعيمة"), ("Abdelkader", "عبد القادر"),
    ("Meryem", "مريم"), ("Rachid", "رشيد"), ("Soukaina", "سكينة"), ("Omar", "عمر"),
    ("Zineb", "زينب"), ("Ahmed", "أحمد"), ("Hafsa", "حفصة"), ("Mustapha", "مصطفى"),
    ("Latifa", "لطيفة"), ("Brahim", "إبراهيم"), ("Saida", "سعيدة"), ("Driss", "إدريس"),
    ("Malika", "مليكة"), ("Abdellah", "عبد الله"), ("Hanane", "حنان"), ("Lahcen", "لحسن"),
]  # fmt: skip
LAST_NAMES = [
    ("El Idrissi", "الإدريسي"), ("Benali", "بنعلي"), ("Ait Ouarab", "آيت واعراب"),
    ("El Amrani", "العمراني"), ("Oulad Ali", "أولاد علي"), ("Tazi", "التازي"),
    ("Bennani", "بناني"), ("Zerouali", "الزروالي"), ("Lahlou", "لحلو"), ("Ait Baha", "آيت باها"),
    ("El Fassi", "الفاسي"), ("Chraibi", "الشرايبي"), ("Berrada", "برادة"), ("Alaoui", "العلوي"),
    ("Ouazzani", "الوزاني"), ("Benjelloun", "بنجلون"), ("Kettani", "الكتاني"),
    ("Haddad", "الحداد"), ("Mansouri", "المنصوري"), ("Naciri", "الناصري"), ("Sqalli", "السقلي"),
    ("Bouzid", "بوزيد"), ("Ziani", "الزياني"), ("Amziane", "أمزيان"),
]  # fmt: skip
BANKS = ("007", "011", "013", "022", "145", "190", "225", "230")


# --- the data ---------------------------------------------------------------------------------


def _database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _sql(statement: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)
        return int(cursor.rowcount)


def _names_table() -> None:
    """Every (first, last) pair with its search keys, numbered, to draw each head's name from."""
    from jisr.core.names import normalise_arabic, normalise_latin

    rows = []
    for i, ((first, first_ar), (last, last_ar)) in enumerate(
        (f, la) for f in FIRST_NAMES for la in LAST_NAMES
    ):
        keys = normalise_latin(f"{first} {last}"), normalise_arabic(f"{first_ar} {last_ar}")
        values = (first, last, first_ar, last_ar, *keys)
        rows.append(f"({i}, " + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")")
    _sql(
        "CREATE TEMPORARY TABLE bench_names (i int, first_lat text, last_lat text, first_ar text, "
        "last_ar text, key_lat text, key_ar text)"
    )
    _sql(f"INSERT INTO bench_names VALUES {', '.join(rows)}")  # noqa: S608


def _plan(households: int, seed: int) -> None:
    """One row per household with its independent draws (0–9999, from a hash of its number and
    a salt): who is eligible, enrolled, paid how, looked back at in March, owes an overpayment."""
    _sql(
        "CREATE FUNCTION pg_temp.draw(h bigint, salt bigint, n bigint) RETURNS bigint "
        "LANGUAGE sql IMMUTABLE AS "
        "$$ SELECT (hashint8extended(h, salt) & 9223372036854775807) % n $$"
    )
    draws = {
        "d_status": "10000",
        "d_method": "10000",
        "d_mandate": "10000",
        "d_card": "10000",
        "d_march": "10000",
        "d_over": "10000",
        "amount_i": "21",  # 500 to 1,500 MAD by 50
        "start_offset": "15",  # enrolled from 2025-01 to 2026-03
        "commune_i": "(SELECT count(*) FROM geo_commune)",
        "name_i": str(len(FIRST_NAMES) * len(LAST_NAMES)),
    }
    columns = ", ".join(
        f"pg_temp.draw(h, {int(seed) * 100 + salt}, {n}) AS {name}"
        for salt, (name, n) in enumerate(draws.items())
    )
    _sql(
        "CREATE TEMPORARY TABLE bench_plan AS SELECT *, 500 + 50 * amount_i AS amount FROM "  # noqa: S608
        f"(SELECT h, {columns} FROM generate_series(1, {int(households)}) h) d"
    )
    _sql("ALTER TABLE bench_plan ADD PRIMARY KEY (h); ANALYZE bench_plan")


REGISTRY = """
CREATE TEMPORARY TABLE bench_communes AS
    SELECT (row_number() OVER (ORDER BY code)) - 1 AS i, code, region_id, milieu FROM geo_commune;
INSERT INTO registry_household (id, rsu_id, region_id, commune_id, milieu, address, phone, status,
    housing_type, rooms, tenure, water_source, electricity, sanitation, has_fridge, has_tv,
    has_satellite, has_washing_machine, has_computer, has_internet, has_car, has_motorbike,
    mobile_phones, spend_water, spend_electricity, spend_butane, spend_telephone,
    formal_family_allowances, index_value, index_computed_at, index_model, needs_recompute,
    version, created_at, updated_at)
SELECT p.h, lpad(p.h::text, 10, '0'), c.region_id, c.code, c.milieu, '', '', 'active',
    CASE WHEN c.milieu = 'rural' THEN 'rural_house' ELSE 'modern_house' END, 1 + p.h % 4,
    'owner', 'piped_in_dwelling', 'grid', 'sewer', true, true, p.h % 2 = 0, false, false, false,
    false, false, 1 + p.h % 3, 40 + p.h % 60, 90 + p.h % 120, 50, 60, false, NULL, NULL, '', false,
    1, now(), now()
FROM bench_plan p JOIN bench_communes c ON c.i = p.commune_i ORDER BY p.h;
INSERT INTO registry_person (id, rnp_id, cnie, first_name_ar, last_name_ar, first_name_lat,
    last_name_lat, sex, birth_date, death_date, nationality, marital_status, disability,
    disability_severity, in_school, school_level, school_sector, social_security, amo,
    father_deceased, name_ar_key, name_lat_key, merged_into_id, created_at, updated_at)
SELECT p.h, lpad(p.h::text, 12, '0'),
    CASE WHEN p.d_card >= 500 THEN chr(65 + (p.h / 1000000) / 26 % 26)
        || chr(65 + (p.h / 1000000) % 26) || lpad((p.h % 1000000)::text, 6, '0') END,
    n.first_ar, n.last_ar, n.first_lat, n.last_lat, CASE WHEN n.i % 2 = 0 THEN 'F' ELSE 'M' END,
    date '1950-01-01' + (p.h % 18000)::int, NULL, 'MA', 'married', false, '', false, '', '',
    'none', 'none', false, n.key_ar, n.key_lat, NULL, now(), now()
FROM bench_plan p JOIN bench_names n ON n.i = p.name_i ORDER BY p.h;
INSERT INTO registry_membership (id, person_id, household_id, relationship, start, "end")
SELECT h, h, h, 'head', date '2025-01-01', NULL FROM bench_plan ORDER BY h;
"""

PROGRAMMES = """
INSERT INTO programmes_eligibilitydecision (id, household_id, programme, month, eligible, amount,
    index_used, parameters_version, trace, computed_at, source)
SELECT h, h, 'asd', '{month}', d_status >= 100, CASE WHEN d_status >= 100 THEN amount ELSE 0 END,
    NULL, '2026.1', '{{}}', now(), 'batch'
FROM bench_plan ORDER BY h;
INSERT INTO programmes_enrolment (id, household_id, programme, status, reason, start_month,
    status_since, last_month, beneficiary_id, note, updated_at)
SELECT h, h, 'asd',
    CASE WHEN d_status < 210 THEN (CASE WHEN d_status < 200 THEN 'suspended' ELSE 'ended' END)
        ELSE 'active' END,
    CASE WHEN d_status < 100 THEN 'ineligible' WHEN d_status < 200 THEN 'investigation'
        WHEN d_status < 210 THEN 'request' ELSE '' END,
    CASE WHEN d_march BETWEEN 100 AND 109 THEN '{month}'
        ELSE to_char(date '2025-01-01' + make_interval(months => start_offset::int), 'YYYY-MM')
        END,
    '2025-01', '{month}', h, '', now()
FROM bench_plan ORDER BY h;
"""

# d_method: < 3334 bank, < 6667 wallet, < 8334 an explicit cash mandate, else none (cash).
# Mandates only for persons with a CNIE: every provider's order requires one on every line
# (providers.lines.BASE_COLUMNS), but the payroll withholds a line without a CNIE only when there
# is no mandate; one such line would make the whole order refused.
MANDATES = """
INSERT INTO payments_paymentmandate (person_id, method, rib, phone, active, invalid_reason,
    created_by_id, created_at)
SELECT h, 'wallet', '', '+2127' || lpad((h % 100000000)::text, 8, '0'), false, '', NULL,
    now() - interval '400 days'
FROM bench_plan WHERE d_mandate < 200 ORDER BY h;
INSERT INTO payments_paymentmandate (person_id, method, rib, phone, active, invalid_reason,
    created_by_id, created_at)
SELECT h, m.method,
    CASE WHEN m.method = 'bank' THEN m.body || lpad((97 - (m.body::numeric * 100) % 97)::text, 2,
        '0') ELSE '' END,
    CASE WHEN m.method = 'wallet' THEN '+2126' || lpad((h % 100000000)::text, 8, '0') ELSE '' END,
    true, CASE WHEN m.method = 'bank' AND d_mandate BETWEEN 200 AND 229 THEN 'AC04' ELSE '' END,
    NULL, now() - interval '100 days'
FROM (
    SELECT h, d_mandate,
        CASE WHEN d_method < 3334 THEN 'bank' WHEN d_method < 6667 THEN 'wallet' ELSE 'cash' END
            AS method,
        ({banks})[1 + h % {bank_count}] || '780' || lpad(h::text, 16, '0') AS body
    FROM bench_plan WHERE d_method < 8334 AND d_card >= 500
) m ORDER BY h;
"""

# The March cycle's lines the April payroll looks back at (households active in April):
# d_march < 40 failed, < 60 unclaimed (each with its pending arrears), < 110 withheld during a
# suspension since lifted (< 100 within the current enrolment: released in April).
MARCH = """
INSERT INTO payments_payrollline (cycle_id, household_id, programme, month, reference,
    beneficiary_id, beneficiary_name, beneficiary_cnie, region_code, base_amount,
    adjustments_amount, amount, method, provider, rib, phone, pickup_code, status, reason,
    provider_reference, settled_on, return_file_id)
SELECT {cycle}, p.h, 'asd', '{previous}', 'ASD{previous_compact}-' || lpad(p.h::text, 10, '0'),
    p.h, pe.first_name_lat || ' ' || pe.last_name_lat, COALESCE(pe.cnie, ''), h.region_id,
    p.amount, CASE WHEN p.d_march >= 60 THEN -p.amount ELSE 0 END,
    CASE WHEN p.d_march >= 60 THEN 0 ELSE p.amount END,
    CASE WHEN p.d_march >= 60 THEN '' ELSE 'cash' END,
    CASE WHEN p.d_march >= 60 THEN '' ELSE 'cash_wallet_csv' END, '', '',
    CASE WHEN p.d_march >= 60 THEN '' ELSE lpad(p.h::text, 10, '0') END,
    CASE WHEN p.d_march < 40 THEN 'failed' WHEN p.d_march < 60 THEN 'unclaimed'
        ELSE 'withheld' END,
    CASE WHEN p.d_march < 40 THEN 'AG01' WHEN p.d_march < 60 THEN '' ELSE 'investigation' END,
    CASE WHEN p.d_march < 60 THEN 'TX' || p.h ELSE '' END,
    CASE WHEN p.d_march < 60 THEN date '2026-03-28' END, NULL
FROM bench_plan p JOIN registry_person pe ON pe.id = p.h JOIN registry_household h ON h.id = p.h
WHERE p.d_march < 110 AND p.d_status >= 210 ORDER BY p.h;
INSERT INTO payments_adjustment (household_id, programme, kind, amount, reason, source_line_id,
    overpayment_id, cycle_id, line_id, created_at)
SELECT household_id, 'asd', 'arrears', amount, trim(status || ' ' || reason), id, NULL, NULL,
    NULL, now() - interval '20 days'
FROM payments_payrollline WHERE cycle_id = {cycle} AND status IN ('failed', 'unclaimed');
INSERT INTO payments_adjustment (household_id, programme, kind, amount, reason, source_line_id,
    overpayment_id, cycle_id, line_id, created_at)
SELECT household_id, 'asd', 'suspension', -base_amount, reason, NULL, NULL, {cycle}, id,
    now() - interval '40 days'
FROM payments_payrollline WHERE cycle_id = {cycle} AND status = 'withheld';
INSERT INTO payments_overpayment (household_id, programme, amount, reason, created_by_id,
    created_at)
SELECT h, 'asd', 200 + 150 * (d_over % 13), 'income not declared (investigation)', NULL,
    now() - interval '90 days'
FROM bench_plan WHERE d_over < 30 ORDER BY h;
INSERT INTO payments_overpayment (household_id, programme, amount, reason, created_by_id,
    created_at)
SELECT h, 'asd', 300, 'paid after the death of a member', NULL, now() - interval '30 days'
FROM bench_plan WHERE d_over < 5 ORDER BY h;
INSERT INTO payments_adjustment (household_id, programme, kind, amount, reason, source_line_id,
    overpayment_id, cycle_id, line_id, created_at)
SELECT o.household_id, 'asd', 'recovery', -100, 'overpayment', NULL, min(o.id), {cycle}, NULL,
    now() - interval '40 days'
FROM payments_overpayment o JOIN bench_plan p ON p.h = o.household_id
WHERE p.d_over < 15 GROUP BY o.household_id;
"""


def fill(households: int, seed: int) -> dict[str, int]:
    """The registry, the month's decisions and enrolments, mandates and March's leftovers."""
    from django.db import connection, transaction

    from jisr.payments.models import CycleStatus, PaymentCycle

    banks = "ARRAY[" + ", ".join(f"'{b}'" for b in BANKS) + "]"
    with transaction.atomic():  # persons and their memberships together: no row locks needed
        _names_table()
        _plan(households, seed)
        _sql(REGISTRY)
        _sql(PROGRAMMES.format(month=MONTH))
        _sql(MANDATES.format(banks=banks, bank_count=len(BANKS)))
        march = PaymentCycle.objects.create(
            programme="asd", month=PREVIOUS, status=CycleStatus.COMPUTED
        )
        _sql(
            MARCH.format(
                cycle=march.pk, previous=PREVIOUS, previous_compact=PREVIOUS.replace("-", "")
            )
        )
        march.status = CycleStatus.RECONCILED
        march.save(update_fields=["status"])
        for table in ("household", "person", "membership"):
            _sql(f"SELECT setval(pg_get_serial_sequence('registry_{table}', 'id'), {households})")
        for table in ("eligibilitydecision", "enrolment"):
            _sql(f"SELECT setval(pg_get_serial_sequence('programmes_{table}', 'id'), {households})")
        counts = {
            name: int(_scalar(sql))
            for name, sql in {
                "decisions eligible": f"SELECT count(*) FROM programmes_eligibilitydecision "  # noqa: S608
                f"WHERE month = '{MONTH}' AND eligible",
                "enrolments active": "SELECT count(*) FROM programmes_enrolment "
                "WHERE status = 'active'",
                "mandates active": "SELECT count(*) FROM payments_paymentmandate WHERE active",
                "pending arrears": "SELECT count(*) FROM payments_adjustment "
                "WHERE cycle_id IS NULL",
                "March withheld": "SELECT count(*) FROM payments_payrollline "
                "WHERE status = 'withheld'",
                "overpayments": "SELECT count(*) FROM payments_overpayment",
            }.items()
        }
        _sql("DROP TABLE bench_plan, bench_names, bench_communes")
    connection.close()
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    return counts


def reset() -> None:
    """--reuse: a database kept by an earlier run (--keep) back to its filled state: April's cycle,
    its lines, files and adjustments gone, the arrears it took up pending again; vacuumed."""
    from django.db import connection, transaction

    from jisr.payments.models import PaymentCycle, ProviderFile
    from jisr.payments.services import cycles

    april = PaymentCycle.objects.filter(programme="asd", month=MONTH).first()
    if april is not None:
        with transaction.atomic():
            ProviderFile.objects.filter(cycle=april).delete()
            PaymentCycle.objects.filter(pk=april.pk).update(status="draft")  # unfrozen
            cycles._clear(april)
            PaymentCycle.objects.filter(pk=april.pk).delete()
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def _officer(username: str) -> Any:
    from jisr.accounts.models import User
    from jisr.accounts.roles import Role
    from jisr.accounts.services import user_create

    return User.objects.filter(username=username).first() or user_create(
        username=username, password="x" * 20, role=Role.PAYMENT_OFFICER, national=True
    )


def _scalar(sql: str) -> Any:
    from jisr.core import bulk

    return bulk.scalar(sql)


# --- measuring --------------------------------------------------------------------------------


def _peak_reset() -> None:
    """Reset the process's peak RSS (Linux ≥ 4.0), so that each step reports its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_gb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


SQL_LABEL = re.compile(
    r"^\s*(INSERT INTO \w+|UPDATE \w+|DELETE FROM \w+|ANALYZE \w+|CREATE TEMPORARY TABLE \w+|"
    r"DROP TABLE IF EXISTS \w+)"
)


class Stopwatch:
    """Seconds spent in chosen functions (patched in their modules while the bench runs), by
    label; parts nest (a service's total includes its parts)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.patched: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, label: str | Callable[..., str]) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            key = label(*args, **kwargs) if callable(label) else label
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - started

        setattr(owner, name, timed)
        self.patched.append((owner, name, original))

    @contextlib.contextmanager
    def timing(self, label: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[label] += time.perf_counter() - started

    def take(self) -> dict[str, float]:
        taken, self.seconds = dict(self.seconds), defaultdict(float)
        return taken

    def restore(self) -> None:
        for owner, name, original in reversed(self.patched):
            setattr(owner, name, original)


def _sql_label(sql: str, *_args: Any, **_kwargs: Any) -> str:
    match = SQL_LABEL.match(sql)
    return "  SQL " + (match.group(1) if match else sql.split()[0])


def _frame_label(sql: str, *_args: Any, **_kwargs: Any) -> str:
    match = re.search(r"FROM (\w+)", sql)
    return "  COPY TO frame: " + (match.group(1) if match else "?")


def stopwatch() -> Stopwatch:
    from django.db import connection

    from jisr.core import bulk
    from jisr.payments import _payroll, orders
    from jisr.payments.services import cycles, export

    watch = Stopwatch()
    # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: their checks run at the commit.
    watch.wrap(connection, "commit", " COMMIT (deferred foreign-key checks)")
    watch.wrap(bulk, "frame", _frame_label)
    watch.wrap(bulk, "execute", _sql_label)
    watch.wrap(bulk, "_load", lambda name, *_: f"  staging COPY FROM ({name})")
    watch.wrap(cycles, "_clear", " clear the previous computation")
    watch.wrap(_payroll, "fetch", " fetch")
    watch.wrap(_payroll, "lines_compute", " lines_compute (Polars)")
    watch.wrap(_payroll, "pickup_codes", "  pickup_codes (blake2b per line)")
    watch.wrap(_payroll, "persist", " persist")
    watch.wrap(cycles, "payroll_hash", " payroll_hash")
    watch.wrap(orders, "order_digest", " order_digest (one provider's lines)")
    watch.wrap(orders, "order_lines", " order_lines (COPY TO frame)")
    watch.wrap(export, "_write", " write the order file")
    return watch


def _parts(parts: dict[str, float], total: float) -> None:
    for label, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        if seconds >= 0.05:
            print(f"     {label:<62} {seconds:7.2f} s  {seconds / total:6.1%}")


# --- baselines --------------------------------------------------------------------------------


def bare_copy(cycle_id: int, *, indexed: bool = False) -> tuple[float, int]:
    """Seconds (commit included) for COPY … FROM of the cycle's lines, dumped as the payroll wrote
    them, into a table with the same columns: bare (no index, no constraint but NOT NULL) or, when
    `indexed`, with the table's indexes and checks (still no foreign key, no trigger)."""
    from django.db import connection, transaction

    table = "bench_indexed_lines" if indexed else "bench_bare_lines"
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        extra = " INCLUDING INDEXES INCLUDING CONSTRAINTS" if indexed else ""
        cursor.execute(f"CREATE TABLE {table} (LIKE payments_payrollline{extra})")
        with cursor.copy(
            "COPY (SELECT * FROM payments_payrollline "  # noqa: S608
            f"WHERE cycle_id = {int(cycle_id)}) TO STDOUT WITH (FORMAT csv)"
        ) as copy:
            for block in copy:
                buffer.write(block)
    data = buffer.getbuffer()
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        for start in range(0, len(data), 1 << 20):
            copy.write(data[start : start + (1 << 20)])
    seconds = time.perf_counter() - started
    rows = int(_scalar(f"SELECT count(*) FROM {table}"))  # noqa: S608
    del data
    _sql(f"DROP TABLE {table}")
    return seconds, rows


def csv_baseline(cycle_id: int, provider: str, directory: Path) -> tuple[float, int, int]:
    """Seconds for Polars `write_csv` of the frame the provider's order is written from."""
    from django.db import transaction

    from jisr.payments.models import PaymentCycle
    from jisr.payments.orders import order_lines

    with transaction.atomic():
        lines = order_lines(PaymentCycle.objects.get(pk=cycle_id), provider)
    path = directory / f"baseline-{provider}.csv"
    started = time.perf_counter()
    lines.write_csv(path)
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    path.unlink()
    return seconds, lines.height, size


# --- the run ----------------------------------------------------------------------------------


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def _verdict(seconds: float, target: float) -> str:
    return f"target < {target:.0f} s {'met' if seconds < target else 'NOT met'}"


def run(args: argparse.Namespace, work: Path) -> bool:
    from django.conf import settings
    from django.core.management import call_command

    from jisr.geo import services as geo
    from jisr.payments.services import (
        cycle_create,
        payments_export,
        payroll_approve,
        payroll_compute,
    )
    from jisr.synth.geography import write_communes

    settings.DATA_DIR = work
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.reuse:
        reset()
        households = int(_scalar("SELECT count(*) FROM registry_household"))
        print(f"reused {households:,} households, reset in {time.perf_counter() - started:.0f} s")
    else:
        geo.regions_load()
        write_communes(work / "communes.csv", args.seed)
        geo.communes_load(path=work / "communes.csv")
        counts = fill(args.households, args.seed)
        print(
            f"filled {args.households:,} households in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{name} {count:,}" for name, count in counts.items()),
            flush=True,
        )
    approver, exporter = _officer("checker"), _officer("exporter")
    cycle = cycle_create(actor=None, programme="asd", month=MONTH)

    watch = stopwatch()
    met = True
    try:
        print(f"\npayroll_compute (actor None), {_load()}", flush=True)
        _peak_reset()
        summary, seconds = _timed(lambda: payroll_compute(actor=None, cycle_id=cycle.pk))
        peak = _peak_gb()
        print(
            f"  {summary.lines:,} lines ({summary.payable:,} payable, {summary.withheld:,} "
            f"withheld, {summary.total} MAD) in {seconds:.1f} s, {summary.lines / seconds:,.0f} "
            f"lines/s, peak RSS {peak:.2f} GB; {_verdict(seconds, PAYROLL_TARGET)}"
        )
        _parts(watch.take(), seconds)
        met &= seconds < PAYROLL_TARGET
        copy_seconds, copied = bare_copy(cycle.pk)
        assert copied == summary.lines, (copied, summary.lines)
        print(
            f"  baseline: bare COPY FROM of the same {copied:,} lines {copy_seconds:.1f} s, "
            f"{copied / copy_seconds:,.0f} rows/s; payroll = {seconds / copy_seconds:.1f}× it"
        )
        if args.floor:
            floor, _ = bare_copy(cycle.pk, indexed=True)
            print(
                f"  floor: COPY FROM into a copy with the indexes and checks {floor:.1f} s; "
                f"payroll = {seconds / floor:.1f}× it"
            )

        print(f"\npayroll_approve (a national payment officer), {_load()}", flush=True)
        _, seconds = _timed(lambda: payroll_approve(actor=approver, cycle_id=cycle.pk))
        print(f"  {seconds:.1f} s")
        _parts(watch.take(), seconds)

        for provider in PROVIDERS:
            print(f"\npayments_export {provider}, {_load()}", flush=True)
            _peak_reset()
            exported, seconds = _timed(
                functools.partial(
                    payments_export, actor=exporter, cycle_id=cycle.pk, provider=provider
                )
            )
            peak = _peak_gb()
            size = Path(exported.file).stat().st_size
            print(
                f"  {exported.lines:,} lines, {size / 1e6:,.0f} MB in {seconds:.1f} s, "
                f"{exported.lines / seconds:,.0f} lines/s, peak RSS {peak:.2f} GB; "
                f"{_verdict(seconds, FILE_TARGET)}"
            )
            _parts(watch.take(), seconds)
            met &= seconds < FILE_TARGET
            floor, rows, floor_size = csv_baseline(cycle.pk, provider, work)
            watch.take()  # the baseline's own read is not the next export's
            print(
                f"  baseline: Polars write_csv of the same {rows:,} lines {floor_size / 1e6:,.0f}"
                f" MB in {floor:.2f} s; export = {seconds / floor:.0f}× it"
            )
            Path(exported.file).unlink()
    finally:
        watch.restore()
    print(f"\n{_load()}")
    return met


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--households", type=int, default=4_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time again on the database an earlier --keep run left (no fill; implies --keep)",
    )
    parser.add_argument(
        "--floor", action="store_true", help="also COPY the lines into an indexed copy"
    )
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    url = os.environ.get("JISR_BENCH_DATABASE_URL", DEFAULT_URL)
    args.keep = args.keep or args.reuse
    if not args.reuse:
        _database(url)
    os.environ["JISR_DATABASE_URL"] = url
    os.environ.setdefault("JISR_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("JISR_CASE_NOTES_KEY", Fernet.generate_key().decode())  # throwaway data
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.config.settings")
    import django

    django.setup()
    from django.db import connection

    print(f"database {url.rsplit('/', 1)[1]}, {args.households:,} households, {_load()}")
    with tempfile.TemporaryDirectory(prefix="jisr-bench-payroll-") as scratch:
        try:
            met = run(args, Path(scratch))
        finally:
            connection.close()
            if not args.keep:
                _database(url, drop_only=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
