"""Casework's background jobs: building the outreach lists of a supervisor's area (idempotent: an
item already open for the same household and reason is not added twice, so a job run again adds
nothing more)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jisr.casework import services
from jisr.casework.services.outreach import OUTREACH_BUILD
from jisr.core import jobs
from jisr.core.models import Job


@jobs.handler(OUTREACH_BUILD, label=gettext_lazy("finding households to visit"))
def outreach_build_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: none (the area is the job's creator's)."""
    progress.stage(_("finding households to visit"))
    found = services.outreach_build(actor=job.created_by)
    progress.set(found["added"])
    return found
