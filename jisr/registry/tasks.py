"""The registry's background jobs (run by `jisr worker`, enqueued with `jisr.core.jobs.enqueue`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from jisr.core import jobs
from jisr.core.models import Job
from jisr.registry.importer import tasks as import_tasks  # noqa: F401  (registers registry.import)


@jobs.handler("registry.dedup", label=gettext_lazy("duplicate search"))
def dedup_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """Find probable duplicates in the whole registry and queue them for review."""
    # Imported here: Splink and DuckDB are heavy, and only this job needs them.
    from jisr.registry.dedup.pipeline import DEFAULT_THRESHOLD
    from jisr.registry.services.dedup_run import duplicates_find

    return duplicates_find(
        threshold=float(job.params.get("threshold", DEFAULT_THRESHOLD)),
        retrain=bool(job.params.get("retrain", False)),
        progress=progress,
    )
