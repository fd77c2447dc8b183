"""The workforce API: scoped profile reads, writes through the services, one error format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jisr.accounts.roles import Role
from jisr.core.models import AuditEvent
from jisr.registry.tests.factories import commune_in
from jisr.registry.tests.test_api import client_for
from jisr.workforce.models import SocialWorker
from jisr.workforce.tests.factories import profile_for

pytestmark = [pytest.mark.django_db]
BASE = "/api/v1/workforce"


@pytest.fixture
def worker02(make_user: Callable[..., Any]) -> SocialWorker:
    return profile_for(make_user(Role.SOCIAL_WORKER, username="worker02"), region="02")


def _usernames(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["username"] for p in response.json()]


def test_profile_list_is_scoped_by_region_commune_and_team(
    make_user: Callable[..., Any],
    admin: Any,
    admin02: Any,
    supervisor: Any,
    worker: SocialWorker,
    worker02: SocialWorker,
) -> None:
    assert _usernames(client_for(admin).get(f"{BASE}/profiles/")) == ["worker02", "worker06"]
    assert _usernames(client_for(admin02).get(f"{BASE}/profiles/")) == ["worker02"]
    assert _usernames(client_for(supervisor).get(f"{BASE}/profiles/")) == ["worker06"]
    commune_scoped = make_user(Role.AUDITOR, communes=[commune_in("06", 1).code])
    assert _usernames(client_for(commune_scoped).get(f"{BASE}/profiles/")) == ["worker06"]
    other_commune = make_user(Role.AUDITOR, communes=[commune_in("06", 9).code])
    assert _usernames(client_for(other_commune).get(f"{BASE}/profiles/")) == []
    # A supervisor reaches their team even outside their scope.
    lead = make_user(Role.SUPERVISOR, username="lead06")
    SocialWorker.objects.filter(pk=worker02.pk).update(supervisor=lead)
    assert _usernames(client_for(lead).get(f"{BASE}/profiles/")) == ["worker02"]


def test_a_deactivated_accounts_worker_is_listed_as_not_accredited_today(
    admin: Any, worker: SocialWorker
) -> None:
    """The list says whether a worker may practise today by the rule the profile and the
    indicators use: a granted, current accreditation on a deactivated account does not."""
    client = client_for(admin)

    def listed() -> tuple[bool, bool, bool]:
        row = next(r for r in client.get(f"{BASE}/profiles/").json() if r["id"] == worker.pk)
        detail = client.get(f"{BASE}/profiles/{worker.pk}").json()
        return row["accredited_today"], row["account_active"], detail["accreditation"]["current"]

    assert listed() == (True, True, True)
    type(worker.user).objects.filter(pk=worker.user_id).update(is_active=False)
    assert listed() == (False, False, False)
    assert worker.accreditation_status == "granted"  # the accreditation itself is untouched


def test_profile_list_filters(admin: Any, worker: SocialWorker, worker02: SocialWorker) -> None:
    client = client_for(admin)
    assert _usernames(client.get(f"{BASE}/profiles/?region=02")) == ["worker02"]
    assert _usernames(client.get(f"{BASE}/profiles/?q=bennani")) == ["worker06"]
    assert _usernames(client.get(f"{BASE}/profiles/?status=pending")) == []


def test_social_workers_may_not_list_profiles(worker: SocialWorker) -> None:
    response = client_for(worker.user).get(f"{BASE}/profiles/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "access_denied"


def test_profile_detail_is_audited_and_out_of_scope_is_not_found(
    admin02: Any, admin06: Any, worker: SocialWorker
) -> None:
    response = client_for(admin06).get(f"{BASE}/profiles/{worker.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "worker06"
    assert body["region"] == "06"
    assert body["communes"] == ["06.01.001"]
    assert body["languages"] == ["ar", "ary"]
    assert body["supervisor"] == "supervisor06"
    assert body["diplomas"][0]["on_official_list"] is True
    assert body["accreditation"]["current"] is True
    assert AuditEvent.objects.filter(action="workforce.profile_viewed").count() == 1
    assert client_for(admin02).get(f"{BASE}/profiles/{worker.pk}").status_code == 404


def test_a_worker_reads_their_own_profile_and_me(worker: SocialWorker, worker02: Any) -> None:
    client = client_for(worker.user)
    assert client.get(f"{BASE}/profiles/{worker.pk}").status_code == 200
    assert client.get(f"{BASE}/profiles/{worker02.pk}").status_code == 403
    me = client.get(f"{BASE}/me").json()
    assert me["accreditation"]["ok"] is True
    assert me["profile"]["username"] == "worker06"
    assert me["training_hours_this_year"] == "0"


def test_me_without_a_profile(supervisor: Any) -> None:
    me = client_for(supervisor).get(f"{BASE}/me").json()
    assert me["profile"] is None
    assert (me["accreditation"]["ok"], me["accreditation"]["code"]) == (False, "no_profile")


def test_create_then_patch_a_profile(
    admin06: Any, make_user: Callable[..., Any], supervisor: Any
) -> None:
    make_user(Role.SOCIAL_WORKER, username="amine")
    commune_in("06", 3)
    client = client_for(admin06)
    created = client.post(
        f"{BASE}/profiles/",
        {
            "username": "amine",
            "region": "06",
            "employer_kind": "ministry",
            "employer_name": "Ministère de la Solidarité",
            "communes": ["06.01.003"],
            "diplomas": [{"diploma": "master-travail-social", "year": 2020}],
            "languages": ["ar", "shi"],
            "supervisor": "supervisor06",
            "birth_date": "1993-02-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    profile = created.json()
    assert profile["accreditation"]["status"] == "pending"
    patched = client.patch(
        f"{BASE}/profiles/{profile['id']}",
        {"languages": ["ar", "shi", "fr"], "reason": "speaks French too"},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["languages"] == ["ar", "fr", "shi"]
    assert patched.json()["supervisor"] == "supervisor06"  # untouched fields kept
    bad = client.patch(
        f"{BASE}/profiles/{profile['id']}",
        {"communes": ["02.01.001"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["field"] == "communes"


def test_create_refuses_unknown_users_and_wrong_roles(
    admin: Any, supervisor: Any, make_user: Callable[..., Any]
) -> None:
    body = {"username": "nobody", "region": "06", "employer_kind": "independent"}
    response = client_for(admin).post(f"{BASE}/profiles/", body, content_type="application/json")
    assert response.status_code == 422
    make_user(Role.SOCIAL_WORKER, username="somebody")
    body["username"] = "somebody"
    response = client_for(supervisor).post(
        f"{BASE}/profiles/", body, content_type="application/json"
    )
    assert response.status_code == 403


def test_accreditation_actions(admin06: Any, pending: SocialWorker) -> None:
    client = client_for(admin06)
    url = f"{BASE}/profiles/{pending.pk}/accreditation"
    grant = {
        "number": "AG-06-77",
        "valid_from": "2026-01-01",
        "valid_until": "2030-12-31",
        "authority": "Ministère de la Solidarité",
    }
    response = client.post(f"{url}/grant", grant, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["accreditation"]["status"] == "granted"
    again = client.post(f"{url}/grant", grant, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "wrong_accreditation_status"
    suspended = client.post(f"{url}/suspend", {"reason": "r"}, content_type="application/json")
    assert suspended.json()["accreditation"]["status"] == "suspended"
    assert suspended.json()["accreditation"]["current"] is False
    renew = client.post(
        f"{url}/renew", {"valid_until": "2035-01-01"}, content_type="application/json"
    )
    assert renew.status_code == 409
    client.post(f"{url}/reinstate", {"reason": "r"}, content_type="application/json")
    renewed = client.post(
        f"{url}/renew", {"valid_until": "2035-01-01"}, content_type="application/json"
    )
    assert renewed.json()["accreditation"]["valid_until"] == "2035-01-01"


def test_accreditation_conditions_unmet_is_422(admin: Any, make_user: Callable[..., Any]) -> None:
    sociologist = profile_for(
        make_user(Role.SOCIAL_WORKER), status="pending", diplomas=("licence-sociologie",)
    )
    response = client_for(admin).post(
        f"{BASE}/profiles/{sociologist.pk}/accreditation/grant",
        {"number": "N1", "valid_from": "2026-01-01", "valid_until": "2027-01-01", "authority": "M"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "accreditation_conditions_unmet"


def test_accreditation_actions_refused_to_supervisors_and_outside_scope(
    admin02: Any, supervisor: Any, worker: SocialWorker
) -> None:
    url = f"{BASE}/profiles/{worker.pk}/accreditation/suspend"
    body = {"reason": "r"}
    assert (
        client_for(supervisor).post(url, body, content_type="application/json").status_code == 403
    )
    assert client_for(admin02).post(url, body, content_type="application/json").status_code == 404


def test_training_by_the_worker_and_listed(worker: SocialWorker, supervisor: Any) -> None:
    client = client_for(worker.user)
    url = f"{BASE}/profiles/{worker.pk}/training"
    day = timezone.localdate().isoformat()
    response = client.post(
        url, {"date": day, "title": "Écoute active", "hours": "6"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert client.get(url).json()[0]["title"] == "Écoute active"
    assert client.get(f"{url}?year=99999").status_code == 422
    assert Decimal(client.get(f"{BASE}/me").json()["training_hours_this_year"]) == 6
    by_supervisor = client_for(supervisor).post(
        url, {"date": day, "title": "x", "hours": "1"}, content_type="application/json"
    )
    assert by_supervisor.status_code == 403


def test_supervision_by_the_supervisor_only(
    worker: SocialWorker, supervisor: Any, make_user: Callable[..., Any]
) -> None:
    url = f"{BASE}/profiles/{worker.pk}/supervision"
    body = {"date": "2026-01-15", "cases_reviewed": 4, "notes": "suivi"}
    response = client_for(supervisor).post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    listed = client_for(worker.user).get(url).json()
    assert [(s["supervisor"], s["cases_reviewed"]) for s in listed] == [("supervisor06", 4)]
    other = make_user(Role.SUPERVISOR, username="other06", regions=["06"])
    refused = client_for(other).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_the_supervisor"
    assert (
        client_for(worker.user).post(url, body, content_type="application/json").status_code == 403
    )


def test_expiring_is_for_workforce_managers_in_scope(
    admin06: Any, admin02: Any, supervisor: Any, worker: SocialWorker
) -> None:
    SocialWorker.objects.filter(pk=worker.pk).update(
        accreditation_valid_until=timezone.localdate() + dt.timedelta(days=30)
    )
    assert _usernames(client_for(admin06).get(f"{BASE}/expiring")) == ["worker06"]
    assert _usernames(client_for(admin06).get(f"{BASE}/expiring?days=29")) == []
    assert _usernames(client_for(admin02).get(f"{BASE}/expiring")) == []
    assert client_for(supervisor).get(f"{BASE}/expiring").status_code == 403
    assert client_for(admin06).get(f"{BASE}/expiring?days=0").status_code == 422


def test_indicators_and_diplomas(supervisor: Any, worker: SocialWorker) -> None:
    rows = client_for(supervisor).get(f"{BASE}/indicators").json()
    assert rows[-1]["region"] == "national"
    assert rows[-1]["accredited_workers"] == 1
    assert client_for(worker.user).get(f"{BASE}/indicators").status_code == 403
    diplomas = client_for(worker.user).get(f"{BASE}/diplomas").json()
    assert {d["code"] for d in diplomas} >= {"assistant-social", "licence-sociologie"}
    assert not any(d["verified"] for d in diplomas)  # the seeded list is illustrative
