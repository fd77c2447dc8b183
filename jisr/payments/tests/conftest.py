"""A registry household with its month's decisions and enrolment, and two national payment
officers (maker and checker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.programmes import services as programme_services
from jisr.programmes.tests.conftest import assessed, programme_manager
from jisr.registry.tests.conftest import family, supervisor, worker
from jisr.rules.periods import Month

__all__ = ["assessed", "family", "programme_manager", "supervisor", "worker"]
MONTH = "2026-03"


@pytest.fixture
def maker(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.PAYMENT_OFFICER, username="maker", national=True)


@pytest.fixture
def checker(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.PAYMENT_OFFICER, username="checker", national=True)


@pytest.fixture
def decided(assessed: dict[str, Any]) -> dict[str, Any]:
    """The family's March 2026 decisions (ASD 500 MAD) and enrolments."""
    programme_services.decisions_compute(month=Month.parse(MONTH))
    return assessed
