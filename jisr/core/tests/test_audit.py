from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from jisr.core import audit, context
from jisr.core.models import AppendOnlyError, AuditEvent, AuditKind

pytestmark = pytest.mark.django_db


def test_record_keeps_actor_target_before_after_reason_and_request(make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(username="amina")
    token = context.bind(context.RequestContext(request_id="req-12345678", ip="10.1.2.3"))
    try:
        event = audit.record(
            actor=user,
            action="test.changed",
            target=user,
            before={"a": 1},
            after={"a": 2},
            reason="correction",
        )
    finally:
        context.unbind(token)
    event.refresh_from_db()
    assert (event.actor_id, event.actor_username, event.kind) == (
        user.pk,
        "amina",
        AuditKind.CHANGE,
    )
    assert (event.target_type, event.target_id) == ("accounts.user", str(user.pk))
    assert (event.before, event.after, event.reason) == ({"a": 1}, {"a": 2}, "correction")
    assert (event.request_id, event.ip) == ("req-12345678", "10.1.2.3")


def failing_service() -> None:
    with transaction.atomic():
        audit.record(actor=None, action="test.doomed")
        raise RuntimeError("the service failed after auditing")


def test_an_event_recorded_in_a_rolled_back_transaction_disappears_with_it(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError):
        failing_service()
    assert not AuditEvent.objects.filter(action="test.doomed").exists()


def test_events_cannot_be_changed_or_deleted_through_the_orm(db) -> None:  # type: ignore[no-untyped-def]
    event = audit.record(actor=None, action="test.kept")
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_to_rewrite_events(db) -> None:  # type: ignore[no-untyped-def]
    event = audit.record(actor=None, action="test.kept")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'forged' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_read_many_records_one_read_event_per_record(make_user) -> None:  # type: ignore[no-untyped-def]
    viewer = make_user(username="auditor")
    assert (
        audit.read_many(
            actor=viewer,
            action="test.listed",
            targets=[("registry.household", "1"), ("registry.household", "2")],
        )
        == 2
    )
    events = AuditEvent.objects.filter(action="test.listed", kind=AuditKind.READ)
    assert sorted(events.values_list("target_id", flat=True)) == ["1", "2"]


def test_request_id_header_is_echoed_and_stored(make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="khadija")
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "khadija", "password": "nope"},
        HTTP_X_REQUEST_ID="trace-abcdef12",
    )
    assert response["X-Request-ID"] == "trace-abcdef12"
    assert AuditEvent.objects.get(action="auth.login_failed").request_id == "trace-abcdef12"
    # An unsafe caller-supplied id is replaced by a fresh one.
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32
