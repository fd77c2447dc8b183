from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from jisr.core import jobs
from jisr.core.errors import InvalidInput
from jisr.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@jobs.handler("test.count")
def count_handler(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    progress.stage("counting", total=job.params["n"])
    for _ in range(job.params["n"]):
        progress.advance()
    return {"counted": job.done}


@jobs.handler("test.fail")
def fail_handler(job: Job, progress: jobs.Progress) -> None:
    raise ValueError("row 3 is bad")


def test_enqueue_then_worker_runs_and_records_the_result(db: Any) -> None:
    job = jobs.enqueue(kind="test.count", params={"n": 5})
    assert job.status == JobStatus.QUEUED
    assert jobs.work(once=True, kinds=("test.count",)) == 1
    job.refresh_from_db()
    assert (job.status, job.result, job.done, job.total) == (
        JobStatus.SUCCEEDED,
        {"counted": 5},
        5,
        5,
    )
    assert job.attempts == 1
    assert job.finished_at is not None


def test_a_failing_job_is_recorded_and_the_worker_survives(db: Any) -> None:
    failing = jobs.enqueue(kind="test.fail", params={})
    after = jobs.enqueue(kind="test.count", params={"n": 1})
    assert jobs.work(once=True, kinds=("test.fail", "test.count")) == 2
    failing.refresh_from_db()
    after.refresh_from_db()
    assert failing.status == JobStatus.FAILED
    assert "row 3 is bad" in failing.error
    assert after.status == JobStatus.SUCCEEDED


def test_unknown_kind_is_refused_at_enqueue(db: Any) -> None:
    with pytest.raises(jobs.UnknownJobKind):
        jobs.enqueue(kind="no.such.job", params={})


def test_a_job_whose_worker_died_is_claimed_again(db: Any) -> None:
    job = jobs.enqueue(kind="test.count", params={"n": 2})
    claimed = jobs.claim(kinds=("test.count",))
    assert claimed is not None
    assert claimed.pk == job.pk
    assert jobs.claim(kinds=("test.count",)) is None  # running, heartbeat fresh
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    again = jobs.claim(kinds=("test.count",))
    assert again is not None
    assert again.attempts == 2
    jobs.run(again)
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED


def test_progress_inside_a_transaction_is_kept_in_memory(transactional_db: Any) -> None:
    job = jobs.enqueue(kind="test.count", params={"n": 1})
    seen: list[int] = []
    progress = jobs.Progress(job=job, listener=lambda p: seen.append(p.job.done))
    with transaction.atomic():
        progress.stage("writing", total=10)
        progress.advance(10)
    assert Job.objects.get(pk=job.pk).done == 0  # nothing written while in the transaction
    assert seen == [0, 10]  # but the listener (the CLI bar) saw it all
    progress.stage("done", total=1)
    assert Job.objects.get(pk=job.pk).stage == "done"


def test_progress_bar_line_shows_rate_and_eta(db: Any) -> None:
    import io

    from jisr.core.progressbar import ProgressBar

    job = Job(kind="x", stage="validating", done=50, total=100)
    progress = jobs.Progress(job=job)
    progress.stage_started -= 10  # ten seconds ago
    line = ProgressBar(io.StringIO()).line(progress)
    assert "50/100" in line
    assert "50.0%" in line
    assert "5/s" in line
    assert "ETA 00:10" in line


@jobs.handler("test.refuse")
def refuse_handler(job: Job, progress: jobs.Progress) -> None:
    progress.stage(gettext("Payments"))
    raise InvalidInput(gettext("Payments"), field="month")


def test_a_job_runs_in_its_requesters_language_and_says_why_it_failed(db: Any) -> None:
    """Stages and refusals are read by whoever asked for the job: in their language, whatever
    the worker's. A refusal's own message is kept; anything else is named a failure, its
    traceback kept for administrators."""
    with translation.override("fr"):
        refused = jobs.enqueue(kind="test.refuse", params={})
    with translation.override("ar"):
        crashed = jobs.enqueue(kind="test.fail", params={})
    assert (refused.language, crashed.language) == ("fr", "ar")
    with translation.override("en"):  # the worker's own language does not matter
        jobs.work(once=True, kinds=("test.refuse", "test.fail"))
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert (refused.stage, refused.result) == ("Paiements", {"message": "Paiements"})
    with translation.override("ar"):
        unexpected = gettext(
            "The job failed unexpectedly; an administrator can read why in its record."
        )
    assert crashed.result == {"message": unexpected}
    assert unexpected != "The job failed unexpectedly; an administrator can read why in its record."
    assert "row 3 is bad" in crashed.error  # the traceback, for the records
