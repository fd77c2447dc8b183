"""The payments' background jobs: payroll, export and reconciliation. Each is idempotent: a job
whose worker died is claimed again and gives the same payroll and the same files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy

from jisr.core import jobs
from jisr.core.errors import DomainError
from jisr.core.models import Job
from jisr.payments import services
from jisr.payments.services.requests import EXPORT, PAYROLL, RECONCILE


@jobs.handler(PAYROLL, label=gettext_lazy("payroll computation"))
def payroll_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: cycle."""
    summary = services.payroll_compute(
        actor=job.created_by, cycle_id=int(job.params["cycle"]), progress=progress
    )
    return summary.as_dict()


@jobs.handler(EXPORT, label=gettext_lazy("payment order export"))
def export_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: cycle, provider. The file stays in the cycle's folder (downloaded from its page)."""
    summary = services.payments_export(
        actor=job.created_by,
        cycle_id=int(job.params["cycle"]),
        provider=str(job.params["provider"]),
        progress=progress,
    )
    return summary.as_dict()


@jobs.handler(RECONCILE, label=gettext_lazy("return file reconciliation"))
def reconcile_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: cycle, path (the uploaded file, kept), name. A refused file fails the job with the
    report in its result."""
    params = job.params
    try:
        summary = services.returns_reconcile(
            actor=job.created_by,
            cycle_id=int(params["cycle"]),
            data=Path(params["path"]).read_bytes(),
            name=str(params["name"]),
            progress=progress,
        )
    except DomainError as error:
        error.job_result = {"refused": True, **error.as_dict()}  # type: ignore[attr-defined]
        raise
    return summary.as_dict()
