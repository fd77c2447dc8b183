"""Asynchronous search and status: acknowledgement, background job, callback, transaction status."""

from __future__ import annotations

from typing import Any

import pytest

from jisr.core import jobs
from jisr.core.models import AuditEvent, Job, JobStatus
from jisr.dci.models import DciTransaction
from jisr.dci.tests.conftest import CallbackServer, Population
from jisr.dci.tests.factories import Partner, search_item, search_message
from jisr.dci.tests.spec import assert_valid_callback, assert_valid_response

pytestmark = pytest.mark.django_db
SEARCH, SYNC_STATUS, STATUS = (
    "/registry/search",
    "/registry/sync/txn/status",
    "/registry/txn/status",
)


def allow(partner: Partner, server: CallbackServer) -> None:
    partner.sender.callback_urls = [f"{server.base_url}/dci/"]
    partner.sender.save(update_fields=["callback_urls"])


def work() -> int:
    return jobs.work(once=True, kinds=("dci.search", "dci.txn_status"))


def accept(partner: Partner, path: str, message: dict[str, Any], **header: Any) -> dict[str, Any]:
    action = "search" if path == SEARCH else "txn-status"
    response = partner.post(path, partner.envelope(message, action=action, **header))
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert_valid_response(path, 200, body)
    assert body["message"]["ack_status"] == "ACK"
    return body


def status_query(attribute_type: str, value: Any) -> dict[str, Any]:
    return {
        "transaction_id": "status-1",
        "txnstatus_request": {
            "reference_id": "s1",
            "txn_type": "search",
            "attribute_type": attribute_type,
            "attribute_value": value,
        },
    }


def sync_status(partner: Partner, attribute_type: str, value: Any) -> dict[str, Any]:
    envelope = partner.envelope(status_query(attribute_type, value), action="txn-status")
    response = partner.post(SYNC_STATUS, envelope)
    body: dict[str, Any] = response.json()
    assert_valid_response(SYNC_STATUS, response.status_code, body)
    assert response.status_code == 200, body
    return body


def test_async_search_is_acknowledged_then_answered_by_callback(
    partner: Partner, population: Population, callback_server: CallbackServer
) -> None:
    allow(partner, callback_server)
    fatima = population.persons["fatima"]
    message = search_message(
        search_item("idtype-value", {"type": "UIN", "value": fatima.rnp_id}),
        search_item("idtype-value", {"type": "BRN", "value": "1"}, reference_id="r2"),
        transaction_id="async-1",
    )
    ack = accept(partner, SEARCH, message, sender_uri=f"{callback_server.base_url}/dci/on-search")
    correlation_id = ack["message"]["correlation_id"]
    txn = DciTransaction.objects.get(correlation_id=correlation_id)
    assert (txn.status, txn.delivery_status) == ("rcvd", "pending")
    assert callback_server.received == []  # nothing is sent before the job runs

    pending = sync_status(partner, "transaction_id", "async-1")
    items = pending["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert {item["status"] for item in items} == {"rcvd"}

    assert work() == 1
    [callback] = callback_server.received
    assert callback_server.paths == ["/dci/on-search"]
    assert_valid_callback("/registry/on-search", callback)
    assert callback["header"]["action"] == "on-search"
    assert callback["header"]["receiver_id"] == partner.sender.sender_id
    assert callback["message"]["correlation_id"] == correlation_id
    answered = callback["message"]["search_response"]
    assert [item["status"] for item in answered] == ["succ", "rjct"]
    [record] = answered[0]["data"]["reg_records"]
    assert record["identifier"][0]["identifier_value"] == fatima.rnp_id

    txn.refresh_from_db()
    assert (txn.status, txn.delivery_status, txn.request) == ("succ", "delivered", None)
    assert Job.objects.get(pk=txn.job_id).status == JobStatus.SUCCEEDED
    assert AuditEvent.objects.filter(
        action="dci.person_disclosed", target_id=str(fatima.pk), actor_id=partner.user.pk
    ).exists()

    done = sync_status(partner, "correlation_id", correlation_id)
    status = done["message"]["txnstatus_response"]["txn_status"]
    assert [item["status"] for item in status["search_response"]] == ["succ", "rjct"]
    assert status["search_response"][0]["pagination"]["total_count"] == 1
    assert "data" not in status["search_response"][0]  # the records are not kept
    by_reference = sync_status(partner, "reference_id_list", ["r2"])
    [only] = by_reference["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert (only["reference_id"], only["status_reason_code"]) == (
        "r2",
        "rjct.search_criteria.invalid",
    )


def test_a_rerun_job_does_not_answer_twice(
    partner: Partner, population: Population, callback_server: CallbackServer
) -> None:
    allow(partner, callback_server)
    accept(
        partner,
        SEARCH,
        search_message(search_item("idtype-value", {"type": "UIN", "value": "1"})),
        sender_uri=f"{callback_server.base_url}/dci/cb",
    )
    work()
    job = Job.objects.get(kind="dci.search")
    jobs.run(job)
    assert len(callback_server.received) == 1


def test_async_status_is_answered_on_the_callback(
    partner: Partner, population: Population, callback_server: CallbackServer
) -> None:
    allow(partner, callback_server)
    first = partner.envelope(
        search_message(search_item("idtype-value", {"type": "UIN", "value": "1"})),
    )
    assert partner.post("/registry/sync/search", first).status_code == 200
    accept(
        partner,
        STATUS,
        status_query("transaction_id", "t-1"),
        sender_uri=f"{callback_server.base_url}/dci/on-status",
    )
    assert work() == 1
    [callback] = callback_server.received
    assert_valid_callback("/registry/txn/on-status", callback)
    assert callback["header"]["action"] == "txn-on-status"
    assert callback["message"]["txnstatus_response"]["txn_status"]["transaction_id"] == "t-1"


def test_async_status_of_an_unknown_transaction_is_answered_rejected(
    partner: Partner, callback_server: CallbackServer
) -> None:
    allow(partner, callback_server)
    accept(
        partner,
        STATUS,
        status_query("transaction_id", "never-sent"),
        sender_uri=f"{callback_server.base_url}/dci/on-status",
    )
    work()
    [callback] = callback_server.received
    assert_valid_callback("/registry/txn/on-status", callback)
    assert callback["header"]["status"] == "rjct"


def test_sync_status_of_an_unknown_transaction_is_not_found(partner: Partner) -> None:
    envelope = partner.envelope(status_query("transaction_id", "never"), action="txn-status")
    response = partner.post(SYNC_STATUS, envelope)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "err.request.not_found"
    assert_valid_response(SYNC_STATUS, 404, response.json())


def test_status_covers_only_the_senders_own_transactions(
    partner: Partner, regional_partner: Partner, population: Population
) -> None:
    message = search_message(search_item("idtype-value", {"type": "UIN", "value": "1"}))
    assert partner.post("/registry/sync/search", partner.envelope(message)).status_code == 200
    envelope = regional_partner.envelope(status_query("transaction_id", "t-1"), action="txn-status")
    assert regional_partner.post(SYNC_STATUS, envelope).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/dci/on-search",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:1/dci/on-search",  # allowed host, other port
        "http://127.0.0.1@evil.example/dci/",
        "file:///etc/passwd",
        "",
    ],
)
def test_a_callback_outside_the_allow_list_is_refused(
    partner: Partner, callback_server: CallbackServer, url: str
) -> None:
    allow(partner, callback_server)
    message = search_message(search_item("idtype-value", {"type": "UIN", "value": "1"}))
    response = partner.post(SEARCH, partner.envelope(message, sender_uri=url))
    assert response.status_code == 400
    body: dict[str, Any] = response.json()
    assert body["message"]["ack_status"] == "ERR"
    assert body["message"]["error"]["code"] == "err.sender_uri.invalid"
    assert_valid_response(SEARCH, 400, body)
    assert not DciTransaction.objects.exists()
    assert not Job.objects.filter(kind="dci.search").exists()


def test_the_default_callback_url_is_used_when_none_is_named(
    partner: Partner, population: Population, callback_server: CallbackServer
) -> None:
    allow(partner, callback_server)
    partner.sender.default_callback_url = f"{callback_server.base_url}/dci/default"
    partner.sender.save(update_fields=["default_callback_url"])
    message = search_message(search_item("idtype-value", {"type": "UIN", "value": "1"}))
    accept(partner, SEARCH, message, sender_uri="")
    work()
    assert callback_server.paths == ["/dci/default"]


def test_a_failed_delivery_is_recorded_and_fails_the_job(
    partner: Partner, population: Population, callback_server: CallbackServer
) -> None:
    allow(partner, callback_server)
    callback_server.status = 500
    message = search_message(search_item("idtype-value", {"type": "UIN", "value": "1"}))
    ack = accept(partner, SEARCH, message, sender_uri=f"{callback_server.base_url}/dci/x")
    work()
    txn = DciTransaction.objects.get(correlation_id=ack["message"]["correlation_id"])
    assert (txn.status, txn.delivery_status) == ("succ", "failed")
    assert "HTTP 500" in txn.delivery_error
    assert Job.objects.get(pk=txn.job_id).status == JobStatus.FAILED


def test_a_callback_url_removed_from_the_allow_list_before_delivery_is_not_called(
    partner: Partner, population: Population, callback_server: CallbackServer
) -> None:
    allow(partner, callback_server)
    message = search_message(search_item("idtype-value", {"type": "UIN", "value": "1"}))
    accept(partner, SEARCH, message, sender_uri=f"{callback_server.base_url}/dci/x")
    partner.sender.callback_urls = ["https://spmis.example.org/"]
    partner.sender.save(update_fields=["callback_urls"])
    work()
    assert callback_server.received == []
    assert DciTransaction.objects.get(kind="search").delivery_status == "refused"
