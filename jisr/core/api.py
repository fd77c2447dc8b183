"""What every app's API answers when it queues a background job: 202 with the job to follow."""

from __future__ import annotations

from ninja import Schema, Status

from jisr.core.models import Job


class JobOut(Schema):
    job_id: int
    kind: str


def job_accepted(job: Job) -> Status[JobOut]:
    """202 Accepted: the job is queued; its progress is at /jobs/{job_id}/."""
    return Status(202, JobOut(job_id=job.pk, kind=job.kind))
