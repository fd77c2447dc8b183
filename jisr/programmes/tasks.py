"""The programmes' background jobs: decisions for a month (all, flagged or some households) and
reform simulations on the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jisr.core import jobs
from jisr.core.models import Job
from jisr.programmes import services
from jisr.registry.models import Household
from jisr.rules.periods import Month

DECISIONS, SIMULATE = services.DECISIONS, services.SIMULATE


def _month(params: dict[str, Any]) -> Month:
    return Month.parse(params["month"]) if params.get("month") else Month.of(timezone.localdate())


@jobs.handler(DECISIONS, label=gettext_lazy("eligibility decisions"))
def decisions_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: month (default: this month) and either household_ids, or flagged=true (the
    households marked for recomputation), or nothing (every active household). Idempotent."""
    params = job.params
    ids: list[int] | None = params.get("household_ids")
    if params.get("flagged"):
        ids = list(Household.objects.filter(needs_recompute=True).values_list("pk", flat=True))
    summary = services.decisions_compute(
        month=_month(params), household_ids=ids, actor=job.created_by, progress=progress
    )
    return summary.as_dict()


def simulation_directory(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "simulations" / str(job_id)


@jobs.handler(SIMULATE, label=gettext_lazy("reform simulation"))
def simulate_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: month, reform (the YAML text). Writes the tables and charts in the job's folder."""
    return services.simulation_run(
        month=_month(job.params),
        reform_text=str(job.params.get("reform", "")),
        out=simulation_directory(job.pk),
        progress=progress,
    )
