"""`jisr rules … --population db` and the simulation job, on the registry."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from jisr.core import jobs
from jisr.programmes.models import EligibilityDecision
from jisr.programmes.tasks import SIMULATE, simulation_directory

pytestmark = pytest.mark.django_db


def rules(*argv: str) -> str:
    out = io.StringIO()
    call_command("rules", *argv, stdout=out)
    return out.getvalue()


def test_run_on_the_registry_records_the_decisions(assessed: dict[str, Any]) -> None:
    text = rules("run", "--population", "db", "--month", "2026-03", "--out", "unused.parquet")
    assert "asd_eligible: 1" in text
    assert "asd_amount: 500.00" in text
    assert EligibilityDecision.objects.filter(month="2026-03").count() == 3


def test_explain_through_the_django_command(tmp_path: Path) -> None:
    household = {
        "month": "2026-01",
        "household": {"index": 9.0, "members": [
            {"id": "h", "relationship": "head", "sex": "F", "birth_date": "1950-01-01"}]},
    }  # fmt: skip
    path = tmp_path / "h.json"
    path.write_text(json.dumps(household), encoding="utf-8")
    out = io.StringIO()
    call_command("rules", "explain", "--input", str(path), stdout=out)
    assert json.loads(out.getvalue())["programmes"]["asd"]["monthly_amount"] == "500.00"


def test_simulation_job_writes_tables_and_charts(assessed: dict[str, Any], settings: Any) -> None:
    settings.DATA_DIR = str(Path(settings.DATA_DIR))
    reform = "name: lower threshold\nparameters:\n  asd.threshold: {2026-01-01: 9.0}\n"
    job = jobs.enqueue(kind=SIMULATE, params={"month": "2026-03", "reform": reform})
    jobs.run(job)
    assert job.status == "succeeded", job.error
    summary = job.result["summary"]
    assert (summary["households_base"], summary["households_reform"]) == (1, 0)
    assert summary["losers"] == 1
    assert summary["monthly_cost_mad_reform"] == 0
    folder = simulation_directory(job.pk)
    assert (folder / "summary.csv").exists()
    assert (folder / "cost_by_region_code.svg").stat().st_size > 0
