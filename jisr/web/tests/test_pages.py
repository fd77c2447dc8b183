from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from jisr.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(db: Any) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_fails(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor(*args: Any, **kwargs: Any) -> Any:
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_every_page_carries_the_security_headers(db: Any) -> None:
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_arabic_is_the_default_and_right_to_left(db: Any) -> None:
    # Even for a browser that asks for French: the person, not the machine, chooses the language.
    html = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert "تسجيل الدخول" in html  # "Log in", translated


@pytest.mark.parametrize(("language", "phrase"), [("fr", "Se connecter"), ("en", "Log in")])
def test_language_switch_renders_left_to_right(db: Any, language: str, phrase: str) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": language, "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{language}" dir="ltr">' in html
    assert "bootstrap.min.css" in html
    assert "bootstrap.rtl.min.css" not in html
    assert phrase in html


def test_no_inline_script_in_the_base_layout(make_user: Callable[..., Any]) -> None:
    client = Client()
    client.force_login(make_user(Role.AUDITOR, national=True))
    html = client.get("/").content.decode()
    assert "<script>" not in html
    assert "onclick=" not in html
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in html


def test_home_shows_role_and_scope(make_user: Callable[..., Any]) -> None:
    client = Client()
    client.force_login(make_user(Role.SOCIAL_WORKER, regions=["02"]))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Social worker" in html
    assert "L&#x27;Oriental" in html or "L'Oriental" in html
    assert "Casablanca" not in html


def test_audit_page_is_refused_to_a_social_worker(make_user: Callable[..., Any]) -> None:
    client = Client()
    client.force_login(make_user(Role.SOCIAL_WORKER, regions=["06"]))
    assert client.get("/audit/").status_code == 403
    client.force_login(make_user(Role.AUDITOR, national=True))
    assert client.get("/audit/").status_code == 200


def test_openapi_schema_is_published(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/registry/households/{rsu_id}" in paths
    assert "/api/v1/me" in paths


def test_a_user_preferred_language_applies_until_they_switch(make_user: Callable[..., Any]) -> None:
    user = make_user(Role.SOCIAL_WORKER, regions=["06"])
    user.preferred_language = "fr"
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    assert '<html lang="fr" dir="ltr">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "ar"  # remembered for the next session, on any computer
    other_computer = Client()
    other_computer.force_login(user)
    assert '<html lang="ar" dir="rtl">' in other_computer.get("/").content.decode()


def test_the_api_negotiates_its_messages_with_accept_language(
    make_user: Callable[..., Any],
) -> None:
    from jisr.accounts import services

    _token, secret = services.token_create(user=make_user(Role.SOCIAL_WORKER, regions=["06"]))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    french = client.get("/api/v1/registry/households/0000000000", HTTP_ACCEPT_LANGUAGE="fr")
    arabic = client.get("/api/v1/registry/households/0000000000", HTTP_ACCEPT_LANGUAGE="ar")
    assert french.status_code == arabic.status_code == 404
    assert french.json()["error"]["code"] == arabic.json()["error"]["code"] == "not_found"
    assert french.json()["error"]["message"] != arabic.json()["error"]["message"]
    assert french["Content-Language"] == "fr"
