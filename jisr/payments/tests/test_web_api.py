"""The payment pages and API: a cycle through its steps in the browser's forms, the refusals shown,
files downloaded (audited), a return file refused with its report; a household's payments on its
page and in the API, scoped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jisr.accounts.roles import Role
from jisr.core import jobs
from jisr.core.models import AuditEvent, Job
from jisr.payments.models import PaymentCycle
from jisr.registry.tests.test_api import client_for
from jisr.registry.tests.test_views import logged_in

pytestmark = pytest.mark.django_db
MONTH = "2026-03"


def run_jobs() -> list[Job]:
    done = []
    while (job := jobs.claim()) is not None:
        done.append(jobs.run(job))
    return done


@pytest.fixture
def data_dir(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path / "data"


def test_a_cycle_through_its_pages(
    decided: dict[str, Any], maker: Any, checker: Any, data_dir: None
) -> None:
    client = logged_in(maker)
    assert "Payment cycles" in client.get("/payments/").content.decode()
    response = client.post("/payments/", {"programme": "asd", "month": MONTH})
    cycle = PaymentCycle.objects.get()
    assert response.url == f"/payments/cycles/{cycle.pk}/"
    response = client.post(f"/payments/cycles/{cycle.pk}/payroll/")
    assert response.url.startswith("/jobs/")
    assert [j.status for j in run_jobs()] == ["succeeded"]
    page = client.post(f"/payments/cycles/{cycle.pk}/approve/", follow=True).content.decode()
    assert "other than the one who computed it" in page  # the maker may not approve
    other = logged_in(checker)
    page = other.post(f"/payments/cycles/{cycle.pk}/approve/", follow=True).content.decode()
    assert "Payroll approved" in page
    other.post(f"/payments/cycles/{cycle.pk}/export/", {"provider": "cash_wallet_csv"})
    assert [j.status for j in run_jobs()] == ["succeeded"]
    page = other.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert 'data-status="exported"' in page
    assert "JISR-" in page
    # Totals by region, named in the reader's language beside their code.
    household = decided["household"]
    region = household.commune.region
    assert f'<tr data-region="{region.code}"><td>{region.name_fr} <span' in (
        logged_in(checker, "fr").get(f"/payments/cycles/{cycle.pk}/").content.decode()
    )
    cycle.refresh_from_db()
    order = cycle.files.get()
    download = other.get(f"/payments/cycles/{cycle.pk}/files/{order.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"#")  # the CSV header's control lines
    assert AuditEvent.objects.filter(action="payments.file_downloaded").count() == 1

    bad = SimpleUploadedFile("return.csv", b"not,a,return\n1,2,3\n")
    response = other.post(f"/payments/cycles/{cycle.pk}/reconcile/", {"file": bad})
    job_url = response.url
    [job] = run_jobs()
    assert job.status == "failed"
    page = other.get(job_url).content.decode()
    assert 'id="return-problems"' in page
    cycle.refresh_from_db()
    assert cycle.status == "exported"  # nothing changed
    assert AuditEvent.objects.filter(action="payments.return_refused").count() == 1
    assert "Traceback" not in page  # the refusal and its report, not the program's insides

    # Refused for a French-speaking officer: the report in French, whatever the worker's language.
    french = logged_in(checker, "fr")
    bad = SimpleUploadedFile("retour.csv", b"not,a,return\n1,2,3\n")
    job_url = french.post(f"/payments/cycles/{cycle.pk}/reconcile/", {"file": bad}).url
    with translation.override("en"):
        run_jobs()
    page = french.get(job_url).content.decode()
    assert "Le fichier retour retour.csv a été refusé (2 problèmes)" in page
    assert "Les noms de colonnes ne sont pas ceux attendus" in page
    assert "Rapprochement du fichier retour" in page  # the job named in French


def test_who_may_see_and_do_what(
    decided: dict[str, Any], make_user: Callable[..., Any], worker: Any, maker: Any
) -> None:
    regional = make_user(Role.PAYMENT_OFFICER, username="regional", regions=["06"])
    assert logged_in(regional).get("/payments/").status_code == 403
    assert client_for(regional).get("/api/v1/payments/cycles/").status_code == 403
    assert logged_in(worker).get("/payments/").status_code == 403
    response = client_for(worker).post(
        "/api/v1/payments/cycles/", {"programme": "asd", "month": MONTH},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    created = client_for(maker).post(
        "/api/v1/payments/cycles/", {"programme": "asd", "month": MONTH},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    cycle_id = created.json()["id"]
    assert client_for(maker).post(f"/api/v1/payments/cycles/{cycle_id}/payroll").status_code == 202
    run_jobs()
    summary = client_for(maker).get(f"/api/v1/payments/cycles/{cycle_id}").json()
    assert (summary["status"], summary["line_count"], summary["total_payable"]) == (
        "computed", 1, "500.00",
    )  # fmt: skip
    again = client_for(maker).post(f"/api/v1/payments/cycles/{cycle_id}/approve")
    assert again.status_code == 403
    assert again.json()["error"]["code"] == "same_approver"


def test_a_households_payments_on_its_page_and_in_the_api(
    decided: dict[str, Any], maker: Any, make_user: Callable[..., Any], worker: Any
) -> None:
    from jisr.payments import services

    cycle = services.cycle_create(actor=maker, programme="asd", month=MONTH)
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    rsu = decided["household"].rsu_id
    officer = make_user(Role.PAYMENT_OFFICER, username="officer06", regions=["06"])
    page = logged_in(officer).get(f"/households/{rsu}/").content.decode()
    assert 'id="payments"' in page
    assert "500.00" in page
    assert 'id="payments"' not in logged_in(worker).get(f"/households/{rsu}/").content.decode()
    rows = client_for(officer).get(f"/api/v1/payments/households/{rsu}/payments").json()
    assert [(r["month"], r["status"], r["amount"]) for r in rows] == [(MONTH, "payable", "500.00")]
    outsider = make_user(Role.PAYMENT_OFFICER, username="officer02", regions=["02"])
    assert (
        client_for(outsider).get(f"/api/v1/payments/households/{rsu}/payments").status_code == 404
    )
    assert AuditEvent.objects.filter(action="payments.household_payments_viewed").count() == 1
