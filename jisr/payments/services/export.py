"""Export: an approved cycle's lines for one provider written as that provider's payment order.

Crash-safe and idempotent: the lines are checked against the digest their provider's order was
given at approval, the file is written beside its final name, synced, then renamed into place (a
reader never sees half a file); the database records it in one transaction. Recording the order is
what makes its lines "sent" (no line is updated: an order of millions of lines is one row). Killed
anywhere and run again, it writes the same bytes (the header's date is the approval's, never the
clock's) and records them once. Exporting a provider again rewrites the identical file (a lost
copy is recovered).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import EXPORT_PAYMENTS
from jisr.core import audit, faults
from jisr.core.audit import Actor
from jisr.core.errors import InvalidInput
from jisr.core.jobs import Progress
from jisr.payments import orders, providers
from jisr.payments.errors import PayrollChanged, WrongCycleStatus
from jisr.payments.models import CycleStatus, FileKind, PaymentCycle, ProviderFile
from jisr.payments.services.cycles import locked, payroll_hash, require_national
from jisr.rules import money


def cycle_directory(cycle: PaymentCycle) -> Path:
    return Path(settings.DATA_DIR) / "payments" / f"cycle-{cycle.pk}"


def provider_get(name: str) -> providers.Provider:
    try:
        return providers.provider(name)
    except providers.UnknownProvider:
        raise InvalidInput(
            _("No payment provider %(name)s (known: %(known)s).")
            % {"name": name, "known": ", ".join(sorted(providers.PROVIDERS))},
            field="provider",
        ) from None


def order_header(cycle: PaymentCycle, provider: str) -> providers.OrderHeader:
    """The order's header: everything in it comes from the approved cycle, so that the same
    cycle always gives the same file."""
    if cycle.approved_at is None:
        raise WrongCycleStatus(status=cycle.status)
    approved = timezone.localtime(cycle.approved_at).replace(microsecond=0)
    debtor = settings.JISR_PAYMENT_DEBTOR
    return providers.OrderHeader(
        message_id=f"JISR-{cycle.pk}-{provider}"[:35],
        cycle_id=str(cycle.pk),
        programme=cycle.programme,
        month=cycle.month,
        created_at=approved,
        execution_date=max(approved.date(), dt.date.fromisoformat(f"{cycle.month}-01")),
        debtor_name=debtor.name,
        debtor_rib=debtor.rib,
        debtor_agent_bic=debtor.bic,
    )


class _Faulty:
    """A file whose writes are fault-injection points (a crash half-way through a file)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle

    def write(self, data: bytes | bytearray | memoryview) -> int:
        faults.point("export.write")
        return self.handle.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


def _write(path: Path, header: providers.OrderHeader, lines: pl.DataFrame, name: str) -> Any:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as handle:
        summary = provider_get(name).write_order(header, lines, _Faulty(handle))  # type: ignore[arg-type]
        handle.flush()
        os.fsync(handle.fileno())
    faults.point("export.written")
    os.replace(partial, path)
    faults.point("export.renamed")
    return summary


@dataclass(frozen=True)
class ExportSummary:
    cycle: int
    provider: str
    file: str
    lines: int
    total: str
    sha256: str
    cycle_status: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@transaction.atomic(durable=True)
def payments_export(
    *,
    actor: Actor,
    cycle_id: int,
    provider: str,
    out: Path | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the provider's payment order for an approved cycle (into `out` too, when given)."""
    require_national(actor, EXPORT_PAYMENTS)
    implementation = provider_get(provider)
    cycle = locked(cycle_id, CycleStatus.APPROVED, CycleStatus.EXPORTED)
    if progress is not None:
        progress.stage(_("reading the approved payroll"))
    header = order_header(cycle, provider)
    lines = orders.order_lines(cycle, provider)
    if not lines.height:
        raise InvalidInput(
            _("This cycle has nothing to pay through %s.") % provider, field="provider"
        )
    _require_approved(cycle, provider, lines)
    if progress is not None:
        progress.stage(_("writing the payment order"), total=lines.height)
    path = cycle_directory(cycle) / f"{header.message_id}.{implementation.extension}"
    summary = _write(path, header, lines, provider)
    if (summary.count, summary.total) != (lines.height, int(lines["amount"].sum())):
        raise PayrollChanged(
            _("The file written does not add up to the payroll; nothing was recorded.")
        )
    recorded = ProviderFile.objects.filter(
        cycle=cycle, provider=provider, kind=FileKind.ORDER
    ).first()
    if recorded is not None and recorded.sha256 != summary.sha256:
        raise PayrollChanged(
            _("The file differs from the one exported before; nothing was recorded.")
        )
    if recorded is None:
        ProviderFile.objects.create(
            cycle=cycle,
            provider=provider,
            kind=FileKind.ORDER,
            name=path.name,
            sha256=summary.sha256,
            size=summary.size,
            line_count=summary.count,
            total_amount=money.from_centimes(summary.total),
            created_by_id=audit.actor_id(actor),
            created_at=timezone.now(),
        )
        faults.point("export.recorded")
    recorded_orders = dict(
        ProviderFile.objects.filter(cycle=cycle, kind=FileKind.ORDER).values_list(
            "provider", "total_amount"
        )
    )
    if set(_providers_sent(cycle)) <= set(recorded_orders):
        _all_exported(cycle, recorded_orders.values())
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        _copy(path, out / path.name)
    audit.record(
        actor=actor,
        action="payments.order_exported",
        target=cycle,
        after={
            "provider": provider,
            "file": path.name,
            "sha256": summary.sha256,
            "lines": summary.count,
            "total": str(money.from_centimes(summary.total)),
        },
    )
    if progress is not None:
        progress.set(lines.height)
    return ExportSummary(
        cycle.pk,
        provider,
        str(out / path.name if out else path),
        summary.count,
        str(money.from_centimes(summary.total)),
        summary.sha256,
        cycle.status,
    )


def _require_approved(cycle: PaymentCycle, provider: str, lines: pl.DataFrame) -> None:
    """The lines about to be written are the ones approved (their provider's digest; a cycle
    approved before digests were recorded: the whole payroll's hash)."""
    if cycle.order_digests:
        if cycle.order_digests.get(provider) != orders.order_digest(lines):
            raise PayrollChanged()
    elif payroll_hash(cycle.pk) != cycle.payroll_hash:
        raise PayrollChanged()


def _providers_sent(cycle: PaymentCycle) -> list[str]:
    return sorted(cycle.order_digests) or orders.providers_sent(cycle.pk)


def _all_exported(cycle: PaymentCycle, totals: Iterable[Decimal]) -> None:
    """Every provider paid has its order (`totals`: each order's): together they must be the
    approved payroll."""
    total = sum(totals, start=money.from_centimes(0))
    if total != cycle.total_amount:
        raise PayrollChanged(
            _("The orders add up to %(files)s MAD, the approved payroll to %(payroll)s MAD.")
            % {"files": total, "payroll": cycle.total_amount}
        )
    if cycle.status == CycleStatus.APPROVED:
        cycle.status, cycle.exported_at = CycleStatus.EXPORTED, timezone.now()
        cycle.save(update_fields=["status", "exported_at"])


def _copy(source: Path, target: Path) -> None:
    if target.resolve() == source.resolve():
        return
    partial = target.with_name(target.name + ".part")
    with source.open("rb") as reader, partial.open("wb") as writer:
        while block := reader.read(1 << 20):
            writer.write(block)
        writer.flush()
        os.fsync(writer.fileno())
    os.replace(partial, target)
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
