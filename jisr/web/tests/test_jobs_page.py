from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

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
