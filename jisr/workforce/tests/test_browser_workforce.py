"""The workforce's pages in a real browser (Debian's chromium via Playwright), in English and in
Arabic: the regional administrator (English) finds a newcomer among the pending social workers and
records the accreditation granted to him, then finds on the list of accreditations ending soon the
worker (English) whose home page already warns her; a worker whose accreditation is suspended
(Arabic) reads why on her home page and her caseload, but the case she tries to open is refused;
her supervisor (Arabic) records a supervision session with her; the indicators agree with the
database, region by region."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from jisr.accounts.roles import Role
from jisr.casework import services as casework
from jisr.casework.models import OPEN_STATUSES, Case, CaseStatus
from jisr.conftest import SCREENSHOTS, in_language
from jisr.core.models import AuditEvent
from jisr.geo.models import Region
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory
from jisr.workforce import selectors
from jisr.workforce import services as workforce
from jisr.workforce.indicators import CASELOAD_BANDS
from jisr.workforce.models import SocialWorker, SupervisionSession, TrainingRecord
from jisr.workforce.tests.factories import profile_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ENDING_IN = 45  # days: within the 60 days' warning


def shot(tab: Any, name: str, language: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"workforce-{name}-{language}.png"), full_page=True)


def in_english(tab: Any) -> str:
    """The page's main text, once sure that the page is in English, left to right."""
    root = tab.locator("html")
    assert (root.get_attribute("lang"), root.get_attribute("dir")) == ("en", "ltr")
    return str(tab.locator("main").inner_text())


def message(tab: Any, kind: str = "success") -> str:
    """The message shown after a step, once sure of its kind (success, danger)."""
    alert = tab.locator("main .alert[role=status]")
    text = str(alert.inner_text())
    assert f"alert-{kind}" in str(alert.get_attribute("class")), text
    return text


def laid_out_in(tab: Any, direction: str) -> None:
    """Every cell and value of the page follows its direction (a date or a number is isolated in
    an inline span), and each value of the profile's lists sits beside its label."""
    cells = tab.locator("main td, main dd").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell).direction)"
    )
    assert set(cells) == {direction}
    rows = tab.locator("main dt").evaluate_all(
        "terms => terms.map(term => term.getBoundingClientRect().top"
        " - term.nextElementSibling.getBoundingClientRect().top)"
    )
    assert all(abs(offset) < 1 for offset in rows), rows


def worker_named(
    make_user: Callable[..., Any], username: str, name: str, language: str, region: str = "06"
) -> Any:
    user = make_user(Role.SOCIAL_WORKER, username=username, regions=[region], language=language)
    user.first_name, user.last_name = name.split()
    user.save()
    return user


def household_in(region: str) -> Any:
    household = HouseholdFactory(region_code=region)
    MembershipFactory(
        household=household, person=PersonFactory(), relationship="head", start=dt.date(2020, 1, 1)
    )
    return household


def cases_for(worker: Any, region: str, count: int) -> list[Case]:
    return [
        casework.case_open(
            actor=worker, household=household_in(region), source="self", summary="Suivi"
        )
        for _ in range(count)
    ]


@pytest.fixture
def team(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Casablanca-Settat: the regional administrator (English); the supervisor Nadia (Arabic) and
    her team: Khadija (Arabic, two open cases, then suspended), Salma (English, her accreditation
    ending in 45 days, eleven open cases), Youssef (pending). L'Oriental: Hamid, accredited, with
    no supervisor, three open cases and one closed."""
    today = timezone.localdate()
    admin = make_user(Role.ADMINISTRATOR, username="amina", regions=["06"], language="en")
    nadia = make_user(Role.SUPERVISOR, username="nadia", regions=["06"], language="ar")
    profile_for(nadia, region="06")
    khadija = worker_named(make_user, "khadija", "Khadija Bennani", "ar")
    salma = worker_named(make_user, "salma", "Salma Idrissi", "en")
    youssef = worker_named(make_user, "youssef", "Youssef Alaoui", "ar")
    hamid = worker_named(make_user, "hamid", "Hamid Berrada", "ar", region="02")
    suspended = profile_for(khadija, region="06", supervisor=nadia)
    profile_for(
        salma,
        region="06",
        supervisor=nadia,
        valid_until=today + dt.timedelta(days=ENDING_IN),
    )
    profile_for(youssef, region="06", supervisor=nadia, status="pending")
    profile_for(hamid, region="02")
    khadija_cases = cases_for(khadija, "06", 2)
    cases_for(salma, "06", 11)
    closed, *_ = cases_for(hamid, "02", 4)
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    TrainingRecord.objects.create(
        worker=SocialWorker.objects.get(user=salma),
        date=today.replace(day=1),
        title="Protection de l'enfance",
        hours=Decimal("12.5"),
        recorded_by=salma,
    )
    workforce.accreditation_suspend(
        actor=admin, worker=suspended, reason="Plainte d'une famille en cours d'examen"
    )
    return {
        "admin": admin,
        "nadia": nadia,
        "khadija": khadija,
        "khadija_cases": khadija_cases,
        "salma": salma,
        "youssef": youssef,
        "hamid": hamid,
    }


def test_the_administrator_grants_an_accreditation_and_sees_one_ending_soon_in_english(
    signed_in: Callable[..., Any], live_server: Any, team: dict[str, Any]
) -> None:
    today = timezone.localdate()
    # Salma's home page warns her that her accreditation ends soon.
    salma = signed_in("salma", "en-GB")
    in_english(salma)
    banner = salma.locator("#accreditation-banner")
    assert banner.get_attribute("data-code") == "expiring"
    until = (today + dt.timedelta(days=ENDING_IN)).isoformat()
    assert f"ends in {ENDING_IN} days (last valid day {until})" in banner.inner_text()
    shot(salma, "expiring-banner", "en")

    # The administrator finds the pending newcomer of her region.
    admin = signed_in("amina", "en-GB")
    admin.locator('a.nav-link[href="/workforce/"]').click()
    in_english(admin)
    admin.select_option('#worker-filters select[name="status"]', "pending")
    admin.locator("#worker-filters button").click()
    rows = admin.locator("#workers tr[data-worker]")
    assert rows.evaluate_all("rows => rows.map(row => row.dataset.worker)") == ["youssef"]
    rows.first.locator("a").click()
    status = admin.locator("#accreditation dd[data-status]")
    assert status.get_attribute("data-status") == "pending"

    # She records the accreditation granted by the ministry.
    valid_from, valid_until = today - dt.timedelta(days=7), today + dt.timedelta(days=3 * 365)
    form = admin.locator("#accreditation-actions")
    form.locator('input[name="number"]').fill("AG-06-2026-0042")
    form.locator('input[name="authority"]').fill("Ministry of Solidarity")
    form.locator('input[name="valid_from"]').fill(valid_from.isoformat())
    form.locator('input[name="valid_until"]').fill(valid_until.isoformat())
    form.locator("button").click()
    assert message(admin) == "Accreditation updated."
    assert (status.get_attribute("data-status"), status.inner_text()) == ("granted", "granted")
    assert "AG-06-2026-0042" in admin.locator("#accreditation").inner_text()
    assert admin.locator("#accreditation .badge").inner_text() == "current"
    laid_out_in(admin, "ltr")
    in_english(admin)
    shot(admin, "granted", "en")
    youssef = SocialWorker.objects.get(user=team["youssef"])
    assert (
        youssef.accreditation_status,
        youssef.accreditation_number,
        youssef.accreditation_valid_from,
        youssef.accreditation_valid_until,
        youssef.accreditation_authority,
    ) == ("granted", "AG-06-2026-0042", valid_from, valid_until, "Ministry of Solidarity")
    assert selectors.accreditation_status(user=team["youssef"]).ok
    granted = AuditEvent.objects.get(action="workforce.accreditation_granted")
    assert (granted.actor_id, granted.target_id) == (team["admin"].pk, str(youssef.pk))

    # Salma is on the list of accreditations ending within 60 days, and she alone.
    admin.locator('a.nav-link[href="/workforce/"]').click()
    admin.locator('main a[href="/workforce/expiring/"]').click()
    in_english(admin)
    listed = admin.locator("#expiring tr[data-worker]")
    ending = selectors.expiring_accreditations(on=today)
    assert listed.evaluate_all("rows => rows.map(row => row.dataset.worker)") == [
        w.user.username for w in ending
    ]
    assert [w.user.username for w in ending] == ["salma"]
    assert listed.first.locator("td").last.inner_text() == str(ENDING_IN)
    shot(admin, "expiring", "en")


def test_a_suspended_worker_cannot_open_a_case_and_her_supervisor_meets_her_in_arabic(
    signed_in: Callable[..., Any], live_server: Any, team: dict[str, Any]
) -> None:
    khadija = team["khadija"]
    with translation.override("ar"):
        why = selectors.accreditation_status(user=khadija).reason

    # Her home page says why she cannot take on cases.
    worker = signed_in("khadija")
    in_language(worker, "ar")
    banner = worker.locator("#accreditation-banner")
    assert banner.get_attribute("data-code") == "suspended"
    assert why in banner.inner_text()
    shot(worker, "suspended-banner", "ar")

    # Her caseload still lists her cases, and she reads them.
    worker.locator('a.nav-link[href="/cases/"]').click()
    in_language(worker, "ar")
    assert worker.locator("#accreditation-banner").get_attribute("data-code") == "suspended"
    references = [case.reference for case in team["khadija_cases"]]
    caseload = worker.locator("#caseload").inner_text()
    assert all(reference in caseload for reference in references)
    worker.locator(f'#caseload a[href="/cases/{team["khadija_cases"][0].pk}/"]').click()
    assert worker.locator("#case-status").get_attribute("data-status") == "intake"
    in_language(worker, "ar")

    # A household of her area: the case she tries to open is refused, saying why.
    household = household_in("06")
    worker.goto(f"{live_server.url}/households/{household.rsu_id}/")
    worker.locator("#open-case").click()
    worker.fill("#open-summary", "طلب مساعدة")
    worker.locator("#case-open-form button[type=submit]").click()
    assert message(worker, "danger") == why
    in_language(worker, "ar")
    shot(worker, "case-refused", "ar")
    assert not Case.objects.filter(household=household).exists()
    assert Case.objects.filter(owner=khadija).count() == len(references)

    # Her supervisor records their supervision session from her profile.
    supervisor = signed_in("nadia")
    supervisor.locator('a.nav-link[href="/workforce/"]').click()
    in_language(supervisor, "ar")
    supervisor.locator('#workers tr[data-worker="khadija"] a').click()
    form = supervisor.locator("#supervision-form")
    today = timezone.localdate()
    form.locator('input[name="date"]').fill(today.isoformat())
    form.locator('input[name="cases_reviewed"]').fill("2")
    form.locator('input[name="notes"]').fill("مراجعة الملفين مع المشرفة")
    form.locator("button").click()
    message(supervisor)
    in_language(supervisor, "ar")
    assert "مراجعة الملفين مع المشرفة" in supervisor.locator("#sessions").inner_text()
    laid_out_in(supervisor, "rtl")
    shot(supervisor, "supervision", "ar")
    session = SupervisionSession.objects.get()
    assert (
        session.supervisor,
        session.worker.user,
        session.date,
        session.cases_reviewed,
        session.notes,
    ) == (team["nadia"], khadija, today, 2, "مراجعة الملفين مع المشرفة")


def _band(open_cases: int) -> str:
    return next(
        name
        for name, low, high in CASELOAD_BANDS
        if open_cases >= low and (high is None or open_cases <= high)
    )


def expected_indicators(on: dt.date) -> dict[str, dict[str, Any]]:
    """Per region (and `national`), from the models: accredited workers on `on`, per 100,000
    inhabitants, and how many of them carry each band of open cases."""
    accredited = list(
        SocialWorker.objects.filter(
            accreditation_status="granted",
            accreditation_valid_from__lte=on,
            accreditation_valid_until__gte=on,
            user__is_active=True,
        )
    )
    open_cases = Counter(
        Case.objects.filter(status__in=OPEN_STATUSES).values_list("owner_id", flat=True)
    )
    populations = dict(Region.objects.values_list("code", "population_2024"))
    populations["national"] = sum(populations.values())
    rows = {}
    for region, population in populations.items():
        workers = [w for w in accredited if region in ("national", w.region_id)]
        bands = Counter(_band(open_cases[w.user_id]) for w in workers)
        rows[region] = {
            "accredited_workers": len(workers),
            "workers_per_100k": round(len(workers) * 100_000 / population, 2),
            **{name: bands[name] for name, _low, _high in CASELOAD_BANDS},
        }
    return rows


def shown_indicators(tab: Any) -> dict[str, dict[str, Any]]:
    """The indicators' table as shown: its cells read back as numbers."""
    cells = tab.locator("#indicators tr[data-region]").evaluate_all(
        "rows => rows.map(row => [row.dataset.region, [...row.cells].map(c => c.innerText)])"
    )
    columns = {"accredited_workers": 2, "workers_per_100k": 3} | {
        name: 8 + i for i, (name, _low, _high) in enumerate(CASELOAD_BANDS)
    }
    return {
        region: {
            name: float(texts[i].replace(",", ".")) if name == "workers_per_100k" else int(texts[i])
            for name, i in columns.items()
        }
        for region, texts in cells
    }


@pytest.mark.parametrize(("username", "language"), [("amina", "en"), ("nadia", "ar")])
def test_the_indicators_agree_with_the_database(
    signed_in: Callable[..., Any],
    live_server: Any,
    team: dict[str, Any],
    username: str,
    language: str,
) -> None:
    reader = signed_in(username)
    reader.goto(f"{live_server.url}/workforce/indicators/")
    if language == "en":
        in_english(reader)
    else:
        in_language(reader, language)
    laid_out_in(reader, "ltr" if language == "en" else "rtl")
    shown = shown_indicators(reader)
    expected = expected_indicators(timezone.localdate())
    assert shown == expected
    assert len(shown) == Region.objects.count() + 1
    # The figures the journey set up: Nadia and Salma in Casablanca-Settat (Khadija suspended,
    # Youssef pending), Salma's eleven cases in the 10-19 band; Hamid's three open cases.
    assert (shown["06"]["accredited_workers"], shown["06"]["caseload_10_19"]) == (2, 1)
    assert (shown["02"]["accredited_workers"], shown["02"]["caseload_under_10"]) == (1, 1)
    shot(reader, "indicators", language)
