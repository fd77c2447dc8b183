from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jisr.accounts.roles import Role
from jisr.core import jobs
from jisr.core.models import Job

pytestmark = pytest.mark.django_db


@jobs.handler("test.page")
def _page_handler(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    progress.stage("counting", total=4)
    progress.advance(4)
    return {"households": 4}


def test_the_starter_follows_progress_and_others_get_404(make_user: Callable[..., Any]) -> None:
    owner = make_user(Role.SOCIAL_WORKER, regions=["06"])
    stranger = make_user(Role.SOCIAL_WORKER, regions=["06"])
    job = jobs.enqueue(kind="test.page", params={}, actor=owner)
    client = Client()
    client.force_login(owner)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-status="queued"' in page
    assert 'hx-trigger="every 1s"' in page  # polls while it runs
    jobs.work(once=True, kinds=("test.page",))
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="job-progress"')
    assert 'data-status="succeeded"' in fragment
    assert 'value="4" max="4"' in fragment
    assert "hx-trigger" not in fragment  # stops polling when finished
    other = Client()
    other.force_login(stranger)
    assert other.get(f"/jobs/{job.pk}/").status_code == 404


@jobs.handler("test.page_crash")
def _crash_handler(job: Job, progress: jobs.Progress) -> None:
    raise RuntimeError("internal detail: table x missing")


def test_a_failed_job_tells_its_requester_why_and_keeps_the_traceback_for_auditors(
    make_user: Callable[..., Any],
) -> None:
    owner = make_user(Role.PAYMENT_OFFICER, national=True)
    auditor = make_user(Role.AUDITOR, national=True)
    with translation.override("en"):  # the requester's language: the job's words follow it
        job = jobs.enqueue(kind="test.page_crash", params={}, actor=owner)
    jobs.work(once=True, kinds=("test.page_crash",))
    client = Client()
    client.force_login(owner)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-error"' in page
    assert "an administrator can read why in its record" in page
    assert "internal detail" not in page  # no traceback for the requester
    assert "Traceback" not in page
    reader = Client()
    reader.force_login(auditor)
    audited = reader.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-trace"' in audited
    assert "internal detail: table x missing" in audited
