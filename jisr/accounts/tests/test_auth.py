from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jisr.accounts import services
from jisr.accounts.models import ApiToken, User
from jisr.accounts.roles import ROLE_PERMISSIONS, Role
from jisr.conftest import DEFAULT_TEST_PASSWORD
from jisr.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2(make_user: Callable[..., User]) -> None:
    user = make_user(password="a long enough password")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a long enough password")


def test_roles_are_groups_with_their_permissions(make_user: Callable[..., User]) -> None:
    assert set(Group.objects.values_list("name", flat=True)) == {role.value for role in Role}
    auditor = make_user(Role.AUDITOR, national=True)
    assert auditor.has_perm("core.view_auditevent")
    assert auditor.has_perm("registry.view_household")
    assert not auditor.has_perm("registry.change_household")
    partner = make_user(Role.PARTNER_STAFF)
    assert not partner.has_perm("registry.view_household")
    for role, names in ROLE_PERMISSIONS.items():
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role.value).permissions.select_related("content_type")
        }
        assert granted == set(names), role


def test_successful_login_is_audited_and_resets_the_counter(make_user: Callable[..., User]) -> None:
    user = make_user(username="khadija")
    client = Client()
    login(client, "khadija", "wrong password")
    response = login(client, "khadija", DEFAULT_TEST_PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.failed_logins == 0
    actions = list(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
    )
    assert "auth.login" in actions
    assert "auth.login_failed" in actions


def test_lockout_after_repeated_failures_refuses_even_the_right_password(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.JISR_LOCKOUT_THRESHOLD = 3
    user = make_user(username="hamza")
    client = Client()
    for _ in range(3):
        response = login(client, "hamza", "not the password")
        assert response.status_code == 200
    user.refresh_from_db()
    assert user.locked_until is not None
    assert user.locked_until > timezone.now()
    response = login(client, "hamza", DEFAULT_TEST_PASSWORD)
    assert response.status_code == 200  # back to the form, not logged in
    assert "_auth_user_id" not in client.session
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["locked"]
    assert AuditEvent.objects.filter(action="auth.locked", target_id=str(user.pk)).count() == 1


def test_lock_expires_and_failures_outside_the_window_do_not_add_up(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.JISR_LOCKOUT_THRESHOLD = 2
    user = make_user(username="salma")
    services.login_failure_record(username="salma")
    User.objects.filter(pk=user.pk).update(
        first_failed_login_at=timezone.now() - dt.timedelta(hours=1)
    )
    services.login_failure_record(username="salma")  # the earlier failure is outside the window
    user.refresh_from_db()
    assert user.locked_until is None
    services.login_failure_record(username="salma")
    user.refresh_from_db()
    assert user.locked_until is not None
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert login(Client(), "salma", DEFAULT_TEST_PASSWORD).status_code == 302


def test_unknown_username_failure_is_audited_without_creating_anything(db: Any) -> None:
    assert services.login_failure_record(username="nobody") is None
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.after == {"username": "nobody", "known": False}
    assert not User.objects.exists()


def test_token_create_prints_a_token_stored_only_as_a_hash(
    make_user: Callable[..., User], capsys: pytest.CaptureFixture[str]
) -> None:
    make_user(username="api.user", national=True, role=Role.PROGRAMME_MANAGER)
    call_command("token", "create", "api.user", "--name", "etl")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("jisr_")
    token = ApiToken.objects.get()
    assert secret not in (token.key_hash, token.prefix)
    assert services.token_authenticate(secret) == User.objects.get(username="api.user")


def test_bearer_token_authenticates_the_api(make_user: Callable[..., User]) -> None:
    user = make_user(Role.SOCIAL_WORKER, username="worker", regions=["06"])
    _token, secret = services.token_create(user=user)
    client = Client()
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer jisr_bad_token").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json() == {
        "username": "worker",
        "roles": ["social_worker"],
        "scope": {"national": False, "regions": ["06"], "communes": []},
    }


@pytest.mark.parametrize("how", ["revoked", "expired", "inactive", "tampered"])
def test_unusable_tokens_are_refused(make_user: Callable[..., User], how: str) -> None:
    user = make_user(username="t")
    token, secret = services.token_create(user=user)
    if how == "revoked":
        services.token_revoke(token=token, actor=None)
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
    elif how == "inactive":
        User.objects.filter(pk=user.pk).update(is_active=False)
    else:
        secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert services.token_authenticate(secret) is None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
