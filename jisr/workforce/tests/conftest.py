"""People of the workforce tests: administrators national and regional, a supervisor in
Casablanca-Settat (06) and the social workers of their team."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.workforce.diploma_list import diplomas_ensure
from jisr.workforce.models import SocialWorker
from jisr.workforce.tests.factories import profile_for


@pytest.fixture
def admin(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ADMINISTRATOR, username="admin_national", national=True)


@pytest.fixture
def admin06(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ADMINISTRATOR, username="admin06", regions=["06"])


@pytest.fixture
def admin02(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ADMINISTRATOR, username="admin02", regions=["02"])


@pytest.fixture
def supervisor(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SUPERVISOR, username="supervisor06", regions=["06"])


@pytest.fixture
def worker(make_user: Callable[..., Any], supervisor: Any) -> SocialWorker:
    """An accredited social worker of Casablanca-Settat, supervised by `supervisor`."""
    user = make_user(Role.SOCIAL_WORKER, username="worker06", regions=["06"])
    user.first_name, user.last_name = "Khadija", "Bennani"
    user.save()
    return profile_for(user, supervisor=supervisor)


@pytest.fixture
def pending(make_user: Callable[..., Any]) -> SocialWorker:
    user = make_user(Role.SOCIAL_WORKER, username="newcomer06", regions=["06"])
    return profile_for(user, status="pending")


@pytest.fixture(autouse=True)
def _diplomas(request: pytest.FixtureRequest) -> None:
    """The seeded diploma list, restored if a transactional test's flush emptied it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    diplomas_ensure()
