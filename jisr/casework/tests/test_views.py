"""The casework pages with Django's test client: each page for the roles it is meant for, 404 (the
case does not exist for you) or 403 (not yours to use) for everyone else, and each form posted
through to its service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jisr.accounts.roles import Role
from jisr.casework import forms, services
from jisr.casework.models import (
    Case,
    CaseAccess,
    CaseNote,
    CaseStatus,
    Consent,
    OutreachItem,
    Referral,
    Transfer,
)
from jisr.casework.services.cases import CLOSURE_OUTCOMES
from jisr.casework.services.referrals import SHAREABLE
from jisr.casework.tests.conftest import RATINGS
from jisr.core import jobs
from jisr.core.models import AuditEvent, AuditKind, Job
from jisr.partners.models import ServiceArea
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory
from jisr.workforce.tests.factories import profile_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
SEES = {"owner", "receiver", "sup_team", "sup_territory", "auditor_in", "auditor_national"}
WORKERS = {"owner", "colleague", "receiver", "sup_team", "sup_territory", "sup_elsewhere"}
SUPERVISORS = {"sup_team", "sup_territory", "sup_elsewhere"}
AUDITORS = {"auditor_in", "auditor_out", "auditor_national"}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_each_page_opens_for_its_roles_only(
    case: Case, people: dict[str, Any], partner: dict[str, Any]
) -> None:
    referral = Referral.objects.get(case=case)
    rsu_id = case.household.rsu_id
    for name, user in people.items():
        client = client_for(user)
        expected = {
            "/cases/": 200 if name in WORKERS | AUDITORS else 403,
            "/cases/all/": 200 if name in WORKERS | AUDITORS else 403,
            f"/cases/{case.pk}/": 200 if name in SEES else 404,
            "/cases/referrals/": 200 if name.startswith("partner") else 403,
            f"/cases/referrals/{referral.pk}/": 200 if name == "partner_in" else 404,
            "/cases/team/": 200 if name in SUPERVISORS else 403,
            "/cases/outreach/": 200 if name in WORKERS else 403,
            # a household of region 06: those who may open cases there; the others may not
            f"/cases/open/?household={rsu_id}": (
                200
                if name in {"owner", "colleague", "receiver", "sup_territory"}
                else 404
                if name in {"sup_team", "sup_elsewhere"}
                else 403
            ),
        }
        for url, status in expected.items():
            assert client.get(url).status_code == status, (name, url)
        posted = client.post(f"/cases/{case.pk}/note/", {"text": "x"})
        assert posted.status_code == (302 if name == "owner" else 403 if name in SEES else 404), (
            name
        )
    assert CaseNote.objects.filter(case=case).count() == 2  # the fixture's and the owner's


def test_navigation_follows_the_role(people: dict[str, Any]) -> None:
    def labels(name: str) -> set[str]:
        html = client_for(people[name]).get("/").content.decode()
        return {
            label
            for label in ("Cases", "Referrals", "Team", "Outreach")
            if 'class="nav-link" href="/cases/' in html and f">{label}</a>" in html
        }

    assert labels("owner") == {"Cases"}
    assert labels("sup_team") == {"Cases", "Team", "Outreach"}
    assert labels("auditor_in") == {"Cases"}
    assert labels("partner_in") == {"Referrals"}
    assert labels("manager") == set()
    assert labels("admin") == set()


def test_the_case_page_shows_the_record_and_the_owners_forms(
    case: Case, people: dict[str, Any]
) -> None:
    html = client_for(people["owner"]).get(f"/cases/{case.pk}/").content.decode()
    assert case.reference in html
    assert "Father worried about transport costs." in html  # the note, decrypted here only
    # What people wrote keeps its own direction (Arabic in a French page, French in an Arabic
    # one): isolated, its direction read from its text.
    assert '<div dir="auto">Father worried about transport costs.</div>' in html
    assert "<bdi>Youssef needs physiotherapy</bdi>" in html
    assert "<bdi>Weekly physiotherapy</bdi>" in html
    assert 'id="timeline"' in html
    assert 'data-step="plan_approved"' in html
    assert 'data-dimension="health_disability" data-level="high"' in html
    assert "Rééducation" in html  # the referral's service
    for form in ("assessment-form", "plan-form", "consent-form", "visit-form", "note-form"):
        assert f'id="{form}"' in html, form
    assert 'id="transfer-form"' not in html  # a transfer is already waiting
    assert 'id="plan-decision"' not in html
    assert CaseAccess.objects.filter(case=case, user=people["owner"], action="view_web").exists()


def test_the_caseload_and_lists_never_show_a_note(case: Case, people: dict[str, Any]) -> None:
    owner = client_for(people["owner"])
    for url in ("/cases/", "/cases/all/", f"/households/{case.household.rsu_id}/"):
        html = owner.get(url).content.decode()
        assert case.reference in html, url
        assert "transport costs" not in html, url


def test_an_auditor_reads_the_case_without_any_form(case: Case, people: dict[str, Any]) -> None:
    html = client_for(people["auditor_in"]).get(f"/cases/{case.pk}/").content.decode()
    assert case.reference in html
    assert "<form" not in html.split('id="case-forms"')[1].split("</div>\n")[0]
    assert 'id="note-form"' not in html


def test_the_receiver_of_a_transfer_accepts_it_from_the_case_page(
    case: Case, people: dict[str, Any]
) -> None:
    receiver = client_for(people["receiver"])
    html = receiver.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="transfer-offer"' in html
    transfer = Transfer.objects.get(case=case)
    caseload = receiver.get("/cases/").content.decode()
    assert f'data-transfer="{transfer.pk}"' in caseload
    receiver.post(
        f"/cases/{case.pk}/transfer-answer/", {"transfer": transfer.pk, "decision": "accept"}
    )
    case.refresh_from_db()
    assert case.owner == people["receiver"]


def test_a_declined_transfer_goes_back_to_the_caseload(case: Case, people: dict[str, Any]) -> None:
    transfer = Transfer.objects.get(case=case)
    response = client_for(people["receiver"]).post(
        f"/cases/{case.pk}/transfer-answer/", {"transfer": transfer.pk, "decision": "decline"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert client_for(people["receiver"]).get(f"/cases/{case.pk}/").status_code == 404


def test_a_worker_takes_a_case_from_intake_to_closure_through_the_pages(
    family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]
) -> None:
    ServiceArea.objects.create(service=partner["service"], region_id="06")
    owner, supervisor = client_for(people["owner"]), client_for(people["sup_team"])
    household = family["household"]
    html = owner.get(f"/households/{household.rsu_id}/").content.decode()
    assert 'id="open-case"' in html
    opened = owner.post(
        "/cases/open/",
        {
            "household": household.rsu_id,
            "person": family["son"].rnp_id,
            "source": "self",
            "summary": "Youssef needs physiotherapy",
        },
    )
    case = Case.objects.get(household=household)
    assert opened["Location"] == f"/cases/{case.pk}/"
    assert case.person == family["son"]

    def post(client: Client, action: str, data: dict[str, Any]) -> str:
        response = client.post(f"/cases/{case.pk}/{action}/", data, follow=True)
        assert response.status_code == 200, action
        return response.content.decode()

    assessment = {f"{name}_level": r["level"] for name, r in RATINGS.items()}
    assessment["child_protection_note"] = "School far away"
    post(owner, "assess", assessment)
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNING
    assert case.assessments.get().ratings["child_protection"]["note"] == "School far away"

    review = (TODAY() + dt.timedelta(days=90)).isoformat()
    service = str(partner["service"].pk)
    page = owner.get(f"/cases/{case.pk}/").content.decode()
    assert f'value="{service}"' in page  # the directory's services near the case
    post(
        owner,
        "plan",
        {"goals": "Weekly physiotherapy\nBack to school", "review_date": review,
         "action_0": "Refer to the association", "service_0": service},
    )  # fmt: skip
    plan = case.plans.get()
    assert plan.goals == ["Weekly physiotherapy", "Back to school"]
    assert plan.actions[0]["service"] == service

    html = supervisor.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="plan-decision"' in html
    post(supervisor, "plan-decision", {"plan": plan.pk, "decision": "approve", "note": ""})
    plan.refresh_from_db()
    assert plan.status == "approved"

    refused = post(owner, "refer", {"service": service, "reason": "physio"})
    assert "no valid consent" in refused  # the service's own message
    post(
        owner,
        "consent",
        {"given_by": "Fatima (mother)", "purpose": "physiotherapy", "scope": "referral",
         "shared": ["first_name", "age", "needs"], "given_on": TODAY().isoformat(),
         "recipients": [str(partner["organization"].pk)]},
    )  # fmt: skip
    consent = Consent.objects.get(case=case)
    assert list(consent.recipients.all()) == [partner["organization"]]
    post(owner, "refer", {"service": service, "reason": "physio"})
    referral = Referral.objects.get(case=case)
    assert referral.status == "pending"

    partner_client = client_for(people["partner_in"])
    inbox = partner_client.get("/cases/referrals/").content.decode()
    assert case.reference in inbox
    view = partner_client.get(f"/cases/referrals/{referral.pk}/").content.decode()
    assert "Youssef" in view
    assert household.rsu_id not in view
    partner_client.post(f"/cases/referrals/{referral.pk}/reject/", {"text": ""})
    referral.refresh_from_db()
    assert referral.status == "pending"  # a rejection needs its reason
    partner_client.post(f"/cases/referrals/{referral.pk}/accept/")
    partner_client.post(f"/cases/referrals/{referral.pk}/complete/", {"text": "12 sessions"})
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("done", "12 sessions")
    assert (
        client_for(people["partner_out"]).get(f"/cases/referrals/{referral.pk}/").status_code == 404
    )

    post(
        owner,
        "visit",
        {"kind": "home", "visited_on": TODAY().isoformat(), "note": "Mother relieved"},
    )
    post(owner, "note", {"text": "Transport solved by the association"})
    page = owner.get(f"/cases/{case.pk}/").content.decode()
    assert "Mother relieved" in page
    assert "Transport solved" in page
    post(owner, "consent-withdraw", {"consent": consent.pk})
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY()

    post(owner, "closure", {"outcome": "goals_met", "note": "Sessions done"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSING
    # never by the owner: they see the case but this is not theirs to do
    assert (
        owner.post(f"/cases/{case.pk}/closure-decision/", {"decision": "approve"}).status_code
        == 403
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSING
    post(supervisor, "closure-decision", {"decision": "approve", "note": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    post(supervisor, "reopen", {"reason": "New need"})
    case.refresh_from_db()
    assert (case.status, case.reopened) == (CaseStatus.ASSESSMENT, 1)


def test_a_refused_form_says_why_and_changes_nothing(case: Case, people: dict[str, Any]) -> None:
    owner = client_for(people["owner"])
    response = owner.post(f"/cases/{case.pk}/plan/", {"goals": "x", "review_date": "soon"})
    assert response.status_code == 302
    html = owner.get(f"/cases/{case.pk}/").content.decode()
    assert 'class="alert alert-danger"' in html  # the date did not parse: said, nothing saved
    assert case.plans.count() == 1
    past = (TODAY() - dt.timedelta(days=1)).isoformat()
    owner.post(f"/cases/{case.pk}/plan/", {"goals": "x", "review_date": past})
    assert (
        "The review date must be in the future." in owner.get(f"/cases/{case.pk}/").content.decode()
    )
    assert owner.post(f"/cases/{case.pk}/unknown/").status_code == 404


def test_a_decision_the_post_does_not_name_decides_nothing(
    case: Case, people: dict[str, Any]
) -> None:
    """Only the button pressed decides: a post without it (or with another value) used to count as
    sending the plan back, refusing the closure, declining the transfer."""
    supervisor = client_for(people["sup_team"])
    plan = services.plan_submit(actor=people["owner"], case=case, goals=["g"], actions=[],
                                review_date=TODAY() + dt.timedelta(days=30))  # fmt: skip
    for decision in ({}, {"decision": "maybe"}):
        supervisor.post(
            f"/cases/{case.pk}/plan-decision/", {"plan": plan.pk, "note": "n", **decision}
        )
        plan.refresh_from_db()
        assert plan.status == "submitted", decision
    html = supervisor.get(f"/cases/{case.pk}/").content.decode()
    assert "decision: This field is required." in html  # the refused posts say why
    assert "decision: Select a valid choice." in html

    services.closure_request(actor=people["owner"], case=case, outcome="other", note="moving")
    supervisor.post(f"/cases/{case.pk}/closure-decision/", {"note": "stay"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSING

    transfer = Transfer.objects.get(case=case)
    receiver = client_for(people["receiver"])
    assert (
        receiver.post(f"/cases/{case.pk}/transfer-answer/", {"transfer": transfer.pk}).status_code
        == 302
    )
    transfer.refresh_from_db()
    assert transfer.status == "proposed"
    assert 'id="transfer-offer"' in receiver.get(f"/cases/{case.pk}/").content.decode()


def test_a_supervisor_alone_may_override_a_missing_consent(
    family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]
) -> None:
    ServiceArea.objects.create(service=partner["service"], region_id="06")
    owner = people["owner"]
    case = services.case_open(actor=owner, household=family["household"], source="self",
                              summary="Urgent")  # fmt: skip
    services.assessment_record(actor=owner, case=case, ratings=RATINGS)
    plan = services.plan_submit(actor=owner, case=case, goals=["g"], actions=[],
                                review_date=TODAY() + dt.timedelta(days=30))  # fmt: skip
    services.plan_decide(actor=people["sup_team"], plan=plan, approve=True)
    owner_page = client_for(owner).get(f"/cases/{case.pk}/").content.decode()
    assert 'name="override_reason"' not in owner_page
    supervisor = client_for(people["sup_team"])
    assert 'name="override_reason"' in supervisor.get(f"/cases/{case.pk}/").content.decode()
    supervisor.post(
        f"/cases/{case.pk}/refer/",
        {"service": str(partner["service"].pk), "reason": "urgent", "override_reason": "danger"},
    )
    assert Referral.objects.get(case=case).override_reason == "danger"


def test_the_supervisor_builds_and_assigns_outreach_and_the_worker_opens_a_case(
    make_user: Callable[..., Any], regions: None
) -> None:
    boss = make_user(Role.SUPERVISOR, username="boss", regions=["06"])
    worker = make_user(Role.SOCIAL_WORKER, username="worker", regions=["06"])
    profile_for(boss, region="06")
    profile_for(worker, region="06", supervisor=boss)
    home = HouseholdFactory(region_code="06")
    child = PersonFactory(
        birth_date=TODAY().replace(year=TODAY().year - 8), disability=True,
        disability_severity="severe", cnie=None, first_name_lat="Salma",
    )  # fmt: skip
    start = dt.date(2020, 1, 1)
    MembershipFactory(household=home, person=PersonFactory(), relationship="head", start=start)
    MembershipFactory(household=home, person=child, relationship="child", start=start)

    supervisor = client_for(boss)
    built = supervisor.post("/cases/outreach/build/")
    job = Job.objects.get(kind="casework.outreach_build")
    assert built["Location"] == f"/jobs/{job.pk}/"
    assert not OutreachItem.objects.filter(household=home).exists()  # not in the request
    assert jobs.run(jobs.claim()).status == "succeeded"  # type: ignore[arg-type]
    assert "1 new household to visit." in supervisor.get(f"/jobs/{job.pk}/").content.decode()
    item = OutreachItem.objects.get(household=home)
    assert f'data-outreach="{item.pk}"' in supervisor.get("/cases/outreach/").content.decode()
    supervisor.post("/cases/outreach/assign/", {"items": []})
    supervisor.post("/cases/outreach/assign/", {"items": [item.pk]})
    item.refresh_from_db()
    assert (item.status, item.assigned_to) == ("assigned", worker)

    owner = client_for(worker)
    assert f'data-outreach="{item.pk}"' in owner.get("/cases/").content.decode()
    assert f'data-outreach="{item.pk}"' in owner.get("/cases/outreach/").content.decode()
    response = owner.post(
        "/cases/open/",
        {"household": home.rsu_id, "person": child.rnp_id, "source": "registry",
         "summary": "Severe disability", "outreach": item.pk},
    )  # fmt: skip
    case = Case.objects.get(household=home)
    assert response["Location"] == f"/cases/{case.pk}/"
    item.refresh_from_db()
    assert (item.status, item.case) == ("case_opened", case)
    assert f'data-outreach="{item.pk}"' not in owner.get("/cases/").content.decode()


def test_outreach_dismissed_with_a_reason(people: dict[str, Any], family: dict[str, Any]) -> None:
    item = OutreachItem.objects.create(
        kind="elderly_alone", household=family["household"], region_code="06",
        commune_code=family["household"].commune_id, status="open", found_at=timezone.now(),
    )  # fmt: skip
    territory = client_for(people["sup_territory"])
    territory.post(f"/cases/outreach/{item.pk}/dismiss/", {"reason": ""})
    item.refresh_from_db()
    assert item.status == "open"
    territory.post(f"/cases/outreach/{item.pk}/dismiss/", {"reason": "Lives with her son now"})
    item.refresh_from_db()
    assert item.status == "dismissed"
    assert (
        client_for(people["owner"])
        .post(f"/cases/outreach/{item.pk}/dismiss/", {"reason": "x"})
        .status_code
        == 404
    )


def test_no_case_is_opened_for_a_dissolved_household(
    people: dict[str, Any], family: dict[str, Any]
) -> None:
    """The household page offers no case for it; the page behind the offer refused none either."""
    household = family["household"]
    household.status = "dissolved"
    household.save(update_fields=["status"])
    owner = client_for(people["owner"])
    data = {"household": household.rsu_id, "source": "self", "summary": "Alone now"}
    html = owner.post("/cases/open/", data).content.decode()
    assert "This household is dissolved" in html
    assert not Case.objects.filter(household=household).exists()


def test_assigning_an_item_no_row_can_have_is_refused_not_a_500(
    people: dict[str, Any], family: dict[str, Any]
) -> None:
    item = OutreachItem.objects.create(
        kind="elderly_alone", household=family["household"], region_code="06",
        commune_code=family["household"].commune_id, status="open", found_at=timezone.now(),
    )  # fmt: skip
    territory = client_for(people["sup_territory"])
    posted = territory.post("/cases/outreach/assign/", {"items": [item.pk, "9" * 20]})
    assert posted.status_code == 302  # SQLite raised OverflowError on the id: a 500
    html = territory.get("/cases/outreach/").content.decode()
    assert "Some items are not open or not in your area; nothing was assigned." in html
    item.refresh_from_db()
    assert item.status == "open"


def test_the_household_page_offers_a_case_to_those_who_may_open_one(
    case: Case, people: dict[str, Any]
) -> None:
    url = f"/households/{case.household.rsu_id}/"
    owner_html = client_for(people["owner"]).get(url).content.decode()
    assert 'id="open-case"' in owner_html
    assert case.reference in owner_html
    auditor_html = client_for(people["auditor_in"]).get(url).content.decode()
    assert 'id="household-cases"' in auditor_html
    assert 'id="open-case"' not in auditor_html
    colleague_html = client_for(people["colleague"]).get(url).content.decode()
    assert 'id="open-case"' in colleague_html
    assert case.reference not in colleague_html
    manager_html = client_for(people["manager"]).get(url).content.decode()
    assert 'id="household-cases"' not in manager_html


def test_the_team_page_counts_and_lists_what_waits(case: Case, people: dict[str, Any]) -> None:
    owner = people["owner"]
    services.closure_request(actor=owner, case=case, outcome="other", note="moving")
    html = client_for(people["sup_team"]).get("/cases/team/").content.decode()
    assert 'data-worker="owner"' in html
    assert case.reference in html.split('id="awaiting"')[1]


def reads(user: Any, action: str, since: int = 0) -> set[tuple[str, str]]:
    """(target type, id) of the personal-data reads audited for `user` under `action` (after the
    event `since`)."""
    events = AuditEvent.objects.filter(
        actor_id=user.pk, kind=AuditKind.READ, action=action, pk__gt=since
    )
    return set(events.values_list("target_type", "target_id"))


def last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_reading_a_case_is_logged_and_audited_lists_too(case: Case, people: dict[str, Any]) -> None:
    target = ("casework.case", str(case.pk))
    for name in ("owner", "auditor_in"):
        client_for(people[name]).get(f"/cases/{case.pk}/")
        assert reads(people[name], "casework.case_viewed") == {target}, name
    client_for(people["owner"]).get("/cases/all/")
    assert reads(people["owner"], "casework.case_listed") == {target}
    # whoever may not see the case reads nothing of it, and nothing is recorded for them
    client_for(people["colleague"]).get(f"/cases/{case.pk}/")
    assert not AuditEvent.objects.filter(actor_id=people["colleague"].pk, kind=AuditKind.READ)


def test_the_caseload_logs_the_cases_offered_to_the_worker(
    case: Case, people: dict[str, Any]
) -> None:
    receiver = people["receiver"]
    html = client_for(receiver).get("/cases/").content.decode()
    assert case.reference in html  # the incoming transfer shows the case
    assert CaseAccess.objects.filter(
        case=case, user=receiver, action="caseload", relation="receiver"
    ).exists()
    assert reads(receiver, "casework.case_listed") == {("casework.case", str(case.pk))}


def test_the_partner_reads_of_a_referral_are_audited(case: Case, people: dict[str, Any]) -> None:
    referral = Referral.objects.get(case=case)
    partner = client_for(people["partner_in"])
    partner.get("/cases/referrals/")
    partner.get(f"/cases/referrals/{referral.pk}/")
    target = {("casework.referral", str(referral.pk))}
    assert reads(people["partner_in"], "casework.referral_listed") == target
    assert reads(people["partner_in"], "casework.referral_viewed") == target


def test_the_names_on_the_outreach_lists_and_the_opening_page_are_audited(
    people: dict[str, Any], family: dict[str, Any]
) -> None:
    household, son = family["household"], family["son"]
    OutreachItem.objects.create(
        kind="disabled_child", household=household, person=son, region_code="06",
        commune_code=household.commune_id, status="assigned", assigned_to=people["owner"],
        found_at=timezone.now(),
    )  # fmt: skip
    named = {("registry.household", str(household.pk)), ("registry.person", str(son.pk))}
    owner = client_for(people["owner"])
    for url in ("/cases/", "/cases/outreach/"):
        since = last_event()
        assert "data-outreach" in owner.get(url).content.decode(), url
        assert reads(people["owner"], "casework.outreach_listed", since) == named, url
    territory = client_for(people["sup_territory"])
    assert "data-outreach" in territory.get("/cases/outreach/?status=assigned").content.decode()
    assert reads(people["sup_territory"], "casework.outreach_listed") == named
    # the opening page lists the household's members by name
    assert (
        son.first_name_ar
        in owner.get(f"/cases/open/?household={household.rsu_id}").content.decode()
    )
    assert reads(people["owner"], "casework.case_opening_viewed") == {
        ("registry.household", str(household.pk))
    }


def test_the_labels_cover_every_code() -> None:
    assert set(forms.OUTCOME_LABELS) == set(CLOSURE_OUTCOMES)
    assert set(forms.SHAREABLE_LABELS) == set(SHAREABLE)
