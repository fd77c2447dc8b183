"""The partners' pages and API: the directory (HSDS JSON), agreements with overdue flags, the
partner staff's report form; scoped like the services."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.partners import demo, selectors
from jisr.partners.models import Agreement, OutputReport, Service
from jisr.partners.tests.conftest import TODAY, agreement_draft
from jisr.registry.tests.test_api import client_for
from jisr.registry.tests.test_views import logged_in

pytestmark = pytest.mark.django_db


def demo_agreement() -> Agreement:
    return Agreement.objects.get(reference=demo.AGREEMENT_REFERENCE)


# --- Pages --------------------------------------------------------------------------------------
def test_directory_page_searches_by_commune_words_and_age(
    directory: dict[str, Any], worker: Any
) -> None:
    client = logged_in(worker)
    page = client.get("/partners/").content.decode()
    assert 'id="directory-search"' in page
    assert '<option value="06.01.001">' in page
    assert "Soutien scolaire" in page
    found = client.get("/partners/?commune=02.01.001&q=femmes&age=30").content.decode()
    assert "Écoute et orientation des femmes victimes de violence" in found
    assert "Soutien scolaire" not in found
    wrong = client.get("/partners/?commune=99.99.999").content.decode()
    assert "No such commune: 99.99.999" in wrong


def test_navigation_follows_the_role(directory: dict[str, Any], worker: Any, staff: Any) -> None:
    page = logged_in(worker).get("/").content.decode()
    assert "/partners/" in page
    assert "/partners/agreements/" not in page
    page = logged_in(staff).get("/").content.decode()
    assert "/partners/reports/" in page


def test_directory_needs_its_right(directory: dict[str, Any], make_user: Any) -> None:
    payer = make_user(Role.PAYMENT_OFFICER, national=True)
    assert logged_in(payer).get("/partners/").status_code == 403


def test_organisation_page_shows_agreements_only_to_those_who_may_see_them(
    directory: dict[str, Any], worker: Any, manager: Any
) -> None:
    url = f"/partners/organizations/{directory['nour'].pk}/"
    page = logged_in(worker).get(url).content.decode()
    assert "Rééducation et orthophonie" in page
    assert "جمعية نور" in page
    assert demo.AGREEMENT_REFERENCE not in page
    assert demo.AGREEMENT_REFERENCE in logged_in(manager).get(url).content.decode()


def test_service_page_shows_what_a_worker_needs_to_refer(
    directory: dict[str, Any], worker: Any, make_user: Any
) -> None:
    service_id = demo._id("nour", "day-centre")
    client = logged_in(worker)
    listing = client.get("/partners/?q=accueil+enfants").content.decode()
    assert f'href="/partners/services/{service_id}/"' in listing
    page = html.unescape(client.get(f"/partners/services/{service_id}/").content.decode())
    assert "Centre d'accueil de jour pour enfants en situation de handicap" in page
    assert "مركز الاستقبال النهاري للأطفال في وضعية إعاقة" in page
    assert f'href="/partners/organizations/{directory["nour"].pk}/"' in page
    assert "Enfants de 3 à 18 ans en situation de handicap." in page
    assert 'data-places-left="4"' in page
    assert "Commune A, Commune B" in page
    assert "Arabic, Moroccan Arabic (Darija), French" in page
    assert "Mon, Tue, Wed, Thu, Fri" in page
    assert "08:30–16:30" in page
    assert "Gratuit." in page
    missing = client.get("/partners/services/00000000-0000-4000-8000-000000000000/")
    assert missing.status_code == 404
    payer = make_user(Role.PAYMENT_OFFICER, national=True)
    assert logged_in(payer).get(f"/partners/services/{service_id}/").status_code == 403


def test_directory_downloads_as_hsds_json(
    directory: dict[str, Any], worker: Any, make_user: Any
) -> None:
    client = logged_in(worker)
    assert 'href="/partners/hsds.json"' in client.get("/partners/").content.decode()
    response = client.get("/partners/hsds.json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="jisr-directory-hsds-')
    documents = json.loads(response.content)
    assert documents == selectors.directory_hsds(user=None)
    nour = next(o for o in documents if o["id"] == str(directory["nour"].pk))
    assert nour["alternate_name"] == "جمعية نور لإدماج الأطفال في وضعية إعاقة"
    assert "جمعية نور" in response.content.decode()  # UTF-8, not \u escapes
    payer = make_user(Role.PAYMENT_OFFICER, national=True)
    assert logged_in(payer).get("/partners/hsds.json").status_code == 403


def test_agreement_page_flags_overdue_reports(
    directory: dict[str, Any], manager: Any, other_staff: Any, staff: Any
) -> None:
    url = f"/partners/agreements/{demo_agreement().pk}/"
    page = logged_in(manager).get(url).content.decode()
    assert page.count('data-overdue="true"') == 2
    assert 'id="overdue-count" data-overdue="2"' in page
    assert "Reports overdue" in page
    assert "/withhold/" in page
    staff_page = logged_in(staff).get(url).content.decode()
    assert "/withhold/" not in staff_page
    assert "Write the report" in staff_page
    assert logged_in(other_staff).get(url).status_code == 404
    listing = logged_in(manager).get("/partners/agreements/").content.decode()
    assert 'data-overdue="2"' in listing


def test_tranche_steps_from_the_agreement_page(directory: dict[str, Any], manager: Any) -> None:
    agreement = demo_agreement()
    second = agreement.tranches.get(number=2)
    client = logged_in(manager)
    refused = client.post(f"/partners/tranches/{second.pk}/conditions-met/", follow=True)
    assert "conditions are not met" in refused.content.decode()
    client.post(f"/partners/tranches/{second.pk}/withhold/", {"note": "Rapports en retard."})
    second.refresh_from_db()
    assert (second.status, second.status_note) == ("withheld", "Rapports en retard.")


def test_staff_fill_in_and_submit_their_report(directory: dict[str, Any], staff: Any) -> None:
    due = demo_agreement().reports_due.get(period_start=dt.date(2026, 4, 1))
    client = logged_in(staff)
    listing = client.get("/partners/reports/").content.decode()
    assert f'data-due="{due.pk}"' in listing
    url = f"/partners/reports/due/{due.pk}/"
    form = client.get(url).content.decode()
    assert "Services delivered: Rééducation et orthophonie" in form
    field = f"service_{demo._id('nour', 'therapy')}"
    client.post(url, {"people_served": "58", field: "410", "note": "", "save": "1"})
    report = OutputReport.objects.get(due=due)
    assert (report.status, report.people_served) == ("draft", 58)
    client.post(url, {"people_served": "59", field: "415", "note": "", "submit": "1"})
    report.refresh_from_db()
    assert (report.status, report.people_served) == ("submitted", 59)
    assert report.lines.get().delivered == 415
    after = client.get(url).content.decode()
    assert 'id="submit-report"' not in after


def test_other_staff_cannot_open_the_report_and_a_manager_returns_it(
    directory: dict[str, Any], other_staff: Any, manager: Any
) -> None:
    due = demo_agreement().reports_due.get(period_start=dt.date(2026, 1, 1))  # submitted
    url = f"/partners/reports/due/{due.pk}/"
    assert logged_in(other_staff).get(url).status_code == 404
    assert logged_in(other_staff).post(url, {"people_served": "1"}).status_code == 404
    # The first quarter's report counts for the second tranche, still planned: returnable.
    assert 'id="report-return"' in logged_in(manager).get(url).content.decode()
    report = OutputReport.objects.get(due=due)
    logged_in(manager).post(f"/partners/reports/{report.pk}/return/", {"reason": "Chiffres ?"})
    report.refresh_from_db()
    assert report.status == "draft"


# --- API ----------------------------------------------------------------------------------------
def test_api_services_search_is_an_hsds_page(directory: dict[str, Any], worker: Any) -> None:
    answer = client_for(worker).get(
        "/api/v1/partners/services?commune=06.01.001&age=8&disability=true&asd=false&per_page=2"
    )
    assert answer.status_code == 200
    page = answer.json()
    assert (page["total_items"], page["total_pages"], page["size"]) == (3, 2, 2)
    assert (page["first_page"], page["last_page"], page["empty"]) == (True, False, False)
    first = page["contents"][0]
    assert first["organization"]["id"] == first["organization_id"]
    assert {"service_areas", "service_at_locations", "languages", "schedules"} <= set(first)
    bad = client_for(worker).get("/api/v1/partners/services?commune=nowhere")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_input"


def test_api_directory_reads(directory: dict[str, Any], worker: Any, make_user: Any) -> None:
    client = client_for(worker)
    nour = str(directory["nour"].pk)
    assert client.get("/api/v1/partners/").json()["version"] == "3.0"
    organizations = client.get("/api/v1/partners/organizations?search=Nour").json()
    assert [o["id"] for o in organizations["contents"]] == [nour]
    assert "services" not in organizations["contents"][0]
    full = client.get(f"/api/v1/partners/organizations/{nour}").json()
    assert len(full["services"]) == 2
    service_id = full["services"][0]["id"]
    assert client.get(f"/api/v1/partners/services/{service_id}").json()["id"] == service_id
    assert client.get("/api/v1/partners/hsds").json() == selectors.directory_hsds(user=None)
    missing = client.get("/api/v1/partners/services/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    payer = make_user(Role.PAYMENT_OFFICER, national=True)
    assert client_for(payer).get("/api/v1/partners/hsds").status_code == 403


def test_api_import_refuses_a_bad_document_with_its_problems(
    directory: dict[str, Any], manager: Any, worker: Any
) -> None:
    documents = copy.deepcopy(selectors.directory_hsds(user=None))
    nour = next(d for d in documents if d["id"] == str(directory["nour"].pk))
    nour["services"][0]["status"] = "open"
    answer = client_for(manager).post(
        "/api/v1/partners/hsds", [nour], content_type="application/json"
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "hsds_refused"
    assert [(p["object"], p["field"], p["where"]) for p in error["details"]["problems"]] == [
        ("service", "status", "body[0].services[0].status")
    ]
    nour["services"][0]["status"] = "inactive"
    forbidden = client_for(worker).post(
        "/api/v1/partners/hsds", [nour], content_type="application/json"
    )
    assert forbidden.status_code == 403
    done = client_for(manager).post("/api/v1/partners/hsds", nour, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["updated"]["service"] == 1
    not_json = client_for(manager).post(
        "/api/v1/partners/hsds", "{", content_type="application/json"
    )
    assert not_json.status_code == 422


def test_api_agreement_flow(directory: dict[str, Any], manager: Any, other_staff: Any) -> None:
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages compared below
    sanad = demo._id("sanad")
    created = client.post(
        "/api/v1/partners/agreements",
        {
            "organization": sanad, "reference": "EN-API-1", "funder": "entraide_nationale",
            "purpose": "Soutien scolaire", "start": "2026-01-01", "end": "2026-12-31",
            "budget": "50000.00", "contribution": "20000.00",
        },
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    agreement_id = created.json()["id"]
    base = f"/api/v1/partners/agreements/{agreement_id}"
    tranche = client.post(
        f"{base}/tranches",
        {"amount": "20000.00", "due_date": "2026-09-01", "conditions": "Rapport semestriel"},
        content_type="application/json",
    ).json()["tranches"][0]
    client.post(
        f"{base}/reports-due",
        {"period_start": "2026-01-01", "period_end": "2026-06-30", "due_date": "2026-07-15",
         "tranche": 1},
        content_type="application/json",
    )  # fmt: skip
    tutoring = str(Service.objects.get(name="Soutien scolaire").pk)
    client.post(
        f"/api/v1/partners/tranches/{tranche['id']}/indicators",
        {"measure": "services_delivered", "target": 100, "service": tutoring},
        content_type="application/json",
    )
    signed = client.post(
        f"{base}/activate", {"signed_on": "2026-01-10"}, content_type="application/json"
    ).json()
    assert signed["status"] == "active"
    assert signed["tranches"][0]["unmet"] == [
        "report for 2026-01-01 – 2026-06-30 not submitted",
        "services delivered: 0 of 100",
    ]
    due_id = signed["reports_due"][0]["id"]
    staff = client_for(other_staff)
    saved = staff.put(
        f"/api/v1/partners/reports/due/{due_id}",
        {"people_served": 70, "delivered": {tutoring: 140}},
        content_type="application/json",
    )
    assert saved.status_code == 200
    report_id = saved.json()["id"]
    assert staff.post(f"/api/v1/partners/reports/{report_id}/submit").json()["status"] == (
        "submitted"
    )
    met = client.post(
        f"/api/v1/partners/tranches/{tranche['id']}/conditions-met",
        {"note": "ok"},
        content_type="application/json",
    )
    assert met.json()["tranches"][0]["status"] == "conditions_met"
    paid = client.post(
        f"/api/v1/partners/tranches/{tranche['id']}/pay",
        {"paid_on": "2026-09-02", "payment_reference": "OV-API-1"},
        content_type="application/json",
    ).json()
    assert paid["tranches"][0]["status"] == "paid"
    closed = client.post(f"{base}/close", {"note": "Terminé."}, content_type="application/json")
    assert closed.json()["status"] == "closed"
    wrong = client.post(f"{base}/close", {"note": "Encore"}, content_type="application/json")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (409, "wrong_status")


def test_api_reports_are_scoped(
    directory: dict[str, Any], staff: Any, other_staff: Any, manager_oriental: Any
) -> None:
    agreement_id = demo_agreement().pk
    mine = client_for(staff).get(f"/api/v1/partners/reports/overdue?on={TODAY}").json()
    assert [r["period_start"] for r in mine] == ["2026-04-01", "2026-07-01"]
    assert all(r["overdue"] for r in mine)
    assert client_for(other_staff).get("/api/v1/partners/reports/due").json() == []
    due = demo_agreement().reports_due.get(period_start=dt.date(2026, 4, 1))
    refused = client_for(other_staff).put(
        f"/api/v1/partners/reports/due/{due.pk}",
        {"people_served": 1},
        content_type="application/json",
    )
    assert refused.status_code == 404
    hidden = client_for(manager_oriental).get(f"/api/v1/partners/agreements/{agreement_id}")
    assert hidden.status_code == 404
    assert client_for(manager_oriental).get("/api/v1/partners/agreements").json() == []


def test_api_refuses_steps_to_partner_staff(
    directory: dict[str, Any], staff: Any, manager: Any
) -> None:
    agreement = agreement_draft(manager, directory["nour"], reference="EN-STAFF")
    tranche = agreement.tranches.get(number=1)
    answer = client_for(staff).post(
        f"/api/v1/partners/tranches/{tranche.pk}/withhold",
        {"reason": "?"},
        content_type="application/json",
    )
    assert answer.status_code == 403


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_pages_in_arabic_and_french(
    directory: dict[str, Any], manager: Any, staff: Any, language: str
) -> None:
    agreement = demo_agreement()
    due = agreement.reports_due.get(period_start=dt.date(2026, 4, 1))
    for user, url in (
        (manager, "/partners/?commune=06.01.001"),
        (manager, f"/partners/organizations/{directory['nour'].pk}/"),
        (manager, f"/partners/services/{demo._id('nour', 'therapy')}/"),
        (manager, "/partners/agreements/"),
        (manager, f"/partners/agreements/{agreement.pk}/"),
        (staff, "/partners/reports/"),
        (staff, f"/partners/reports/due/{due.pk}/"),
    ):
        response = logged_in(user, language).get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
    arabic = logged_in(manager, "ar").get(f"/partners/organizations/{directory['nour'].pk}/")
    assert "مركز الاستقبال النهاري للأطفال في وضعية إعاقة" in arabic.content.decode()
    french = logged_in(manager, "fr").get(f"/partners/organizations/{directory['nour'].pk}/")
    assert '<h2 class="h5">Services</h2>' in french.content.decode()  # not the household's


def test_the_api_removes_a_draft_item(
    manager: Any, manager_oriental: Any, directory: dict[str, Any]
) -> None:
    agreement = agreement_draft(manager, directory["nour"], reference="EN-API-DRAFT")
    first = agreement.tranches.order_by("number").first()
    assert first is not None
    url = f"/api/v1/partners/agreements/{agreement.pk}/tranche/{first.pk}"
    assert client_for(manager_oriental).delete(url).status_code == 404
    assert client_for(manager).delete(url.replace("/tranche/", "/payment/")).status_code == 404
    removed = client_for(manager).delete(url)
    assert removed.status_code == 200
    assert [t["number"] for t in removed.json()["tranches"]] == [1]
    assert agreement.tranches.count() == 1
