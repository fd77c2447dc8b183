"""API round trips: every write goes through the services, every answer is scoped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jisr.accounts import services as accounts
from jisr.accounts.roles import Role
from jisr.registry.models import ChangeRequest, HouseholdEvent
from jisr.registry.tests.factories import commune_in, luhn_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user: Any) -> Client:
    _token, secret = accounts.token_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def child(rnp: int = 880001) -> dict[str, Any]:
    return {
        "rnp_id": luhn_id(rnp, 12),
        "first_name_ar": "آدم",
        "last_name_ar": "العلوي",
        "first_name_lat": "Adam",
        "last_name_lat": "Alaoui",
        "sex": "M",
        "birth_date": "2026-10-02",
    }


def test_household_read_history_and_birth_round_trip(family: dict[str, Any], worker: Any) -> None:
    api = client_for(worker)
    rsu = family["household"].rsu_id
    body = api.get(f"/api/v1/registry/households/{rsu}").json()
    assert body["version"] == 1
    assert {m["relationship"] for m in body["members"]} == {"head", "spouse", "child"}
    assert body["spending"]["spend_water"] == "80.00"
    created = api.post(
        f"/api/v1/registry/households/{rsu}/births",
        {"expected_version": 1, "reason": "certificate", "child": child()},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["first_name_lat"] == "Adam"
    stale = api.post(
        f"/api/v1/registry/households/{rsu}/births",
        {"expected_version": 1, "reason": "again", "child": child(880002)},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    history = api.get(f"/api/v1/registry/households/{rsu}/history").json()
    assert [event["kind"] for event in history] == ["birth"]
    assert history[0]["actor"] == worker.username


def test_invalid_declaration_is_a_422_naming_the_fields(
    family: dict[str, Any], worker: Any
) -> None:
    bad = {**child(), "rnp_id": "42", "sex": "X"}
    response = client_for(worker).post(
        f"/api/v1/registry/households/{family['household'].rsu_id}/births",
        {"expected_version": 1, "reason": "x", "child": bad},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["details"]["fields"]) == {"rnp_id", "sex"}
    assert not HouseholdEvent.objects.exists()


def test_malformed_json_is_a_clear_4xx_not_a_500(family: dict[str, Any], worker: Any) -> None:
    response = client_for(worker).post(
        f"/api/v1/registry/households/{family['household'].rsu_id}/births",
        "{not json",
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500


def test_change_request_flow_through_the_api(
    family: dict[str, Any], worker: Any, supervisor: Any
) -> None:
    rsu = family["household"].rsu_id
    requested = client_for(worker).post(
        f"/api/v1/registry/households/{rsu}/change-requests/head",
        {
            "new_head_rnp_id": family["mother"].rnp_id,
            "former_head_relationship": "spouse",
            "effective": "2026-10-01",
            "reason": "father emigrated",
        },
        content_type="application/json",
    )
    assert requested.status_code == 201
    request_id = requested.json()["id"]
    assert client_for(worker).get("/api/v1/registry/change-requests/").json() == []  # not a checker
    checker = client_for(supervisor)
    assert [r["id"] for r in checker.get("/api/v1/registry/change-requests/").json()] == [
        request_id
    ]
    approved = checker.post(
        f"/api/v1/registry/change-requests/{request_id}/approve",
        {"note": "seen the papers"},
        content_type="application/json",
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "applied"
    assert ChangeRequest.objects.get(pk=request_id).decided_by == supervisor


def test_register_then_search_by_name_in_both_scripts(worker: Any, regions: None) -> None:
    commune_in("06", 4)
    api = client_for(worker)
    head = {
        **child(880010),
        "first_name_ar": "مُحَمَّد",
        "last_name_ar": "الإدريسي",
        "first_name_lat": "Mohammed",
        "last_name_lat": "El Idrissi",
        "birth_date": "1980-01-01",
    }
    attributes = {
        "housing_type": "traditional_house",
        "tenure": "owner",
        "water_source": "piped_in_dwelling",
        "electricity": "grid",
        "sanitation": "sewer",
        "rooms": 3,
        "spend_water": 50,
        "spend_electricity": 100,
        "spend_butane": 40,
        "spend_telephone": 50,
    }
    created = api.post(
        "/api/v1/registry/households/",
        {
            "commune_code": "06.01.004",
            "address": "Derb X",
            "effective": "2026-11-01",
            "reason": "registration",
            "head": head,
            "attributes": attributes,
            "phone": "0661234567",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    rsu = created.json()["rsu_id"]
    for query in ("محمد الادريسي", "Mohamed Idrissi", "mohammed el-idrissi", "0661234567", rsu):
        found = api.get("/api/v1/registry/households/", {"q": query}).json()
        assert [h["rsu_id"] for h in found] == [rsu], query
    persons = api.get("/api/v1/registry/persons/", {"q": "Muhammad Elidrissi"}).json()
    assert [p["last_name_lat"] for p in persons] == ["El Idrissi"]


def test_a_regional_token_cannot_write_elsewhere(
    family: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    oriental = make_user(Role.SOCIAL_WORKER, regions=["02"])
    response = client_for(oriental).post(
        f"/api/v1/registry/households/{family['household'].rsu_id}/births",
        {"expected_version": 1, "reason": "x", "child": child()},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not HouseholdEvent.objects.exists()


def test_openapi_lists_the_registry_writes(db: Any) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/registry/households/{rsu_id}/births",
        "/api/v1/registry/change-requests/{request_id}/approve",
        "/api/v1/registry/persons/",
    ):
        assert path in paths


def test_search_is_scoped(family: dict[str, Any], make_user: Callable[..., Any]) -> None:
    oriental = make_user(Role.SOCIAL_WORKER, regions=["02"])
    assert client_for(oriental).get("/api/v1/registry/persons/", {"q": "Fatima"}).json() == []


def test_a_search_with_no_word_to_look_up_is_a_422(family: dict[str, Any], worker: Any) -> None:
    api = client_for(worker)
    for path in ("/api/v1/registry/households/", "/api/v1/registry/persons/"):
        response = api.get(path, {"q": "Al"})
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "name_too_short"


def test_persons_by_name_come_best_first_and_page_with_offset(
    family: dict[str, Any], worker: Any
) -> None:
    from jisr.registry.services._common import name_keys_set

    for person in (family["father"], family["mother"], family["son"]):
        name_keys_set(person)
        person.save()
    api = client_for(worker)
    found = api.get("/api/v1/registry/persons/", {"q": "Alaoui"}).json()
    # The shortest names first ("ahmad alaui" and "iusaf alaui", then "fatima alaui"), equal
    # ranks in name order.
    assert [p["first_name_lat"] for p in found] == ["Ahmed", "Youssef", "Fatima"]
    second = api.get("/api/v1/registry/persons/", {"q": "Alaoui", "limit": "1", "offset": "1"})
    assert [p["first_name_lat"] for p in second.json()] == ["Youssef"]
