"""Registry journeys in a real browser: Arabic (RTL) for the worker, French for the supervisor."""

from __future__ import annotations

from typing import Any

import pytest

from jisr.conftest import SCREENSHOTS, browser_login
from jisr.registry.models import ChangeRequestStatus, EventKind, HouseholdEvent
from jisr.registry.services._common import name_keys_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def searchable(family: dict[str, Any]) -> dict[str, Any]:
    for person in (family["father"], family["mother"], family["son"]):
        name_keys_set(person)
        person.save()
    return family


def test_worker_finds_a_family_by_arabic_name_and_declares_a_birth(
    page: Any, live_server: Any, searchable: dict[str, Any], worker: Any
) -> None:
    base = live_server.url
    browser_login(page, base, worker.username)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.goto(f"{base}/households/")
    page.fill("input[name=q]", "فاطمه العلوى")  # no hamza, alef maqsura: variant spellings
    page.locator("form[role=search] button").click()
    page.locator("td a.id-code").first.click()
    rsu = searchable["household"].rsu_id
    page.wait_for_url(f"{base}/households/{rsu}/")
    page.locator("#declare-menu").click()  # Bootstrap's dropdown (vendored JS, strict CSP)
    page.locator('[data-declaration="birth"]').click()
    page.wait_for_url(f"{base}/households/{rsu}/declare/birth/")
    page.fill("#id_rnp_id", "000000777011")
    page.fill("#id_first_name_ar", "سلمى")
    page.fill("#id_last_name_ar", "العلوي")
    page.fill("#id_first_name_lat", "Salma")
    page.fill("#id_last_name_lat", "Alaoui")
    page.select_option("#id_sex", "F")
    page.fill("#id_birth_date", "2026-10-20")
    page.fill("#id_reason", "شهادة الولادة 77")
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_url(f"{base}/households/{rsu}/")
    assert page.locator('#history [data-kind="birth"]').count() == 1
    assert "سلمى" in page.locator("#members").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "household-ar.png"), full_page=True)
    assert HouseholdEvent.objects.filter(kind=EventKind.BIRTH, actor=worker).count() == 1


def test_supervisor_approves_a_new_head_in_french(
    page: Any, live_server: Any, searchable: dict[str, Any], worker: Any, supervisor: Any
) -> None:
    import datetime as dt

    from jisr.registry import services

    request = services.head_change_request(
        actor=worker,
        household=searchable["household"],
        new_head=searchable["mother"],
        former_head_relationship="spouse",
        effective=dt.date(2026, 10, 1),
        reason="émigration",
    )
    base = live_server.url
    browser_login(page, base, supervisor.username)
    page.locator('#language-switch button[value="fr"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto(f"{base}/households/reviews/change-requests/")
    row = page.locator("#change-requests tbody tr").first
    assert "émigration" in row.inner_text()
    row.locator("input[name=note]").fill("pièces vues")
    row.locator('button[value="approve"]').click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "change-requests-fr.png"), full_page=True)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.APPLIED
    assert request.decided_by == supervisor


def test_worker_opens_a_member_from_the_household_page(
    page: Any, live_server: Any, family: dict[str, Any], worker: Any
) -> None:
    base = live_server.url
    browser_login(page, base, worker.username)
    rsu, son = family["household"].rsu_id, family["son"]
    page.goto(f"{base}/households/{rsu}/")
    page.locator(f'#members a[data-person="{son.rnp_id}"]').click()
    page.wait_for_url(f"{base}/households/persons/{son.rnp_id}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "يوسف" in page.locator("h1").inner_text()
    assert son.rnp_id in page.locator("#identity").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "person-ar.png"), full_page=True)
    page.locator(f'#memberships a[href="/households/{rsu}/"]').click()
    page.wait_for_url(f"{base}/households/{rsu}/")
