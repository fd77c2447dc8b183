"""Requests from the web and the API: checked now, run by a background job (`tasks`); and the
download of a provider file."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from jisr.accounts.roles import (
    COMPUTE_PAYROLL,
    EXPORT_PAYMENTS,
    RECONCILE_PAYMENTS,
    VIEW_PAYMENTS,
)
from jisr.core import audit, jobs
from jisr.core.audit import Actor
from jisr.core.errors import InvalidInput, NotFound
from jisr.core.models import Job
from jisr.payments.models import CycleStatus, PaymentCycle, ProviderFile
from jisr.payments.services.cycles import locked, require_national
from jisr.payments.services.export import cycle_directory, provider_get

PAYROLL, EXPORT, RECONCILE = "payments.payroll", "payments.export", "payments.reconcile"
MAX_RETURN_BYTES = 2 << 30  # 2 GiB: a national return file is a few hundred MB


def _cycle(cycle_id: int, *expected: CycleStatus) -> PaymentCycle:
    with transaction.atomic():
        return locked(cycle_id, *expected)


def payroll_request(*, actor: Actor, cycle_id: int) -> Job:
    require_national(actor, COMPUTE_PAYROLL)
    _cycle(cycle_id, CycleStatus.DRAFT, CycleStatus.COMPUTED)
    return jobs.enqueue(kind=PAYROLL, params={"cycle": cycle_id}, actor=actor)


def export_request(*, actor: Actor, cycle_id: int, provider: str) -> Job:
    require_national(actor, EXPORT_PAYMENTS)
    provider_get(provider)
    _cycle(cycle_id, CycleStatus.APPROVED, CycleStatus.EXPORTED)
    return jobs.enqueue(kind=EXPORT, params={"cycle": cycle_id, "provider": provider}, actor=actor)


def reconcile_request(*, actor: Actor, cycle_id: int, name: str, data: bytes) -> Job:
    """Keep the uploaded file beside the cycle's files (by its hash), then queue the job."""
    require_national(actor, RECONCILE_PAYMENTS)
    cycle = _cycle(cycle_id)
    if not data:
        raise InvalidInput(_("The file is empty."), field="file")
    if len(data) > MAX_RETURN_BYTES:
        raise InvalidInput(_("The file is too large."), field="file")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name).name)[:100] or "return"
    digest = hashlib.sha256(data).hexdigest()
    path = cycle_directory(cycle) / "uploads" / f"{digest[:16]}-{safe}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return jobs.enqueue(
        kind=RECONCILE,
        params={"cycle": cycle_id, "path": str(path), "name": safe},
        actor=actor,
    )


def provider_file_open(*, actor: Actor, cycle_id: int, file_id: int) -> tuple[ProviderFile, Path]:
    """A payment order or return file of the cycle, its download audited (it holds personal
    data: names, CNIE, accounts)."""
    require_national(actor, VIEW_PAYMENTS)
    record = ProviderFile.objects.filter(pk=file_id, cycle_id=cycle_id).first()
    if record is None:
        raise NotFound()
    folder = cycle_directory(record.cycle)
    path = folder / record.name if record.kind == "order" else folder / "returns" / record.name
    if not path.exists():
        raise NotFound(_("The file is no longer on this server; export it again."))
    with transaction.atomic():
        audit.read(actor=actor, action="payments.file_downloaded", target=record)
    return record, path
