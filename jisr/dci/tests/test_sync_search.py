"""Synchronous search: each query type, records, pagination, sort, scope and audit."""

from __future__ import annotations

from typing import Any

import pytest

from jisr.core.models import AuditEvent, AuditKind
from jisr.dci import conf, signatures
from jisr.dci.models import DciTransaction
from jisr.dci.tests.conftest import Population
from jisr.dci.tests.factories import (
    Partner,
    ed25519_keypair,
    nosql,
    predicate,
    search_item,
    search_message,
)
from jisr.dci.tests.spec import assert_valid_response

pytestmark = pytest.mark.django_db
PATH = "/registry/sync/search"


def sync_search(partner: Partner, *items: dict[str, Any]) -> dict[str, Any]:
    response = partner.post(PATH, partner.envelope(search_message(*items)))
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert_valid_response(PATH, 200, body)
    return body


def records(body: dict[str, Any], index: int = 0) -> list[dict[str, Any]]:
    item = body["message"]["search_response"][index]
    assert item["status"] == "succ", item
    found: list[dict[str, Any]] = item["data"]["reg_records"]
    return found


def uins(found: list[dict[str, Any]]) -> list[str]:
    return [record["identifier"][0]["identifier_value"] for record in found]


def test_idtype_value_by_rnp_id_returns_the_person(
    partner: Partner, population: Population
) -> None:
    fatima = population.persons["fatima"]
    body = sync_search(
        partner, search_item("idtype-value", {"type": "UIN", "value": fatima.rnp_id})
    )
    header = body["header"]
    assert (header["action"], header["status"], header["receiver_id"]) == (
        "on-search",
        "succ",
        partner.sender.sender_id,
    )
    assert (header["total_count"], header["completed_count"]) == (1, 1)
    [record] = records(body)
    assert record["@type"] == "SRPerson"
    assert {"identifier_type": "CNIE", "identifier_value": fatima.cnie, "@type": "Identifier"} in (
        record["identifier"]
    )
    assert record["sex"] == "female"
    assert record["birth_date"] == "1980-05-17"
    assert record["marital_status"] == "M"
    assert record["household_identifier"] == population.households["casa"].rsu_id
    assert record["address"][0]["region_code"] == "06"
    latin, arabic = record["name"]
    assert (latin["given_name"], latin["language"]) == ("Fatima", "ar-Latn")
    assert (arabic["given_name"], arabic["language"]) == ("فاطمة", "ar")


def test_idtype_value_by_cnie_any_case(partner: Partner, population: Population) -> None:
    ahmed = population.persons["ahmed"]
    body = sync_search(
        partner, search_item("idtype-value", {"type": "CNIE", "value": ahmed.cnie.lower()})
    )
    assert uins(records(body)) == [ahmed.rnp_id]


def test_idtype_value_by_rsu_id_returns_the_group_with_its_members(
    partner: Partner, population: Population
) -> None:
    casa = population.households["casa"]
    body = sync_search(
        partner,
        search_item("idtype-value", {"type": "RSU", "value": casa.rsu_id}, entity="Group"),
    )
    [group] = records(body)
    assert group["@type"] == "Group"
    assert group["group_identifier"][0]["identifier_value"] == casa.rsu_id
    assert group["group_size"] == 3
    assert group["poverty_score"] == 4.5
    assert group["address"]["locality_code"] == casa.commune_id
    assert group["group_head_info"]["relationship_head"] == "SELF"
    relationships = sorted(member["relationship_head"] for member in group["member_list"])
    assert relationships == ["CHILD", "SELF", "SPS"]


def test_unknown_identifier_type_is_rejected_with_the_spec_code(
    partner: Partner, population: Population
) -> None:
    body = sync_search(partner, search_item("idtype-value", {"type": "BRN", "value": "1"}))
    item = body["message"]["search_response"][0]
    assert item["status"] == "rjct"
    assert item["status_reason_code"] == "rjct.search_criteria.invalid"
    assert "data" not in item


def test_expression_on_person_attributes(partner: Partner, population: Population) -> None:
    query = nosql({"$and": [{"sex": {"$eq": "male"}}, {"birth_date": {"$lt": "2000-01-01"}}]})
    body = sync_search(partner, search_item("expression", query))
    assert set(uins(records(body))) == {
        population.persons["ahmed"].rnp_id,
        population.persons["omar"].rnp_id,
    }


def test_expression_on_groups_by_size_and_location(
    partner: Partner, population: Population
) -> None:
    query = nosql({"group_size": {"$gte": 2}, "location": "06"}, collection="Group")
    body = sync_search(partner, search_item("expression", query, entity="Group"))
    [group] = records(body)
    assert group["group_identifier"][0]["identifier_value"] == population.households["casa"].rsu_id


def test_expression_or_ne_and_in(partner: Partner, population: Population) -> None:
    query = nosql(
        {
            "$or": [{"given_name": {"$in": ["omar", "Salma"]}}, {"marital_status": "W"}],
            "region": {"$ne": "06"},
        }
    )
    body = sync_search(partner, search_item("expression", query))
    assert set(uins(records(body))) == {
        population.persons["omar"].rnp_id,
        population.persons["salma"].rnp_id,
    }


def test_predicate_with_age_and_arabic_name(partner: Partner, population: Population) -> None:
    query = [
        {
            "seq_num": 1,
            "expression1": predicate("age", "lt", 18),
            "condition": "and",
            "expression2": predicate("surname", "eq", "العلوي"),
        }
    ]
    body = sync_search(partner, search_item("predicate", query))
    assert uins(records(body)) == [population.persons["youssef"].rnp_id]


def test_predicate_not_condition(partner: Partner, population: Population) -> None:
    query = [
        {
            "expression1": predicate("region", "eq", "06"),
            "condition": "not",
            "expression2": predicate("relationship_head", "eq", "SELF"),
        }
    ]
    body = sync_search(partner, search_item("predicate", query, entity="Member"))
    found = records(body)
    assert {m["relationship_head"] for m in found} == {"SPS", "CHILD"}
    assert all(m["@type"] == "Member" for m in found)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ([{"expression1": predicate("blood_type", "eq", "O")}], "rjct.filter.invalid"),
        ([{"expression1": predicate("age", "between", 3)}], "rjct.filter.invalid"),
        ([{"expression1": predicate("sex", "lt", "m")}], "rjct.filter.invalid"),
        ([{"expression1": predicate("birth_date", "eq", "yesterday")}], "rjct.filter.invalid"),
        ([{"condition": "and"}], "rjct.filter.invalid"),
        ([], "rjct.search_criteria.invalid"),
    ],
)
def test_unmapped_or_malformed_predicates_are_rejected(
    partner: Partner, population: Population, query: Any, reason: str
) -> None:
    body = sync_search(partner, search_item("predicate", query))
    item = body["message"]["search_response"][0]
    assert (item["status"], item["status_reason_code"]) == ("rjct", reason)


def test_pagination_and_sort(partner: Partner, population: Population) -> None:
    def page(number: int) -> dict[str, Any]:
        item = search_item(
            "predicate",
            [{"expression1": predicate("YOB", "ge", 1900)}],
            pagination={"page_size": 4, "page_number": number},
            sort=[{"attribute_name": "birth_date", "sort_order": "desc"}],
            reference_id=f"p{number}",
        )
        result: dict[str, Any] = sync_search(partner, item)["message"]["search_response"][0]
        return result

    first, second = page(1), page(2)
    assert first["pagination"] == {"page_size": 4, "page_number": 1, "total_count": 6}
    assert second["pagination"] == {"page_size": 4, "page_number": 2, "total_count": 6}
    dates = [r["birth_date"] for r in first["data"]["reg_records"] + second["data"]["reg_records"]]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 6


@pytest.mark.parametrize(
    "pagination", [{"page_size": 0}, {"page_size": 100000}, {"page_size": 5, "page_number": 0}]
)
def test_bad_pagination_is_rejected(
    partner: Partner, population: Population, pagination: dict[str, Any]
) -> None:
    item = search_item("idtype-value", {"type": "UIN", "value": "1"}, pagination=pagination)
    result = sync_search(partner, item)["message"]["search_response"][0]
    assert result["status_reason_code"] == "rjct.pagination.invalid"


def test_unsortable_attribute_is_rejected(partner: Partner, population: Population) -> None:
    item = search_item(
        "idtype-value",
        {"type": "UIN", "value": "1"},
        sort=[{"attribute_name": "sex", "sort_order": "asc"}],
    )
    result = sync_search(partner, item)["message"]["search_response"][0]
    assert result["status_reason_code"] == "rjct.sort.invalid"


def test_too_many_records_without_pagination(
    partner: Partner, population: Population, settings: Any
) -> None:
    settings.JISR_DCI_MAX_PAGE_SIZE = 2
    item = search_item("predicate", [{"expression1": predicate("YOB", "ge", 1900)}])
    result = sync_search(partner, item)["message"]["search_response"][0]
    assert result["status_reason_code"] == "rjct.search.too_many_records_found"


def test_a_batch_answers_each_request_and_refuses_duplicate_references(
    partner: Partner, population: Population
) -> None:
    omar = population.persons["omar"]
    good = search_item("idtype-value", {"type": "UIN", "value": omar.rnp_id}, reference_id="a")
    again = search_item("idtype-value", {"type": "UIN", "value": omar.rnp_id}, reference_id="a")
    bad_time = {**good, "reference_id": "b", "timestamp": "noon"}
    body = sync_search(partner, good, again, bad_time)
    statuses = [(i["reference_id"], i["status"]) for i in body["message"]["search_response"]]
    assert statuses == [("a", "succ"), ("a", "rjct"), ("b", "rjct")]
    reasons = [i.get("status_reason_code") for i in body["message"]["search_response"]]
    assert reasons[1:] == ["rjct.reference_id.duplicate", "rjct.timestamp.invalid"]
    assert body["header"]["completed_count"] == 3


def test_a_regional_token_never_returns_another_region(
    regional_partner: Partner, population: Population
) -> None:
    everyone = search_item("predicate", [{"expression1": predicate("YOB", "ge", 1900)}])
    found = records(sync_search(regional_partner, everyone))
    assert {r["address"][0]["region_code"] for r in found} == {"06"}
    assert len(found) == 4
    omar = population.persons["omar"]
    direct = search_item("idtype-value", {"type": "UIN", "value": omar.rnp_id})
    assert records(sync_search(regional_partner, direct)) == []
    oujda = population.households["oujda"]
    group = search_item(
        "idtype-value", {"type": "RSU", "value": oujda.rsu_id}, entity="Group", reference_id="g"
    )
    assert records(sync_search(regional_partner, group)) == []


def test_every_returned_person_is_audited(partner: Partner, population: Population) -> None:
    casa = population.households["casa"]
    before = AuditEvent.objects.filter(kind=AuditKind.READ).count()
    sync_search(
        partner, search_item("idtype-value", {"type": "RSU", "value": casa.rsu_id}, entity="Group")
    )
    reads = AuditEvent.objects.filter(kind=AuditKind.READ).order_by("id")[:100]
    persons = {
        e.target_id
        for e in reads
        if e.action == "dci.person_disclosed" and e.actor_id == partner.user.pk
    }
    assert persons == {str(population.persons[name].pk) for name in ("fatima", "ahmed", "youssef")}
    assert AuditEvent.objects.filter(kind=AuditKind.READ).count() == before + 4
    assert AuditEvent.objects.filter(
        action="dci.household_disclosed", target_id=str(casa.pk)
    ).exists()


def test_the_transaction_is_stored_without_the_records(
    partner: Partner, population: Population
) -> None:
    fatima = population.persons["fatima"]
    body = sync_search(
        partner, search_item("idtype-value", {"type": "UIN", "value": fatima.rnp_id})
    )
    txn = DciTransaction.objects.get(correlation_id=body["message"]["correlation_id"])
    assert (txn.kind, txn.status, txn.asynchronous) == ("search", "succ", False)
    [item] = txn.items.all()
    assert (item.reference_id, item.status, item.total_count) == ("r1", "succ", 1)
    assert txn.request is None


def test_answers_are_signed_when_the_registry_has_a_key(
    partner: Partner, population: Population, settings: Any
) -> None:
    private, public = ed25519_keypair()
    settings.JISR_DCI_SIGNING_KEY_PEM = private
    settings.JISR_DCI_SIGNING_KEY_ID = "rsu-2025"
    body = sync_search(partner, search_item("idtype-value", {"type": "UIN", "value": "1"}))
    params = signatures.parse(body["signature"])
    assert (params.sender_id, params.key_id) == (conf.receiver_id(), "rsu-2025")
    signatures.verify(params, public_key_pem=public, header=body["header"], message=body["message"])
