"""A case's whole path in a real browser (Debian's chromium via Playwright), in Arabic: the
supervisor finds the households to visit and assigns them to the team; the social worker opens a
case from her list, assesses, plans; the supervisor approves the plan; the worker records the
mother's consent and refers the child to an association; the association's staff accept and
complete the referral; the worker asks to close; the supervisor closes the case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jisr.casework.models import DIMENSIONS, Case
from jisr.conftest import SCREENSHOTS, background_jobs_done, in_language, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARABIC = range(0x0600, 0x0700)


def arabic(text: str) -> bool:
    return any(ord(char) in ARABIC for char in text)


def shot(tab: Any, name: str) -> None:
    """A screenshot of a page, once sure that it is all Arabic and right to left."""
    in_language(tab, "ar")
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"casework-{name}-ar.png"), full_page=True)


def status(tab: Any) -> str:
    return str(tab.locator("#case-status").get_attribute("data-status"))


def test_a_case_from_outreach_to_closure_in_arabic(
    signed_in: Callable[..., Any], live_server: Any, journey: dict[str, Any]
) -> None:
    base = live_server.url
    # The supervisor finds the households to visit and gives them to her team.
    supervisor = signed_in("nadia")
    supervisor.locator('a.nav-link[href="/cases/outreach/"]').click()
    assert supervisor.locator("html").get_attribute("dir") == "rtl"
    supervisor.locator("#build-outreach").click()  # a background job for the whole area
    background_jobs_done(supervisor)
    supervisor.locator("#back-to-outreach").click()
    supervisor.wait_for_url(f"{base}/cases/outreach/")  # the list, loaded, before counting
    row = supervisor.locator('#outreach tr[data-kind="disabled_child"]')
    assert arabic(row.inner_text())  # the child's name, as the registry holds it
    row.locator('input[name="items"]').check()
    shot(supervisor, "outreach")
    supervisor.locator("#assign-outreach").click()
    success_message(supervisor)

    # The worker opens a case from her list of households to visit.
    worker = signed_in("khadija")
    worker.locator('a.nav-link[href="/cases/"]').click()
    assert worker.locator("#accreditation-banner").get_attribute("data-code") == "ok"
    item = worker.locator('#my-outreach [data-kind="disabled_child"]')
    assert "سلمى" in item.inner_text()
    shot(worker, "caseload")
    item.locator(".open-case-form button").click()
    worker.wait_for_url(f"{base}/cases/*/")
    case = Case.objects.get(household=journey["household"])
    assert status(worker) == "intake"
    assert worker.locator("html").get_attribute("lang") == "ar"
    assert worker.locator("#case-person").inner_text().startswith("سلمى")
    assert arabic(worker.locator("nav.navbar").inner_text())

    # Assessment: each dimension rated.
    levels = {"health_disability": "critical", "child_protection": "medium"}
    for name in DIMENSIONS:
        worker.select_option(f"#assess-{name}_level", levels.get(name, "low"))
    worker.fill("#assess-health_disability_note", "شلل دماغي، لا تمشي")
    worker.locator("#assessment-form button").click()
    assert status(worker) == "planning"
    assert (
        worker.locator('#assessments tr[data-dimension="health_disability"]').get_attribute(
            "data-level"
        )
        == "critical"
    )

    # Care plan, with the association's day centre as an action.
    worker.fill("#plan-goals", "الالتحاق بمركز الاستقبال النهاري\nمتابعة ترويض أسبوعية")
    worker.fill("#plan-action_0", "التوجيه إلى جمعية نور")
    worker.select_option("#plan-service_0", str(journey["service"].pk))
    worker.fill("#plan-review_date", (timezone.localdate() + dt.timedelta(days=90)).isoformat())
    worker.locator("#plan-form button").click()
    assert worker.locator("#plans [data-plan]").first.get_attribute("data-status") == "submitted"
    case_url = f"{base}/cases/{case.pk}/"

    # The supervisor approves it from her team's page.
    supervisor.locator('a.nav-link[href="/cases/team/"]').click()
    supervisor.locator(f'#awaiting a[href="/cases/{case.pk}/"]').click()
    assert "مركز الاستقبال النهاري" in supervisor.locator("#plans").inner_text()
    supervisor.locator("#approve-plan").click()
    assert status(supervisor) == "active"

    # The worker records the mother's consent, then refers the child.
    worker.goto(case_url)
    worker.locator("#consent-form summary").click()
    worker.fill("#consent-given_by", "الأم، فاطمة")
    worker.fill("#consent-purpose", "التوجيه إلى مركز الاستقبال النهاري")
    for field in ("first_name", "age", "needs", "contact"):
        worker.check(f'#consent-form input[name="shared"][value="{field}"]')
    worker.select_option("#consent-recipients", str(journey["association"].pk))
    worker.locator("#consent-form button").click()
    success_message(worker)
    assert worker.locator("#consents [data-consent]").count() == 1
    worker.select_option("#refer-service", str(journey["service"].pk))
    worker.fill("#refer-reason", "إعاقة حركية شديدة، تحتاج استقبالا نهاريا")
    worker.locator("#referral-form button").click()
    assert worker.locator("#referrals [data-referral]").get_attribute("data-status") == "pending"

    # The association sees only what the mother agreed to share; accepts, then completes.
    partner = signed_in("omar")
    partner.locator('a.nav-link[href="/cases/referrals/"]').click()
    partner.locator("#referral-inbox a").first.click()
    assert "سلمى" in partner.locator("#shared-first-name").inner_text()
    assert journey["household"].rsu_id not in partner.content()
    partner.locator("#accept-referral").click()
    assert partner.locator("#referral-status").get_attribute("data-status") == "accepted"
    partner.fill("#outcome", "سُجّلت سلمى في المركز ابتداء من الاثنين")
    partner.locator("#complete-referral").click()
    assert partner.locator("#referral-status").get_attribute("data-status") == "done"
    shot(partner, "referral")

    # The worker asks to close; the supervisor closes.
    worker.goto(case_url)
    assert "سُجّلت سلمى" in worker.locator("#referrals").inner_text()
    worker.locator("#closure-form summary").click()
    worker.select_option("#closure-outcome", "goals_met")
    worker.fill("#closure-note", "سلمى تتردد على المركز بانتظام")
    worker.locator("#closure-form button").click()
    assert status(worker) == "closing"
    supervisor.goto(case_url)
    supervisor.locator("#approve-closure").click()
    assert status(supervisor) == "closed"
    steps = supervisor.locator("#timeline [data-step]").evaluate_all(
        "items => items.map(item => item.dataset.step)"
    )
    assert steps[0] == "case_opened"
    assert steps[-2:] == ["closure_requested", "closed"]
    assert {"plan_approved", "consent_recorded", "referred", "referral_done"} <= set(steps)
    shot(supervisor, "case-closed")
