"""The base layout in a real browser (Debian's chromium driven by Playwright): Arabic RTL first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.conftest import DEFAULT_TEST_PASSWORD, SCREENSHOTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_base_page_is_arabic_rtl_and_switches_to_french(
    page: Any, live_server: Any, make_user: Callable[..., Any]
) -> None:
    make_user(Role.SOCIAL_WORKER, username="khadija", regions=["06"])
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # In RTL the brand sits on the right of the navigation bar.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    assert page.get_by_role("heading", name="تسجيل الدخول").is_visible()

    page.fill("#id_username", "khadija")
    page.fill("#id_password", DEFAULT_TEST_PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#current-user").inner_text() == "khadija"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-ar.png"), full_page=True)

    page.locator('#language-switch button[value="fr"]').click()
    page.wait_for_load_state()
    assert html.get_attribute("dir") == "ltr"
    assert html.get_attribute("lang") == "fr"
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] < page.viewport_size["width"] / 2
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "home-fr.png"), full_page=True)


def test_wrong_password_shows_a_translated_error(
    page: Any, live_server: Any, make_user: Callable[..., Any]
) -> None:
    make_user(Role.SOCIAL_WORKER, username="hamza", regions=["02"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "hamza")
    page.fill("#id_password", "not the password")
    page.get_by_role("button", name="تسجيل الدخول").click()
    error = page.locator("#login-error")
    error.wait_for()  # visible, once the refused sign-in's page is there
    assert error.is_visible()
    assert any("\u0600" <= char <= "\u06ff" for char in error.inner_text())  # Arabic script


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_longest_menu_keeps_the_language_switch_and_logout_on_the_bar(
    browser: Any, live_server: Any, make_user: Callable[..., Any], language: str
) -> None:
    """A supervisor's menu is the longest; in French its items are long enough that they pushed
    the language switch and the logout button past the bar's right edge (white on the page's
    white), and the page scrolled sideways."""
    make_user(Role.SUPERVISOR, username="nadia", regions=["06"], language=language)
    context = browser.new_context(locale="fr-MA", viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    browser_login(tab, live_server.url, "nadia")
    assert tab.locator("html").get_attribute("lang") == language
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    bar = tab.locator("nav.navbar").bounding_box()
    for control in ("#language-switch", "#current-user", "form[action$='/logout/'] button"):
        box = tab.locator(control).bounding_box()
        assert box is not None
        assert bar["x"] <= box["x"]
        assert box["x"] + box["width"] <= bar["x"] + bar["width"]
        assert bar["y"] <= box["y"]
        assert box["y"] + box["height"] <= bar["y"] + bar["height"]
    tab.screenshot(path=str(SCREENSHOTS / f"menu-supervisor-{language}.png"))
    context.close()
