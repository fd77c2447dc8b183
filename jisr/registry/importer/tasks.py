"""The background job `registry.import` (web uploads): the files are in the job's folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from jisr.core import jobs
from jisr.core.models import Job
from jisr.registry.importer.errors import ImportRejected
from jisr.registry.importer.service import registry_import

KIND = "registry.import"
REPORT_NAME = "errors.csv"


def job_directory(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "imports" / str(job_id)


def report_url(job_id: int) -> str:
    return reverse("registry:import_report", args=[job_id])


@jobs.handler(KIND, label=gettext_lazy("registry import"))
def import_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """Idempotent like the import itself: a job run again after a crash writes nothing twice."""
    params = job.params
    directory = job_directory(job.pk)
    effective = params.get("effective")
    try:
        result = registry_import(
            directory=directory,
            actor=job.created_by,
            skip_invalid=bool(params.get("skip_invalid")),
            effective=dt.date.fromisoformat(effective) if effective else None,
            reason=params.get("reason", ""),
            report=directory / REPORT_NAME,
            progress=progress,
        )
    except ImportRejected as error:
        if error.job_result is not None and error.report:
            error.job_result["report"] = report_url(job.pk)
        raise
    outcome = result.as_dict()
    outcome["report"] = report_url(job.pk) if result.report else ""
    return outcome
