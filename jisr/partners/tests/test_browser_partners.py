"""The partners' pages in a real browser (Debian's chromium via Playwright), in French: the staff
of Association Nour find in their inbox the referral sent to them (not the one sent to Association
Sanad), accept it and say what was done; a programme manager searches the service directory,
opens a service, downloads the directory as HSDS JSON, and finds the demo agreement's overdue
reports flagged on its tranches."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from jisr.accounts import services as accounts
from jisr.accounts.roles import Role
from jisr.casework import services as casework
from jisr.casework.models import Case, Referral, ReferralStatus
from jisr.conftest import SCREENSHOTS, in_language
from jisr.conftest import success_message as success
from jisr.partners import demo, selectors
from jisr.partners import services as partners
from jisr.partners.models import Agreement, Organization, Service
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory
from jisr.workforce.tests.factories import profile_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RATINGS = {
    name: {"level": "high" if name == "health_disability" else "low", "note": ""}
    for name in (
        "health_disability",
        "elderly_autonomy",
        "child_protection",
        "isolation",
        "housing",
        "income_benefits",
    )
}


def in_french(tab: Any) -> str:
    return in_language(tab, "fr")


def shot(tab: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"partners-{name}-fr.png"), full_page=True)


def referred_child(*, worker: Any, supervisor: Any, first_name: str, service: Service) -> Case:
    """A child's case in Casablanca, assessed, planned, approved, consented and referred to
    `service` (the casework journeys test these steps in the browser)."""
    household = HouseholdFactory(region_code="06")
    today = timezone.localdate()
    child = PersonFactory(
        first_name_lat=first_name, cnie=None, birth_date=today.replace(year=today.year - 9)
    )
    start = dt.date(2020, 1, 1)
    MembershipFactory(household=household, person=PersonFactory(), relationship="head", start=start)
    MembershipFactory(household=household, person=child, relationship="child", start=start)
    case = casework.case_open(
        actor=worker, household=household, person=child, source="self", summary="Enfant à orienter"
    )
    casework.assessment_record(actor=worker, case=case, ratings=RATINGS)
    plan = casework.plan_submit(
        actor=worker,
        case=case,
        goals=[service.name],
        actions=[{"description": "Orienter", "service": str(service.pk)}],
        review_date=today + dt.timedelta(days=90),
    )
    casework.plan_decide(actor=supervisor, plan=plan, approve=True)
    casework.consent_record(
        actor=worker,
        case=case,
        given_by="La mère",
        purpose=service.name,
        scope="referral",
        fields=["first_name", "age", "needs"],
        given_on=today,
        recipients=[service.organization],
    )
    casework.referral_send(actor=worker, case=case, service=service, reason=f"Pour {first_name}")
    return case


@pytest.fixture
def partnership(communes: None, staff: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    """The demo directory and agreement (seeded as of today: two quarterly reports overdue), its
    staff at Nour and at Sanad, a programme manager of Casablanca-Settat, all in French; a child
    referred to Nour's day centre, another to Sanad's shelter."""
    demo.directory_seed(today=timezone.localdate())
    accounts.user_language_set(user=staff, language="fr")
    sanad = Organization.objects.get(pk=demo._id("sanad"))
    sanad_staff = make_user(Role.PARTNER_STAFF, username="sanad.staff", language="fr")
    partners.organization_member_add(actor=None, user=sanad_staff, organization=sanad)
    manager = make_user(Role.PROGRAMME_MANAGER, username="manager06", regions=["06"], language="fr")
    supervisor = make_user(Role.SUPERVISOR, username="nadia", regions=["06"])
    worker = make_user(Role.SOCIAL_WORKER, username="khadija", regions=["06"])
    profile_for(supervisor, region="06")
    profile_for(worker, region="06", supervisor=supervisor)
    day_centre = Service.objects.get(pk=demo._id("nour", "day-centre"))
    shelter = Service.objects.get(pk=demo._id("sanad", "shelter"))
    return {
        "nour": Organization.objects.get(pk=demo._id("nour")),
        "sanad": sanad,
        "manager": manager,
        "day_centre": day_centre,
        "to_nour": referred_child(
            worker=worker, supervisor=supervisor, first_name="Salma", service=day_centre
        ),
        "to_sanad": referred_child(
            worker=worker, supervisor=supervisor, first_name="Amine", service=shelter
        ),
    }


def test_partner_staff_handle_their_own_referrals_only(
    signed_in: Callable[..., Any], live_server: Any, partnership: dict[str, Any]
) -> None:
    to_nour, to_sanad = partnership["to_nour"], partnership["to_sanad"]
    mine = Referral.objects.get(case=to_nour)
    theirs = Referral.objects.get(case=to_sanad)

    # Nour's staff see the referral sent to Nour, not the one sent to Sanad.
    staff = signed_in(demo.STAFF_USERNAME, "fr-MA")
    staff.locator('a.nav-link[href="/cases/referrals/"]').click()
    text = in_french(staff)
    assert "Seules les informations que la personne a accepté de partager" in text
    assert staff.locator("#organization").inner_text() == partnership["nour"].name_fr
    rows = staff.locator("#referral-inbox tr[data-referral]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-referral") == str(mine.pk)
    assert to_nour.reference in text
    assert to_sanad.reference not in text
    shot(staff, "inbox")
    refused = staff.goto(f"{live_server.url}/cases/referrals/{theirs.pk}/")
    assert refused is not None
    assert refused.status == 404
    in_french(staff)

    # They accept it, then say what was done.
    staff.goto(f"{live_server.url}/cases/referrals/")
    rows.first.locator("a").click()
    assert "Salma" in staff.locator("#shared-first-name").inner_text()
    staff.locator("#accept-referral").click()
    assert "Orientation acceptée." in success(staff)
    assert staff.locator("#referral-status").inner_text() == "acceptée"
    assert Referral.objects.get(pk=mine.pk).status == ReferralStatus.ACCEPTED
    staff.fill("#outcome", "Salma est accueillie au centre trois jours par semaine.")
    staff.locator("#complete-referral").click()
    assert "Orientation réalisée." in success(staff)
    assert staff.locator("#referral-status").get_attribute("data-status") == "done"
    assert staff.locator("#referral-status").inner_text() == "réalisée"
    assert "trois jours par semaine" in staff.locator("#referral-outcome").inner_text()
    in_french(staff)
    shot(staff, "referral-done")
    mine.refresh_from_db()
    assert (mine.status, mine.outcome) == (
        ReferralStatus.DONE,
        "Salma est accueillie au centre trois jours par semaine.",
    )
    assert Referral.objects.get(pk=theirs.pk).status == ReferralStatus.PENDING

    # Sanad's staff, in turn, see only theirs.
    other = signed_in("sanad.staff", "fr-MA")
    other.locator('a.nav-link[href="/cases/referrals/"]').click()
    ids = other.locator("#referral-inbox tr[data-referral]").evaluate_all(
        "rows => rows.map(row => row.dataset.referral)"
    )
    assert ids == [str(theirs.pk)]


def test_a_manager_browses_the_directory_and_follows_an_agreement(
    signed_in: Callable[..., Any], live_server: Any, partnership: dict[str, Any], tmp_path: Path
) -> None:
    manager = signed_in("manager06", "ar-MA")

    # The directory, searched for an eight-year-old by words.
    manager.locator('a.nav-link[href="/partners/"]').click()
    assert "Annuaire des services" in in_french(manager)
    manager.fill("#id_q", "accueil")
    manager.fill("#id_age", "8")
    manager.locator("#directory-search button").click()
    in_french(manager)
    found = manager.locator("#services tr[data-service]").evaluate_all(
        "rows => rows.map(row => row.dataset.service)"
    )
    assert set(found) == {demo._id("nour", "day-centre"), demo._id("sanad", "shelter")}
    shot(manager, "directory")

    # A service's page: who it is for, places, areas, languages, opening days.
    day_centre = partnership["day_centre"]
    manager.locator(f'#services a[href="/partners/services/{day_centre.pk}/"]').click()
    text = in_french(manager)
    assert manager.locator("#service-name").inner_text().startswith(day_centre.name)
    assert "Enfants de 3 à 18 ans en situation de handicap." in text
    assert "Places restantes" in text
    assert manager.locator("#service-facts .places").inner_text() == "4 / 40"
    assert manager.locator("#service-areas").inner_text() == "Commune A, Commune B"
    assert manager.locator("#service-languages").inner_text() == (
        "Arabe, Arabe marocain (darija), Français"
    )
    assert manager.locator(".service-schedule").inner_text() == (
        "lun, mar, mer, jeu, ven 08:30–16:30"
    )
    assert "Comment en bénéficier" in text
    shot(manager, "service")

    # The whole directory as HSDS JSON, from the directory's page.
    manager.locator(".breadcrumb a").first.click()
    with manager.expect_download() as downloading:
        manager.locator("#hsds-download").click()
    download = downloading.value
    assert download.suggested_filename.startswith("jisr-directory-hsds-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    documents = json.loads(saved.read_text(encoding="utf-8"))
    nour = next(o for o in documents if o["id"] == str(partnership["nour"].pk))
    assert nour["name"] == partnership["nour"].name_fr
    assert {s["id"] for s in nour["services"]} >= {str(day_centre.pk)}
    assert len(documents) == Organization.objects.count()

    # The agreements: the demo one has two reports overdue, flagged on the list, on the
    # agreement, on the tranche they condition, and on each report due.
    agreement = Agreement.objects.get(reference=demo.AGREEMENT_REFERENCE)
    assert selectors.overdue_reports(on=timezone.localdate()).count() == 2
    manager.locator('a.nav-link[href="/partners/agreements/"]').click()
    assert "Conventions de partenariat" in in_french(manager)
    row = manager.locator(f'#agreements tr[data-agreement="{demo.AGREEMENT_REFERENCE}"]')
    assert row.locator(".overdue").get_attribute("data-overdue") == "2"
    row.locator("a").first.click()
    manager.wait_for_url(f"{live_server.url}/partners/agreements/{agreement.pk}/")
    text = in_french(manager)
    assert manager.locator("#overdue-count").inner_text() == "2 rapports en retard"
    tranches = manager.locator("#tranches tr[data-tranche]")
    assert tranches.evaluate_all("rows => rows.map(row => row.dataset.status)") == [
        "paid",
        "planned",
        "planned",
    ]
    # Every cell stays a table cell (the actions' cell was a flex box, out of its row).
    displays = manager.locator("#tranches td").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell).display)"
    )
    assert set(displays) == {"table-cell"}
    second = manager.locator('#tranches tr[data-tranche="2"]')
    assert "table-danger" in str(second.get_attribute("class"))
    assert second.locator(".overdue-flag").inner_text() == "Rapports en retard"
    assert "Enfants accueillis" in second.inner_text()
    assert "52 / 60" in second.inner_text()
    overdue = manager.locator('#reports-due tr[data-overdue="true"]')
    assert overdue.count() == 2
    assert "en retard" in overdue.first.inner_text()
    assert manager.locator('#reports-due tr[data-status="submitted"]').count() == 1
    assert "Rapports attendus" in text
    shot(manager, "agreement")


def test_a_manager_drafts_and_signs_an_agreement_in_arabic(
    signed_in: Callable[..., Any],
    live_server: Any,
    partnership: dict[str, Any],
    make_user: Callable[..., Any],
) -> None:
    """From the association's page: a new draft, two tranches, a report due and an indicator
    conditioning the second, a signature refused while the tranches fall short of the State's
    contribution, then accepted; in Arabic, right to left."""
    make_user(Role.PROGRAMME_MANAGER, username="manager.ar", regions=["06"], language="ar")
    nour = partnership["nour"]
    today = timezone.localdate()
    day = lambda n: (today + dt.timedelta(days=n)).isoformat()  # noqa: E731
    manager = signed_in("manager.ar", "ar-MA")
    manager.goto(f"{live_server.url}/partners/organizations/{nour.pk}/")
    in_language(manager, "ar")
    manager.locator("#agreement-new").click()
    assert manager.locator("#id_organization").input_value() == str(nour.pk)
    manager.fill("#id_reference", "CONV-06-NOUR-2")
    manager.select_option("#id_funder", "entraide_nationale")
    manager.fill("#id_start", day(0))
    manager.fill("#id_end", day(365))
    manager.fill("#id_budget", "200000")
    manager.fill("#id_contribution", "150000")
    manager.fill("#id_purpose", "استقبال نهاري للأطفال في وضعية إعاقة")
    manager.locator("#agreement-form button").click()
    agreement = Agreement.objects.get(reference="CONV-06-NOUR-2")
    manager.wait_for_url(f"{live_server.url}/partners/agreements/{agreement.pk}/")
    assert (agreement.status, agreement.organization_id, agreement.funder) == (
        "draft",
        nour.pk,
        "entraide_nationale",
    )

    for amount, due_on in (("100000", day(30)), ("30000", day(200))):
        manager.fill("#id_tranche-amount", amount)
        manager.fill("#id_tranche-due_date", due_on)
        manager.locator("#tranche-form button").click()
        in_language(manager, "ar")
    tranches = list(agreement.tranches.order_by("number"))
    assert [(t.number, str(t.amount)) for t in tranches] == [(1, "100000.00"), (2, "30000.00")]
    # Amounts read as amounts: thousands grouped, the Arabic decimal comma.
    assert "130\u202f000,00" in manager.locator("#planned-total").inner_text()
    assert "150\u202f000,00" in manager.locator("#planned-total").inner_text()
    second = tranches[1]
    manager.fill("#id_report-period_start", day(0))
    manager.fill("#id_report-period_end", day(90))
    manager.fill("#id_report-due_date", day(100))
    manager.select_option("#id_report-tranche", str(second.pk))
    manager.locator("#report-due-form button").click()
    manager.select_option("#id_indicator-tranche", str(second.pk))
    manager.select_option("#id_indicator-measure", "people_served")
    manager.fill("#id_indicator-target", "40")
    manager.locator("#indicator-form button").click()
    due = agreement.reports_due.get()
    assert (due.tranche_id, due.due_date.isoformat()) == (second.pk, day(100))
    assert [(i.measure, i.target) for i in second.indicators.all()] == [("people_served", 40)]

    # 130,000 MAD planned of 150,000: the signature is refused and nothing changes.
    manager.fill("#id_activate-signed_on", day(0))
    manager.locator("#activate-form button").click()
    assert "alert-danger" in str(manager.locator("main .alert").first.get_attribute("class"))
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    manager.fill("#id_tranche-amount", "20000")
    manager.fill("#id_tranche-due_date", day(300))
    manager.locator("#tranche-form button").click()
    manager.fill("#id_activate-signed_on", day(0))
    manager.locator("#activate-form button").click()
    in_language(manager, "ar")
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert agreement.signed_on == today
    assert manager.locator("#close-card").is_visible()  # in force: only closing is left
    assert manager.locator("#agreement-steps").count() == 0
    shot(manager, "agreement-signed-ar")
