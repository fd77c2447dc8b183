"""A payment officer's journey in a real browser (Debian's chromium via Playwright), in French then
Arabic: the second officer approves the payroll, exports the cash network's order, follows the
job and finds the file on the cycle's page."""

from __future__ import annotations

from typing import Any

import pytest

from jisr.conftest import SCREENSHOTS, browser_login
from jisr.core import jobs
from jisr.payments import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_checker_approves_and_exports_in_french_then_reads_in_arabic(
    page: Any, live_server: Any, decided: dict[str, Any], maker: Any, checker: Any,
    settings: Any, tmp_path: Any,
) -> None:  # fmt: skip
    settings.DATA_DIR = tmp_path
    cycle = services.cycle_create(actor=maker, programme="asd", month="2026-03")
    services.payroll_compute(actor=maker, cycle_id=cycle.pk)
    base = live_server.url
    browser_login(page, base, "checker")
    page.locator('#language-switch button[value="fr"]').click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Paiements").click()
    page.locator("#cycles a").first.click()
    assert page.locator("#cycle-status").get_attribute("data-status") == "computed"
    page.locator("#approve").click()
    page.wait_for_load_state()
    assert page.locator("#cycle-status").get_attribute("data-status") == "approved"
    assert page.locator(".alert").first.is_visible()

    page.select_option("select[name=provider]", "cash_wallet_csv")
    page.locator("#cycle-actions form:has(select[name=provider]) button").click()
    page.wait_for_url(f"{base}/jobs/*/")
    while (job := jobs.claim()) is not None:  # the worker's part, in this process
        jobs.run(job)
    page.reload()
    assert page.locator("#job-status").inner_text().strip() != ""
    assert page.locator("#job-progress").get_attribute("data-status") == "succeeded"
    page.locator("#job-progress a").last.click()
    assert page.locator("#cycle-status").get_attribute("data-status") == "exported"
    assert page.locator("#files a").first.inner_text().startswith("JISR-")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "payments-cycle-fr.png"), full_page=True)

    page.locator('#language-switch button[value="ar"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert any("\u0600" <= c <= "\u06ff" for c in page.locator("h1").inner_text())
    page.screenshot(path=str(SCREENSHOTS / "payments-cycle-ar.png"), full_page=True)
