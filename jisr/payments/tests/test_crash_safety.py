"""Crash safety: the payroll, export and reconciliation commands killed (SIGKILL) at many points —
inside the COPY stream, half-way through a file, after the rename, before and after the commit —
then run again: the same payroll (its hash), byte-identical files, the same reconciled state; no
duplicate and no missing line, never a half-applied step.

Each kill runs the real `jisr payments` command in a child process against the test database
(PostgreSQL: the child must see the committed data) with `JISR_FAULT=point:N` (jisr.core.faults).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.conf import settings
from django.db import connection

from jisr.core import bulk
from jisr.payments import providers
from jisr.payments.models import Adjustment, PaymentCycle, PaymentMandate, PayrollLine, ProviderFile
from jisr.payments.orders import order_lines
from jisr.payments.services import payroll_hash
from jisr.payments.services.export import cycle_directory, order_header
from jisr.payments.tests.scenario import mandates_assign, month_decide, registry_build

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a shared PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
MONTH = "2026-04"
PROVIDERS = ("bank_pain001", "cash_wallet_csv")


def command(*argv: str, fault: str = "") -> subprocess.CompletedProcess[str]:
    """`jisr payments …` in a child process on the test database."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "JISR_DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "JISR_SECRET_KEY": settings.SECRET_KEY,
        "JISR_DATA_DIR": str(settings.DATA_DIR),
        "JISR_COPY_BLOCK": "1024",  # many COPY writes: a kill can land inside the stream
        "JISR_FAULT": fault,
    }
    return subprocess.run(
        [sys.executable, "-c", "from jisr.cli import main; main()", "payments", *argv],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def killed(fault: str, *argv: str) -> None:
    done = command(*argv, fault=fault)
    assert done.returncode == -signal.SIGKILL, (fault, done.returncode, done.stderr[-2000:])


def ok(*argv: str) -> str:
    done = command(*argv)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def country(tmp_path: Path, regions: None, settings: Any, django_user_model: Any) -> int:
    settings.DATA_DIR = tmp_path / "data"
    registry_build(tmp_path / "population", households=150, seed=11)
    month_decide(MONTH)
    mandates_assign()
    from jisr.accounts.roles import Role
    from jisr.accounts.services import user_create

    user_create(username="checker", password="x" * 16, role=Role.PAYMENT_OFFICER, national=True)
    return int(ok("cycle-create", "--programme", "asd", "--month", MONTH).strip())


def state(cycle_id: int) -> dict[str, Any]:
    """What a step leaves behind, keyed by references (never by ids that a rerun may renumber)."""
    lines = PayrollLine.objects.filter(cycle_id=cycle_id).order_by("reference")
    return {
        "status": PaymentCycle.objects.get(pk=cycle_id).status,
        "lines": [
            (line.reference, line.status, line.reason, str(line.amount), line.provider_reference)
            for line in lines
        ],
        "adjustments": sorted(
            (a.kind, str(a.amount), a.reason, getattr(a.source_line, "reference", ""),
             getattr(a.line, "reference", ""))
            for a in Adjustment.objects.select_related("source_line", "line")
        ),
        "files": sorted((f.kind, f.provider, f.sha256, f.line_count) for f in
                        ProviderFile.objects.filter(cycle_id=cycle_id)),
        "mandates_set_aside": PaymentMandate.objects.exclude(invalid_reason="").count(),
    }  # fmt: skip


PAYROLL_FAULTS = (
    "payroll.cleared:1", "payroll.computed:1", "bulk.copy:1", "bulk.copy:4", "bulk.copy:9",
    "payroll.staged:1", "payroll.lines_written:1", "payroll.adjustments_written:1",
    "payroll.before_commit:1", "payments.committed:1",
)  # fmt: skip


def test_payroll_killed_anywhere_gives_the_same_payroll(country: int) -> None:
    cycle = country
    ok("payroll", str(cycle))
    reference, expected = payroll_hash(cycle), state(cycle)
    assert expected["lines"]
    for fault in PAYROLL_FAULTS:
        # from scratch (a draft) and over a computed payroll (a recomputation)
        for start in ("draft", "computed"):
            if start == "draft":
                _reset_payroll(cycle)
            killed(fault, "payroll", str(cycle))
            now = state(cycle)
            assert now["status"] in ("draft", "computed")
            if now["status"] == "computed":  # the kill came after the commit, or before a rerun
                assert payroll_hash(cycle) == reference
            else:
                assert now["lines"] == []
            ok("payroll", str(cycle))
            assert payroll_hash(cycle) == reference
            assert state(cycle) == expected


def _reset_payroll(cycle: int) -> None:
    bulk.execute("DELETE FROM payments_adjustment WHERE cycle_id = %s", [cycle])
    bulk.execute("DELETE FROM payments_payrollline WHERE cycle_id = %s", [cycle])
    PaymentCycle.objects.filter(pk=cycle).update(status="draft", computed_at=None)


EXPORT_FAULTS = (
    "export.write:1", "export.write:2", "export.written:1", "export.renamed:1",
    "export.recorded:1", "payments.committed:1",
)  # fmt: skip


def _approved(cycle: int) -> None:
    ok("payroll", str(cycle))
    ok("approve", str(cycle), "--as", "checker")


def _files(cycle: int) -> dict[str, str]:
    folder = cycle_directory(PaymentCycle.objects.get(pk=cycle))
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.glob("*"))
        if p.is_file() and not p.name.endswith(".part")
    }


def test_export_killed_anywhere_writes_byte_identical_files(country: int, tmp_path: Path) -> None:
    cycle = country
    _approved(cycle)
    for provider in PROVIDERS:
        ok("export", str(cycle), "--provider", provider, "--out", str(tmp_path / "first"))
    reference, expected = _files(cycle), state(cycle)
    assert len(reference) == 2
    for provider in PROVIDERS:
        for fault in EXPORT_FAULTS:
            _reset_export(cycle)
            killed(
                fault, "export", str(cycle), "--provider", provider, "--out", str(tmp_path / "o")
            )
            now = state(cycle)
            recorded = [f for f in now["files"] if f[1] == provider]
            assert len(recorded) <= 1  # never twice
            # an export records its order and touches no line (being sent is derived)
            assert now["lines"] == expected["lines"]
            ok("export", str(cycle), "--provider", provider, "--out", str(tmp_path / "o"))
            for other in PROVIDERS:
                if other != provider:
                    ok("export", str(cycle), "--provider", other, "--out", str(tmp_path / "o"))
            assert _files(cycle) == reference
            assert state(cycle) == expected
            copies = {
                p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in (tmp_path / "o").iterdir()
                if not p.name.endswith(".part")
            }
            assert copies == reference


def _reset_export(cycle: int) -> None:
    ProviderFile.objects.filter(cycle_id=cycle).delete()
    PaymentCycle.objects.filter(pk=cycle).update(status="approved", exported_at=None)
    shutil.rmtree(cycle_directory(PaymentCycle.objects.get(pk=cycle)), ignore_errors=True)


RECONCILE_FAULTS = (
    "bulk.copy:1", "bulk.copy:2", "reconcile.outcomes_written:1", "reconcile.before_commit:1",
    "payments.committed:1",
)  # fmt: skip


def test_reconciliation_killed_anywhere_applies_each_return_once(
    country: int, tmp_path: Path
) -> None:
    cycle = country
    _approved(cycle)
    returns: dict[str, Path] = {}
    record = PaymentCycle.objects.get(pk=cycle)
    for provider in PROVIDERS:
        ok("export", str(cycle), "--provider", provider, "--out", str(tmp_path / "out"))
        lines = order_lines(record, provider)
        statuses = [
            "failed"
            if i % 5 == 2
            else "unclaimed"
            if (i % 5 == 4 and provider != "bank_pain001")
            else "paid"
            for i in range(lines.height)
        ]
        data = providers.provider(provider).simulate_return(
            order_header(record, provider), lines,
            pl.DataFrame({"reference": lines["reference"], "status": statuses}),
        )  # fmt: skip
        returns[provider] = tmp_path / f"{provider}.return"
        returns[provider].write_bytes(data)
    before = state(cycle)
    for provider, path in returns.items():
        ok("reconcile", str(cycle), str(path), "--provider", provider)
    expected = state(cycle)
    assert expected["status"] == "reconciled"
    for provider, path in returns.items():
        for fault in RECONCILE_FAULTS:
            _reset_reconcile(cycle)
            assert state(cycle) == before
            killed(fault, "reconcile", str(cycle), str(path), "--provider", provider)
            now = state(cycle)
            returned = [f[1] for f in now["files"] if f[0] == "return"]
            if returned:  # killed after the commit: this return applied whole
                assert returned == [provider]
                sent = {line[0] for line in before["lines"] if line[1] == "payable"}
                assert all(
                    line[1] != "payable"
                    for line in now["lines"]
                    if line[0] in sent and _provider_of(line[0]) == provider
                )
            else:  # killed before: nothing at all changed
                assert now == before
            for other, other_path in returns.items():
                ok("reconcile", str(cycle), str(other_path), "--provider", other)
            ok("reconcile", str(cycle), str(path), "--provider", provider)  # once more: no-op
            assert state(cycle) == expected


def _provider_of(reference: str) -> str:
    return PayrollLine.objects.get(reference=reference).provider


def _reset_reconcile(cycle: int) -> None:
    Adjustment.objects.filter(cycle__isnull=True, kind="arrears").delete()
    PayrollLine.objects.filter(cycle_id=cycle).exclude(status__in=["withheld", "payable"]).update(
        status="payable", reason="", provider_reference="", settled_on=None, return_file=None
    )
    ProviderFile.objects.filter(cycle_id=cycle, kind="return").delete()
    PaymentMandate.objects.update(invalid_reason="")
    PaymentCycle.objects.filter(pk=cycle).update(status="exported", reconciled_at=None)
