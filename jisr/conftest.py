"""Shared fixtures for the Django apps' tests (the pure cores' tests use none of these)."""

from __future__ import annotations

import functools
import html
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# No wall-clock limits in tests (the machines are shared and noisy): hypothesis's per-example
# deadline is one, and made property tests fail under parallel load.
hypothesis_settings.register_profile("jisr", deadline=None)
hypothesis_settings.load_profile("jisr")

DEFAULT_TEST_PASSWORD = "correct horse battery staple"  # noqa: S105


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests do not run collectstatic, so they serve static files without the hashed manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(request: pytest.FixtureRequest) -> None:
    """Argon2 costs ~100 ms a hash by design; tests that do not test hashing use a fast one."""
    if "argon2" in request.keywords:
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def regions(db: Any) -> None:
    from jisr.geo import services

    services.regions_load()


@pytest.fixture
def make_user(db: Any, regions: None) -> Callable[..., Any]:
    from jisr.accounts import services
    from jisr.accounts.roles import Role, roles_sync

    roles_sync()
    counter = iter(range(1, 10_000))

    def make(
        role: Role | str = Role.SOCIAL_WORKER,
        *,
        username: str | None = None,
        national: bool = False,
        regions: Iterable[str] = (),
        communes: Iterable[str] = (),
        password: str = DEFAULT_TEST_PASSWORD,
        language: str = "",
    ) -> Any:
        return services.user_create(
            username=username or f"user{next(counter)}",
            password=password,
            role=Role(role),
            national=national,
            regions=regions,
            communes=communes,
            language=language,
        )

    return make


@pytest.fixture
def english() -> Any:
    """Run the test in English, to assert on message text."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- Browser tests: Debian's chromium driven by Playwright ---------------------------------------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, chromium tries to reach Google's services, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-results"
LOCALE = Path(__file__).resolve().parent / "locale"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("JISR_REQUIRE_BROWSER"):
            pytest.fail("JISR_REQUIRE_BROWSER is set but Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (creating users) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ar-MA")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def signed_in(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """A tab signed in as `username`, in its own browser context (its own cookies). The browser's
    locale does not choose the pages' language (the user's preference or the switch does)."""
    contexts = []

    def open_tab(username: str, locale: str = "ar-MA") -> Any:
        context = browser.new_context(locale=locale)
        contexts.append(context)
        tab = context.new_page()
        browser_login(tab, live_server.url, username)
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def browser_login(page: Any, base_url: str, username: str) -> None:
    """Sign in through the real login form."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_TEST_PASSWORD)
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_url(f"{base_url}/")


@functools.cache
def english_messages(language: str) -> tuple[str, ...]:
    """The catalogue's English phrases that `language` replaces (several words, no placeholder):
    one of them on a page in that language is a string left untranslated."""
    import polib

    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    return tuple(
        sorted(
            {
                entry.msgid
                for entry in catalogue
                if not entry.obsolete
                and " " in entry.msgid
                and entry.msgstr
                and entry.msgstr != entry.msgid
                and "%" not in entry.msgid
            }
        )
    )


def in_language(page: Any, language: str) -> str:
    """The page's main text, once sure that the page is in `language` (its lang and direction)
    and shows none of the catalogue's English messages (in its text, hidden parts and
    attributes alike)."""
    page.wait_for_load_state()  # the whole new page, not the first part of its stream
    root = page.locator("html")
    direction = "rtl" if language == "ar" else "ltr"
    assert (root.get_attribute("lang"), root.get_attribute("dir")) == (language, direction)
    source = html.unescape(page.content())
    assert [message for message in english_messages(language) if message in source] == []
    return str(page.locator("main").inner_text())


def background_jobs_done(page: Any) -> None:
    """A browser test's worker: run the queued jobs here (the live server shares this process's
    database), then reload the job page the browser waits on (htmx would, a second later)."""
    from jisr.core import jobs

    page.wait_for_url("**/jobs/*/")
    while (job := jobs.claim()) is not None:
        jobs.run(job)
    page.reload()
    assert page.locator("#job-progress").get_attribute("data-status") == "succeeded"


def success_message(tab: Any) -> str:
    """The message shown after a step, once sure that the step succeeded."""
    tab.wait_for_load_state()
    alert = tab.locator("main .alert[role=status]")
    text = str(alert.inner_text())
    assert "alert-success" in str(alert.get_attribute("class")), text
    return text
