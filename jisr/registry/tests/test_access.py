"""Deny by default: who may see which household, on the web and through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jisr.accounts import services as accounts
from jisr.accounts.roles import Role
from jisr.core.models import AuditEvent, AuditKind
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, commune_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(regions: None) -> dict[str, Any]:
    casa = HouseholdFactory(region_code="06")
    oriental = HouseholdFactory(region_code="02")
    MembershipFactory(household=casa)
    MembershipFactory(household=oriental)
    return {"06": casa, "02": oriental}


def web_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: Any) -> Client:
    _token, secret = accounts.token_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


# (role, national, regions) -> which of the two households it may see
CASES = [
    (Role.SOCIAL_WORKER, False, ["06"], {"06"}),
    (Role.SOCIAL_WORKER, False, ["02"], {"02"}),
    (Role.SOCIAL_WORKER, False, [], set()),  # no scope: nothing
    (Role.SUPERVISOR, False, ["06"], {"06"}),
    (Role.PROGRAMME_MANAGER, True, [], {"06", "02"}),
    (Role.PAYMENT_OFFICER, True, [], {"06", "02"}),
    (Role.AUDITOR, True, [], {"06", "02"}),
    (Role.AUDITOR, False, [], set()),
    (Role.PARTNER_STAFF, True, [], set()),  # no registry right, even with a national scope
    (Role.ADMINISTRATOR, True, [], set()),  # administers accounts, does not read households
]


@pytest.mark.parametrize(("role", "national", "scope", "visible"), CASES)
@pytest.mark.parametrize("channel", ["web", "api"])
def test_each_role_and_scope_sees_exactly_its_households(
    make_user: Callable[..., Any],
    households: dict[str, Any],
    role: Role,
    national: bool,
    scope: list[str],
    visible: set[str],
    channel: str,
) -> None:
    user = make_user(role, national=national, regions=scope)
    client = web_client(user) if channel == "web" else api_client(user)
    for region, household in households.items():
        url = (
            f"/households/{household.rsu_id}/"
            if channel == "web"
            else f"/api/v1/registry/households/{household.rsu_id}"
        )
        response = client.get(url)
        if region in visible:
            expected = 200
        elif not user.has_perm("registry.view_household"):
            expected = 403  # the role has no registry right at all
        else:
            expected = 404  # outside the scope: exactly as for a household that does not exist
        assert response.status_code == expected, (region, response.status_code)
    listing = (
        client.get("/households/")
        if channel == "web"
        else client.get("/api/v1/registry/households/")
    )
    if channel == "api":
        listed = (
            {row["region_code"] for row in listing.json()} if listing.status_code == 200 else set()
        )
    else:
        listed = (
            {h.region_id for h in listing.context["page"]} if listing.status_code == 200 else set()
        )
    assert listed == visible


def test_out_of_scope_answer_is_identical_to_a_missing_household(
    make_user: Callable[..., Any], households: dict[str, Any]
) -> None:
    client = api_client(make_user(Role.SOCIAL_WORKER, regions=["06"]))
    hidden = client.get(f"/api/v1/registry/households/{households['02'].rsu_id}")
    missing = client.get("/api/v1/registry/households/0000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_commune_scope_reaches_only_that_commune(
    make_user: Callable[..., Any], households: dict[str, Any]
) -> None:
    other = HouseholdFactory(commune=commune_in("06", 2))
    user = make_user(Role.SOCIAL_WORKER, communes=[households["06"].commune_id])
    client = web_client(user)
    assert client.get(f"/households/{households['06'].rsu_id}/").status_code == 200
    assert client.get(f"/households/{other.rsu_id}/").status_code == 404


def test_anonymous_is_sent_to_login_and_refused_by_the_api(households: dict[str, Any]) -> None:
    rsu = households["06"].rsu_id
    response = Client().get(f"/households/{rsu}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Client().get(f"/api/v1/registry/households/{rsu}").status_code == 401


def test_reading_a_household_is_audited_on_both_channels(
    make_user: Callable[..., Any], households: dict[str, Any]
) -> None:
    user = make_user(Role.SOCIAL_WORKER, username="reader", regions=["06"])
    household = households["06"]
    web_client(user).get(f"/households/{household.rsu_id}/")
    api_client(user).get(f"/api/v1/registry/households/{household.rsu_id}")
    reads = AuditEvent.objects.filter(
        kind=AuditKind.READ,
        action="registry.household_viewed",
        target_id=str(household.pk),
        actor=user,
    )
    assert reads.count() == 2
    # A refused read leaves no read event but is not a 500 either.
    web_client(user).get(f"/households/{households['02'].rsu_id}/")
    assert not AuditEvent.objects.filter(
        kind=AuditKind.READ, target_id=str(households["02"].pk)
    ).exists()


def test_api_returns_members_in_both_scripts(
    make_user: Callable[..., Any], households: dict[str, Any]
) -> None:
    body = (
        api_client(make_user(Role.AUDITOR, national=True))
        .get(f"/api/v1/registry/households/{households['06'].rsu_id}")
        .json()
    )
    member = body["members"][0]
    assert (member["first_name_ar"], member["first_name_lat"]) == ("فاطمة", "Fatima")
    assert body["region_code"] == "06"
