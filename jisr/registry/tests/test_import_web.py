# ruff: noqa: F811  (pytest fixtures imported from test_import are parameters here)
"""The command line and the web upload: exit codes, summaries, the job, its page and its report."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jisr.accounts.roles import Role
from jisr.core import jobs
from jisr.core.models import Job, JobStatus
from jisr.registry.importer import tasks
from jisr.registry.models import Household
from jisr.registry.tests.test_import import (  # noqa: F401  (fixtures)
    HOUSEHOLDS,
    files,
    places,
    population,
    read_text,
    set_cell,
)

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_summary(places: None, files: Callable[[str], Path]) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("registry", "import", str(files("csv")), "--no-progress", stdout=out, stderr=err)
    assert f"households_created: {HOUSEHOLDS}" in out.getvalue()
    assert Household.objects.count() == HOUSEHOLDS


def test_the_command_fails_with_the_errors_and_the_report(
    places: None, files: Callable[[str], Path], english: None
) -> None:
    directory = files("csv")
    set_cell(directory, "households", 0, "rooms", "lots")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("registry", "import", str(directory), stdout=io.StringIO(), stderr=err)
    report = directory / "import-errors.csv"
    assert (
        "households.csv:2: rooms='lots': A whole number from 1 – 100 is expected." in err.getvalue()
    )
    assert f"1 errors; report: {report}" in err.getvalue()
    assert report.read_text(encoding="utf-8").splitlines()[1].startswith("households.csv,2,rooms")
    assert Household.objects.count() == 0


def test_the_command_exits_non_zero(places: None, tmp_path: Path, capsys: Any) -> None:
    from jisr.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["registry", "import", str(tmp_path / "missing"), "--no-progress"])
    assert exit_.value.code == 1
    assert "CommandError" in capsys.readouterr().err


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    settings.DATA_DIR = directory
    return directory


def upload(client: Client, directory: Path, **extra: Any) -> Any:
    return client.post(
        "/households/import/",
        {
            "households": SimpleUploadedFile("h.csv", (directory / "households.csv").read_bytes()),
            "persons": SimpleUploadedFile("p.csv", (directory / "persons.csv").read_bytes()),
            **extra,
        },
    )


def test_upload_then_job_then_progress_page(
    places: None, files: Callable[[str], Path], data_dir: Path, make_user: Callable[..., Any]
) -> None:
    client = Client()
    client.force_login(make_user(Role.SOCIAL_WORKER, national=True))
    assert client.get("/households/import/").status_code == 200
    response = upload(client, files("csv"))
    job = Job.objects.get(kind=tasks.KIND)
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (data_dir / "imports" / str(job.pk) / "households.csv").is_file()
    assert Household.objects.count() == 0  # not before the worker runs it

    assert jobs.work(once=True, kinds=(tasks.KIND,)) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["households_created"] == HOUSEHOLDS
    assert Household.objects.count() == HOUSEHOLDS
    page = client.get(f"/jobs/{job.pk}/")
    assert "households_created" in page.content.decode()


def test_a_rejected_upload_offers_its_error_report(
    places: None,
    files: Callable[[str], Path],
    data_dir: Path,
    make_user: Callable[..., Any],
    english: None,
) -> None:
    directory = files("csv")
    region = read_text(directory, "households")["region_code"][0]
    worker = make_user(Role.SOCIAL_WORKER, regions=[region])
    client = Client()
    client.force_login(worker)
    client.cookies["django_language"] = "en"  # the report is written in the uploader's language
    upload(client, directory)
    jobs.work(once=True, kinds=(tasks.KIND,))
    job = Job.objects.get(kind=tasks.KIND)
    assert job.status == JobStatus.FAILED
    assert job.result["errors"] > 0
    assert job.result["report"] == f"/households/import/{job.pk}/errors.csv"
    assert Household.objects.count() == 0
    report = client.get(job.result["report"])
    assert report.status_code == 200
    text = b"".join(report.streaming_content).decode()
    assert "outside your scope" in text
    stranger = Client()
    stranger.force_login(make_user(Role.SOCIAL_WORKER, regions=[region]))
    assert stranger.get(job.result["report"]).status_code == 404


def test_the_upload_page_needs_the_right_and_a_scope(
    places: None, make_user: Callable[..., Any]
) -> None:
    for user in (make_user(Role.AUDITOR, national=True), make_user(Role.SOCIAL_WORKER)):
        client = Client()
        client.force_login(user)
        assert client.get("/households/import/").status_code == 403


def test_uploads_are_checked_before_anything_is_queued(
    places: None,
    files: Callable[[str], Path],
    data_dir: Path,
    make_user: Callable[..., Any],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jisr.registry import views_import

    client = Client()
    client.force_login(make_user(Role.SOCIAL_WORKER, national=True))
    client.cookies["django_language"] = "en"
    bad = client.post(
        "/households/import/",
        {
            "households": SimpleUploadedFile("h.txt", b"x"),
            "persons": SimpleUploadedFile("p.csv", b"x"),
        },
    )
    assert bad.status_code == 200
    assert "Give a .csv, .xlsx or .parquet file." in bad.content.decode()
    monkeypatch.setattr(views_import, "MAX_UPLOAD_BYTES", 1000)
    big = upload(client, files("csv"))
    assert big.status_code in (200, 413)
    assert "too large" in big.content.decode()
    assert not Job.objects.exists()
