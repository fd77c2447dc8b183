"""Background jobs with progress: enqueued by a request and run by `jisr worker`, or inline (CLI).

A handler is a function `(job, progress) -> result dict`, registered with `@handler("kind")`.
It must be idempotent: a job whose worker died (no heartbeat for `STALE_AFTER`) is claimed again.
Progress (done/total, stage) is written in autocommit, at most every `PROGRESS_INTERVAL`; inside a
transaction it is kept in memory and written after, so that it never holds or waits for a lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from jisr.core import audit
from jisr.core.audit import Actor
from jisr.core.errors import DomainError
from jisr.core.models import Job, JobStatus

log = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], Mapping[str, Any] | None]
Listener = Callable[["Progress"], None]
_HANDLERS: dict[str, Handler] = {}
_LABELS: dict[str, Promise | str] = {}

PROGRESS_INTERVAL = dt.timedelta(seconds=0.5)
STALE_AFTER = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 3


class UnknownJobKind(LookupError):
    pass


def handler(kind: str, label: Promise | str | None = None) -> Callable[[Handler], Handler]:
    """Register the handler of `kind`; `label` names such jobs to people (a lazy translation)."""

    def register(function: Handler) -> Handler:
        _HANDLERS[kind] = function
        if label is not None:
            _LABELS[kind] = label
        return function

    return register


def kind_label(kind: str) -> str:
    """What people call a kind of job, in the active language (its code when unnamed)."""
    return str(_LABELS.get(kind, kind))


@dataclass
class Progress:
    """Done/total of the current stage; rate and ETA for people watching."""

    job: Job
    listener: Listener | None = None
    started: float = field(default_factory=time.monotonic)
    stage_started: float = field(default_factory=time.monotonic)
    _saved_at: float = 0.0

    def stage(self, name: str, total: int | None = None) -> None:
        self.job.stage, self.job.total, self.job.done = name, total, 0
        self.stage_started = time.monotonic()
        self._write(force=True)

    def advance(self, count: int = 1) -> None:
        self.job.done += count
        self._write()

    def set(self, done: int) -> None:
        self.job.done = done
        self._write()

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.stage_started
        return self.job.done / elapsed if elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        if not self.job.total or self.rate <= 0:
            return None
        return max(0.0, (self.job.total - self.job.done) / self.rate)

    def _write(self, *, force: bool = False) -> None:
        if self.listener is not None:
            self.listener(self)
        now = time.monotonic()
        if self.job.pk is None or connection.in_atomic_block:
            return
        if not force and now - self._saved_at < PROGRESS_INTERVAL.total_seconds():
            return
        self._saved_at = now
        Job.objects.filter(pk=self.job.pk).update(
            stage=self.job.stage,
            done=self.job.done,
            total=self.job.total,
            heartbeat_at=timezone.now(),
        )


@dataclass(frozen=True)
class JobProgress:
    """What a person watching a job sees: share done, rate and time left of the current stage."""

    share: float | None
    rate: float | None
    eta_seconds: float | None
    elapsed_seconds: float | None


def job_progress(job: Job) -> JobProgress:
    """Rate and ETA estimated from the stored counters (run start, last heartbeat)."""
    if job.started_at is None:
        return JobProgress(None, None, None, None)
    end = job.finished_at or job.heartbeat_at or timezone.now()
    elapsed = max((end - job.started_at).total_seconds(), 0.0)
    share = job.done / job.total if job.total else None
    rate = job.done / elapsed if elapsed > 0 and job.done else None
    eta = (job.total - job.done) / rate if rate and job.total and not job.finished else None
    return JobProgress(share, rate, eta, elapsed)


def enqueue(*, kind: str, params: Mapping[str, Any], actor: Actor = None) -> Job:
    if kind not in _HANDLERS:
        raise UnknownJobKind(kind)
    user_id = audit.actor_id(actor)
    job = Job.objects.create(
        kind=kind,
        params=dict(params),
        created_by_id=user_id,
        language=translation.get_language() or "",
    )
    audit.record(actor=actor, action="job.enqueued", target=job, after={"kind": kind, **params})
    return job


def run(job: Job, *, listener: Listener | None = None) -> Job:
    """Run a claimed (or new) job in this process; record success or failure, never raise."""
    function = _HANDLERS.get(job.kind)
    now = timezone.now()
    job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, job.started_at or now, now
    job.error = ""
    if job.pk:
        Job.objects.filter(pk=job.pk).update(
            status=job.status, started_at=job.started_at, heartbeat_at=now, error=""
        )
    progress = Progress(job=job, listener=listener)
    # In the requester's language: stages, refusals and reports are read by them.
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            if function is None:
                raise UnknownJobKind(job.kind)
            result = function(job, progress)
        except Exception as error:  # the job failed: record why, keep the worker alive
            log.exception("job %s failed", job.pk)
            job.status = JobStatus.FAILED
            job.error = f"{error}\n\n{traceback.format_exc()}"[-20000:]
            job.result = {
                "message": failure_message(error),
                **(getattr(error, "job_result", None) or {}),
            }
        else:
            job.status, job.result = JobStatus.SUCCEEDED, dict(result or {})
    job.finished_at = timezone.now()
    if job.pk:
        Job.objects.filter(pk=job.pk).update(
            status=job.status,
            error=job.error,
            result=job.result,
            finished_at=job.finished_at,
            stage=job.stage,
            done=job.done,
            total=job.total,
            heartbeat_at=job.finished_at,
        )
    return job


def failure_message(error: Exception) -> str:
    """What the requester reads of a failure: a refusal's own message (it says what to mend), or
    that the job failed unexpectedly — the traceback stays in `Job.error`, for administrators."""
    if isinstance(error, DomainError):
        return str(error.text)
    return gettext("The job failed unexpectedly; an administrator can read why in its record.")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(*, kinds: tuple[str, ...] = ()) -> Job | None:
    """Take the oldest queued job, or one whose worker stopped beating; None if there is none."""
    stale = timezone.now() - STALE_AFTER
    waiting = Q(status=JobStatus.QUEUED) | Q(
        status=JobStatus.RUNNING, heartbeat_at__lt=stale, attempts__lt=MAX_ATTEMPTS
    )
    candidates = Job.objects.filter(waiting)
    if kinds:
        candidates = candidates.filter(kind__in=kinds)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            job = candidates.select_for_update(skip_locked=True).order_by("created_at").first()
        else:  # SQLite: a single writer at a time, so a plain read inside the transaction is safe
            job = candidates.order_by("created_at").first()
        if job is None:
            return None
        job.attempts += 1
        job.worker = worker_name()
        job.status, job.heartbeat_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["attempts", "worker", "status", "heartbeat_at"])
    return job


def work(*, once: bool = False, idle_sleep: float = 1.0, kinds: tuple[str, ...] = ()) -> int:
    """The worker loop: claim, run, repeat. Returns the number of jobs run."""
    count = 0
    while True:
        job = claim(kinds=kinds)
        if job is None:
            if once:
                return count
            time.sleep(idle_sleep)
            continue
        run(job)
        count += 1
