"""Shared fixtures for the Django apps' tests (the pure cores' tests use none of these)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

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
    ) -> Any:
        return services.user_create(
            username=username or f"user{next(counter)}",
            password=password,
            role=Role(role),
            national=national,
            regions=regions,
            communes=communes,
        )

    return make


@pytest.fixture
def english() -> Any:
    """Run the test in English, to assert on message text."""
    from django.utils import translation

    with translation.override("en"):
        yield
