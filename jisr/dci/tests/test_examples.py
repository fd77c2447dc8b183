"""The spec's published example requests (examples/processflow*req.json) are accepted.

Only identifiers and thresholds are adapted to the test registry; the examples' departures from
the spec's own schemas (total_count "1", query_type "expression" with a predicate list, duplicate
JSON keys, locale "EN/GB", consent "") are sent as published.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from jisr.dci import conf
from jisr.dci.openapi import EXAMPLES_DIR
from jisr.dci.tests.conftest import Population
from jisr.dci.tests.factories import Partner, sign
from jisr.dci.tests.spec import assert_valid_response

pytestmark = pytest.mark.django_db
PATH = "/registry/sync/search"


def example(name: str, partner: Partner, **replace: str) -> dict[str, Any]:
    text = (EXAMPLES_DIR / f"{name}.json").read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    envelope = json.loads(text)
    envelope["header"].update(
        sender_id=partner.sender.sender_id,
        receiver_id=conf.receiver_id(),
        message_id=f"{name}-{envelope['header']['message_id']}",
    )
    return sign(envelope, private_pem=partner.private_pem, sender_id=partner.sender.sender_id)


def answer(partner: Partner, envelope: dict[str, Any]) -> dict[str, Any]:
    response = partner.post(PATH, envelope)
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert_valid_response(PATH, 200, body)
    assert body["header"]["status"] == "succ"
    [item] = body["message"]["search_response"]
    answered: dict[str, Any] = item
    return answered


def found(item: dict[str, Any]) -> list[dict[str, Any]]:
    assert item["status"] == "succ", item
    found: list[dict[str, Any]] = item["data"]["reg_records"]
    return found


def test_processflow1_1_groups_by_poverty_score(partner: Partner, population: Population) -> None:
    item = answer(partner, example("processflow1-1req", partner))
    groups = found(item)
    expected = [population.households[name].rsu_id for name in ("oujda", "casa")]
    assert [g["group_identifier"][0]["identifier_value"] for g in groups] == expected


def test_processflow1_2_households_by_size(partner: Partner, population: Population) -> None:
    item = answer(partner, example("processflow1-2req", partner))
    assert [g["group_size"] for g in found(item)] == [1, 2, 3]


def test_processflow1_3_female_widows_as_members(partner: Partner, population: Population) -> None:
    item = answer(partner, example("processflow1-3req", partner))
    [member] = found(item)
    assert member["@type"] == "Member"
    assert member["marital_status"] == "W"
    assert member["demographic_info"]["sex"] == "female"
    khadija = population.persons["khadija"]
    assert member["member_identifier"][0]["identifier_value"] == khadija.rnp_id


def test_processflow2_person_by_uin(partner: Partner, population: Population) -> None:
    omar = population.persons["omar"]
    item = answer(partner, example("processflow2req", partner, **{"847951632": omar.rnp_id}))
    [person] = found(item)
    assert person["identifier"][0] == {
        "@type": "Identifier",
        "identifier_type": "UIN",
        "identifier_value": omar.rnp_id,
    }


def test_processflow3a_young_men_in_poor_households(
    partner: Partner, population: Population
) -> None:
    envelope = example("processflow3areq", partner, **{'"2.5"': '"5"'})
    [person] = found(answer(partner, envelope))
    assert person["identifier"][0]["identifier_value"] == population.persons["youssef"].rnp_id


def test_processflow4_an_order_on_sex_is_rejected_as_an_invalid_filter(
    partner: Partner, population: Population
) -> None:
    # The example compares gender with "lt": the message is accepted, that request rejected.
    item = answer(partner, example("processflow4req", partner))
    assert (item["status"], item["status_reason_code"]) == ("rjct", "rjct.filter.invalid")
