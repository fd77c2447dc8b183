"""The programmes' pages and API: decisions on the household page, explanations; scoped, audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.core.models import AuditEvent, Job
from jisr.programmes import services
from jisr.registry.tests.test_api import client_for
from jisr.registry.tests.test_views import logged_in
from jisr.rules.periods import Month

pytestmark = [pytest.mark.django_db]
WIDOW: dict[str, Any] = {
    "month": "2026-01",
    "household": {
        "index": 9.21,
        "members": [
            {"id": "mother", "relationship": "head", "sex": "F", "birth_date": "1984-05-10"},
            *(
                {"id": f"o{n}", "relationship": "child", "sex": "M",
                 "birth_date": f"{2008 + n}-01-01", "in_school": True,
                 "school_level": "primary", "father_deceased": True}
                for n in range(6)
            ),
        ],
    },
}  # fmt: skip


@pytest.fixture
def decided(assessed: dict[str, Any]) -> dict[str, Any]:
    services.decisions_compute(month=Month(2026, 3))
    return assessed


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_WORKER, username="worker_oriental", regions=["02"])


def test_household_page_lists_decisions_with_a_link_to_the_explanation(
    decided: dict[str, Any], worker: Any
) -> None:
    rsu = decided["household"].rsu_id
    page = logged_in(worker).get(f"/households/{rsu}/").content.decode()
    assert 'id="decisions"' in page
    assert "Direct Social Support (ASD)" in page
    assert "500.00" in page
    assert f"/programmes/households/{rsu}/explain/2026-03/" in page


def test_explanation_page_in_the_users_language_and_audited(
    decided: dict[str, Any], worker: Any
) -> None:
    rsu = decided["household"].rsu_id
    url = f"/programmes/households/{rsu}/explain/2026-03/"
    french = logged_in(worker, "fr").get(url)
    assert french.status_code == 200
    assert "ASD : éligible, 500.00 MAD par mois (enfants payés : 1)" in french.content.decode()
    english = logged_in(worker, "en").get(url).content.decode()
    assert "ASD: eligible, 500.00 MAD a month" in english
    assert "asd.minimum = 500.00" in english
    assert AuditEvent.objects.filter(action="programmes.household_explained").count() == 2


def test_out_of_scope_explanation_is_not_found(decided: dict[str, Any], outsider: Any) -> None:
    rsu = decided["household"].rsu_id
    response = logged_in(outsider).get(f"/programmes/households/{rsu}/explain/2026-03/")
    assert response.status_code == 404


def test_api_decisions_are_scoped(decided: dict[str, Any], worker: Any, outsider: Any) -> None:
    mine = client_for(worker).get("/api/v1/programmes/decisions/?month=2026-03").json()
    assert {(d["programme"], d["eligible"], d["amount"]) for d in mine} == {
        ("asd", True, "500.00"),
        ("amo_tadamon", True, "0.00"),
        ("amo_achamil", False, "0.00"),
    }
    assert client_for(outsider).get("/api/v1/programmes/decisions/").json() == []
    rsu = decided["household"].rsu_id
    assert (
        client_for(outsider).get(f"/api/v1/programmes/households/{rsu}/decisions").status_code
        == 404
    )


def test_api_explains_a_registry_household(decided: dict[str, Any], worker: Any) -> None:
    rsu = decided["household"].rsu_id
    body = (
        client_for(worker).get(f"/api/v1/programmes/households/{rsu}/explain?month=2026-03").json()
    )
    assert body["programmes"]["asd"]["total"] == "500.00"
    assert body["index"] == {"value": 9.1, "source": "input"}
    bad = client_for(worker).get(f"/api/v1/programmes/households/{rsu}/explain?month=2026-3")
    assert bad.status_code == 422


def test_api_explains_a_posted_household(worker: Any) -> None:
    response = client_for(worker).post(
        "/api/v1/programmes/explain", WIDOW, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["programmes"]["asd"]["monthly_amount"] == "1308.00"
    broken = {**WIDOW, "household": {**WIDOW["household"], "index": "low"}}
    refused = client_for(worker).post(
        "/api/v1/programmes/explain", broken, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["field"] == "household.index"


def test_simulations_and_runs_need_a_national_programme_manager(
    worker: Any, make_user: Callable[..., Any]
) -> None:
    reform = "name: more\nparameters:\n  asd.minimum: {2027-01-01: 600}\n"
    body = {"month": "2027-01", "reform": reform}
    denied = client_for(worker).post(
        "/api/v1/programmes/simulations", body, content_type="application/json"
    )
    assert denied.status_code == 403
    regional = make_user(Role.PROGRAMME_MANAGER, regions=["06"])
    assert (
        client_for(regional)
        .post("/api/v1/programmes/runs", {"month": "2027-01"}, content_type="application/json")
        .status_code
        == 403
    )
    manager = make_user(Role.PROGRAMME_MANAGER, national=True)
    started = client_for(manager).post(
        "/api/v1/programmes/simulations", body, content_type="application/json"
    )
    assert started.status_code == 202
    job = Job.objects.get(pk=started.json()["job_id"])
    assert (job.kind, job.params["month"]) == ("programmes.simulate", "2027-01")
    bad = {"month": "2027-01", "reform": "parameters:\n  asd.nope: {2027-01-01: 1}\n"}
    refused = client_for(manager).post(
        "/api/v1/programmes/simulations", bad, content_type="application/json"
    )
    assert refused.status_code == 422
    assert "no such parameter: asd.nope" in refused.json()["error"]["message"]


@pytest.fixture
def manager(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.PROGRAMME_MANAGER, username="manager06", regions=["06"])


def test_household_page_shows_enrolments_and_a_manager_suspends_one(
    decided: dict[str, Any], worker: Any, manager: Any
) -> None:
    household = decided["household"]
    page = logged_in(worker).get(f"/households/{household.rsu_id}/").content.decode()
    assert 'id="enrolments"' in page
    assert "Suspend for investigation" not in page  # a social worker may not
    enrolment = household.enrolments.get(programme="asd")
    url = f"/programmes/enrolments/{enrolment.pk}/suspend/"
    assert logged_in(worker).post(url, {"note": "x"}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "active"  # refused, with a message on the page
    client = logged_in(manager)
    page = client.get(f"/households/{household.rsu_id}/").content.decode()
    assert "Suspend for investigation" in page
    response = client.post(url, {"note": "declared income doubtful"}, follow=True)
    assert "Suspended for an investigation." in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.reason) == ("suspended", "investigation")
    overview = client.get("/programmes/").content.decode()
    assert "under investigation" in overview


def test_api_enrolments_scoped_and_actions_checked(
    decided: dict[str, Any], worker: Any, manager: Any, outsider: Any
) -> None:
    rsu = decided["household"].rsu_id
    mine = client_for(worker).get(f"/api/v1/programmes/households/{rsu}/enrolments").json()
    assert {(e["programme"], e["status"]) for e in mine} == {
        ("asd", "active"),
        ("amo_tadamon", "active"),
    }
    assert mine[0]["beneficiary"] == decided["father"].rnp_id
    url = f"/api/v1/programmes/households/{rsu}/enrolments"
    assert client_for(outsider).get(url).status_code == 404
    asd = next(e for e in mine if e["programme"] == "asd")
    action = f"/api/v1/programmes/enrolments/{asd['id']}/suspend"
    assert (
        client_for(worker).post(action, {"note": "x"}, content_type="application/json").status_code
        == 403
    )
    assert (
        client_for(outsider)
        .post(action, {"note": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    done = client_for(manager).post(action, {"note": "tip-off"}, content_type="application/json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["reason"]) == ("suspended", "investigation")
    again = client_for(manager).post(action, {"note": "tip-off"}, content_type="application/json")
    assert again.status_code == 422
    summary = {p["programme"]: p for p in client_for(manager).get("/api/v1/programmes/").json()}
    assert (summary["asd"]["suspended"], summary["amo_tadamon"]["active"]) == (1, 1)
