"""A case's other paths in a real browser (Debian's chromium via Playwright), in French: the
supervisor switches the interface to French, looks at her team and assigns a household to visit
(to the least loaded worker); the association rejects a referral, with its reason; the mother
withdraws her consent, and a new referral is refused for want of it; the worker records a home
visit, then proposes the case to a colleague, who owns it only once he accepts. The Arabic journey
(test_browser_casework.py) covers the case from outreach to closure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jisr.accounts import services as accounts
from jisr.accounts.roles import Role
from jisr.casework import services
from jisr.casework.models import (
    Case,
    Consent,
    OutreachItem,
    OutreachStatus,
    Referral,
    ReferralStatus,
    Transfer,
    TransferStatus,
    Visit,
)
from jisr.conftest import SCREENSHOTS, background_jobs_done, in_language
from jisr.conftest import success_message as success
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory
from jisr.workforce.tests.factories import profile_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RATINGS = {
    name: {"level": level, "note": ""}
    for name, level in (
        ("health_disability", "critical"),
        ("elderly_autonomy", "none"),
        ("child_protection", "medium"),
        ("isolation", "low"),
        ("housing", "low"),
        ("income_benefits", "medium"),
    )
}


def in_french(tab: Any) -> str:
    return in_language(tab, "fr")


def shot(tab: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"casework-{name}-fr.png"), full_page=True)


def steps(tab: Any) -> list[str]:
    return list(
        tab.locator("#timeline [data-step]").evaluate_all(
            "items => items.map(item => item.dataset.step)"
        )
    )


@pytest.fixture
def referred(journey: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """The Arabic journey's first half, done through the services: Salma's case is active (plan
    approved), the mother consented to share with the association, and the case is referred to
    its day centre. Khadija's colleague Youssef (who speaks French) joins the team; everyone but
    the supervisor has chosen French. An old man living alone waits to be found by outreach."""
    nadia, khadija = journey["supervisor"], journey["worker"]
    youssef = make_user(Role.SOCIAL_WORKER, username="youssef", regions=["06"], language="fr")
    profile_for(youssef, region="06", supervisor=nadia, languages=("ar", "fr"))
    for person in (khadija, journey["partner_staff"]):
        accounts.user_language_set(user=person, language="fr")
    case = services.case_open(
        actor=khadija,
        household=journey["household"],
        person=journey["child"],
        source="registry",
        summary="Enfant en situation de handicap sévère",
    )
    services.assessment_record(actor=khadija, case=case, ratings=RATINGS)
    plan = services.plan_submit(
        actor=khadija,
        case=case,
        goals=["Accueil de jour"],
        actions=[{"description": "Orienter vers Nour", "service": str(journey["service"].pk)}],
        review_date=timezone.localdate() + dt.timedelta(days=90),
    )
    services.plan_decide(actor=nadia, plan=plan, approve=True)
    consent = services.consent_record(
        actor=khadija,
        case=case,
        given_by="La mère, Fatima",
        purpose="Orientation vers le centre d'accueil de jour",
        scope="referral",
        fields=["first_name", "age", "needs"],
        given_on=timezone.localdate(),
        recipients=[journey["association"]],
    )
    referral = services.referral_send(
        actor=khadija, case=case, service=journey["service"], reason="Accueil de jour"
    )
    lonely = HouseholdFactory(region_code="06")
    today = timezone.localdate()
    elder = PersonFactory(first_name_lat="Ahmed", birth_date=today.replace(year=today.year - 82))
    MembershipFactory(
        household=lonely, person=elder, relationship="head", start=dt.date(2020, 1, 1)
    )
    return {
        **journey,
        "case": case,
        "consent": consent,
        "referral": referral,
        "colleague": youssef,
        "lonely": lonely,
    }


def test_transfer_rejected_referral_withdrawn_consent_and_visit_in_french(
    signed_in: Callable[..., Any], live_server: Any, referred: dict[str, Any]
) -> None:
    base = live_server.url
    case: Case = referred["case"]
    khadija, youssef = referred["worker"], referred["colleague"]
    case_url = f"{base}/cases/{case.pk}/"

    # The supervisor's browser says French, but the pages follow the person, not the machine:
    # Arabic until she chooses French with the language switch, which her profile remembers.
    supervisor = signed_in("nadia", "fr-MA")
    assert supervisor.locator("html").get_attribute("dir") == "rtl"
    supervisor.locator('#language-switch button[value="fr"]').click()
    assert "Bienvenue, nadia" in in_french(supervisor)
    referred["supervisor"].refresh_from_db()
    assert referred["supervisor"].preferred_language == "fr"

    # Her team: Khadija has the case, Youssef nothing yet.
    supervisor.locator('a.nav-link[href="/cases/team/"]').click()
    text = in_french(supervisor)
    assert "Mon équipe" in text
    assert "dossiers ouverts" in text
    assert supervisor.locator('#team tr[data-worker="khadija"] .open-cases').inner_text() == "1"
    assert supervisor.locator('#team tr[data-worker="youssef"] .open-cases').inner_text() == "0"
    assert "Rien n'est en attente." in supervisor.locator("#awaiting").inner_text()
    shot(supervisor, "team")

    # Outreach finds the old man living alone (not Salma: her household has an open case); the
    # supervisor assigns him, preferably to a French speaker: Youssef, the least loaded.
    supervisor.locator('a.nav-link[href="/cases/outreach/"]').click()
    assert "Ménages à visiter" in in_french(supervisor)
    supervisor.locator("#build-outreach").click()  # a background job for the whole area
    background_jobs_done(supervisor)
    assert supervisor.locator("#outreach-found").inner_text() == "1 nouveau ménage à visiter."
    supervisor.locator("#back-to-outreach").click()
    supervisor.wait_for_url(f"{base}/cases/outreach/")  # the list, loaded, before counting
    assert supervisor.locator("#outreach tr[data-kind]").count() == 1
    row = supervisor.locator('#outreach tr[data-kind="elderly_alone"]')
    assert "une personne de 75 ans ou plus vivant seule" in row.inner_text()
    row.locator('input[name="items"]').check()
    supervisor.select_option("#language", "fr")
    shot(supervisor, "outreach")
    supervisor.locator("#assign-outreach").click()
    assert "1 ménage affecté à votre équipe." in success(supervisor)
    item = OutreachItem.objects.get(household=referred["lonely"])
    assert (item.status, item.assigned_to) == (OutreachStatus.ASSIGNED, youssef)

    # The association rejects the referral, saying why.
    partner = signed_in("omar", "fr-MA")
    partner.locator('a.nav-link[href="/cases/referrals/"]').click()
    assert "Orientations" in in_french(partner)
    partner.locator("#referral-inbox a").first.click()
    text = in_french(partner)
    assert "Accepter l'orientation" in text
    assert "Salma" in partner.locator("#shared-first-name").inner_text()
    partner.fill("#reject-reason", "Plus de place avant la rentrée ; liste d'attente pleine.")
    partner.locator("#reject-referral").click()
    assert "Orientation rejetée." in success(partner)
    assert partner.locator("#referral-status").get_attribute("data-status") == "rejected"
    assert partner.locator("#referral-status").inner_text() == "rejetée"  # une orientation
    assert "Plus de place avant la rentrée" in in_french(partner)
    referral = Referral.objects.get(pk=referred["referral"].pk)
    assert referral.status == ReferralStatus.REJECTED
    assert referral.rejection_reason.startswith("Plus de place")
    assert referral.answered_by == referred["partner_staff"]
    shot(partner, "referral-rejected")

    # The worker sees the rejection and its reason on the case (in French, her choice, on an
    # office computer set up in Arabic).
    worker = signed_in("khadija", "ar-MA")
    worker.goto(case_url)
    in_french(worker)
    line = worker.locator(f'#referrals tr[data-referral="{referral.pk}"]')
    assert line.get_attribute("data-status") == "rejected"
    assert "Plus de place avant la rentrée" in line.inner_text()
    assert "orientation rejetée par le partenaire" in worker.locator("#timeline").inner_text()

    # The mother withdraws her consent: a new referral to the day centre is refused, with the
    # reason in French, and none is sent.
    consent_row = worker.locator(f'#consents tr[data-consent="{referred["consent"].pk}"]')
    consent_row.locator("button").click()
    assert "Consentement retiré." in success(worker)
    assert "retiré le" in consent_row.inner_text()
    assert Consent.objects.get(pk=referred["consent"].pk).withdrawn_on == timezone.localdate()
    worker.select_option("#refer-service", str(referred["service"].pk))
    worker.fill("#refer-reason", "Nouvelle demande pour la rentrée")
    worker.locator("#referral-form button").click()
    refusal = worker.locator(".alert-danger").inner_text()
    assert "Il n'existe aucun consentement valide pour cette orientation" in refusal
    in_french(worker)
    assert Referral.objects.filter(case=case).count() == 1
    shot(worker, "consent-missing")

    # A home visit, with the next follow-up in five days: it shows on her caseload.
    next_due = timezone.localdate() + dt.timedelta(days=5)
    worker.locator("#visit-form summary").click()
    worker.select_option("#visit-kind", "home")
    worker.fill("#visit-next_due", next_due.isoformat())
    worker.fill("#visit-note", "La mère demande une aide pour le transport.")
    worker.locator("#visit-form button").click()
    assert "Visite enregistrée." in success(worker)
    assert "visite à domicile" in worker.locator("#visits").inner_text()
    visit = Visit.objects.get(case=case)
    assert (visit.kind, visit.visited_on, visit.next_due) == (
        "home",
        timezone.localdate(),
        next_due,
    )
    assert visit.visited_by == khadija
    worker.locator('a.nav-link[href="/cases/"]').click()
    assert "Suivis prévus cette semaine" in in_french(worker)
    assert case.reference in worker.locator("#due-followups").inner_text()

    # She proposes the case to Youssef: it stays hers until he accepts.
    worker.goto(case_url)
    worker.locator("#transfer-form summary").click()
    worker.select_option("#transfer-to_user", str(youssef.pk))
    worker.fill("#transfer-reason", "Youssef suit déjà la famille du quartier")
    worker.locator("#transfer-form button").click()
    assert "Transfert proposé" in success(worker)
    assert worker.locator("#transfers li").get_attribute("data-status") == "proposed"
    assert "khadija" in worker.locator("#case-owner").inner_text()
    in_french(worker)
    case.refresh_from_db()
    assert case.owner == khadija
    transfer = Transfer.objects.get(case=case)
    assert (transfer.status, transfer.to_user) == (TransferStatus.PROPOSED, youssef)

    # Youssef finds it offered on his caseload, opens it (still Khadija's), and accepts.
    colleague = signed_in("youssef", "fr-MA")
    colleague.locator('a.nav-link[href="/cases/"]').click()
    assert "Dossiers qui vous sont proposés" in in_french(colleague)
    assert colleague.locator("#my-outreach [data-kind='elderly_alone']").count() == 1
    colleague.locator(f'#incoming-transfers a[href="/cases/{case.pk}/"]').click()
    offer = colleague.locator("#transfer-offer")
    assert "khadija vous propose ce dossier : Youssef suit déjà" in offer.inner_text()
    assert "khadija" in colleague.locator("#case-owner").inner_text()
    in_french(colleague)
    shot(colleague, "transfer-offer")
    offer.locator('button[value="accept"]').click()
    assert "Transfert accepté : le dossier vous est désormais confié." in success(colleague)
    assert "youssef" in colleague.locator("#case-owner").inner_text()
    assert colleague.locator("#transfer-offer").count() == 0
    case.refresh_from_db()
    assert case.owner == youssef
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED
    assert steps(colleague)[-2:] == ["transfer_proposed", "transfer_accepted"]
    assert {"referral_rejected", "consent_withdrawn", "visited"} <= set(steps(colleague))
    timeline = colleague.locator("#timeline").inner_text()
    assert "transfert accepté" in timeline
    assert "suivi enregistré" in timeline
    colleague.locator('a.nav-link[href="/cases/"]').click()
    assert case.reference in colleague.locator("#caseload").inner_text()
    assert case.reference in colleague.locator("#due-followups").inner_text()

    # The team page now counts the case for Youssef.
    supervisor.goto(f"{base}/cases/team/")
    assert supervisor.locator('#team tr[data-worker="khadija"] .open-cases').inner_text() == "0"
    assert supervisor.locator('#team tr[data-worker="youssef"] .open-cases').inner_text() == "1"
    in_french(supervisor)
    shot(supervisor, "team-after-transfer")
