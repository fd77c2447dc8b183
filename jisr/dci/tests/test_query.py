"""Reading search criteria into a query tree (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jisr.dci.errors import RequestRejected
from jisr.dci.query import AllOf, AnyOf, Entity, Not, Predicate, parse_criteria


def criteria(query_type: str, query: Any, **more: Any) -> dict[str, Any]:
    return {"query_type": query_type, "query": query, **more}


def reason(raw: Any) -> str:
    with pytest.raises(RequestRejected) as caught:
        parse_criteria(raw)
    return caught.value.reason.value


def test_idtype_value_reads_identifier_aliases() -> None:
    parsed = parse_criteria(criteria("idtype-value", {"type": "NID", "value": "bk123456"}))
    assert isinstance(parsed.filter, Predicate)
    assert (parsed.filter.attribute.name, parsed.filter.value) == ("CNIE", "BK123456")
    assert parsed.entity is Entity.PERSON
    assert (parsed.page_size, parsed.page_number) == (None, 1)


def test_nosql_expression_tree() -> None:
    query = {
        "type": "ns:org:QueryType:NoSql",
        "value": {
            "expression": {
                "collection": "Group",
                "query": {
                    "$or": [{"poverty_score": {"$lt": 5, "$gte": "1.5"}}, {"milieu": "rural"}],
                    "$nor": [{"region": "02"}],
                },
            }
        },
    }
    parsed = parse_criteria(criteria("expression", query, response_entity="Household"))
    assert parsed.entity is Entity.GROUP
    assert isinstance(parsed.filter, AllOf)
    either, neither = parsed.filter.parts
    assert isinstance(either, AnyOf)
    assert isinstance(neither, Not)
    bounds = either.parts[0]
    assert isinstance(bounds, AllOf)
    assert [(p.operator, p.value) for p in bounds.parts if isinstance(p, Predicate)] == [
        ("lt", Decimal(5)),
        ("ge", Decimal("1.5")),
    ]


def test_predicate_items_are_ordered_by_seq_num_and_joined() -> None:
    query = [
        {
            "seq_num": 2,
            "expression1": {"attribute_name": "sex", "operator": "eq", "attribute_value": "F"},
        },
        {
            "seq_num": 1,
            "expression1": {
                "attribute_name": "dob",
                "operator": "ge",
                "attribute_value": "2000-01-31T00:00:00Z",
            },
            "condition": "or",
            "expression2": {
                "attribute_name": "is_disabled",
                "operator": "eq",
                "attribute_value": True,
            },
        },
    ]
    parsed = parse_criteria(criteria("predicate", query))
    assert isinstance(parsed.filter, AllOf)
    first, second = parsed.filter.parts
    assert isinstance(first, AnyOf)
    assert isinstance(second, Predicate)
    assert first.parts[0] == Predicate(first.parts[0].attribute, "ge", dt.date(2000, 1, 31))  # type: ignore[union-attr]
    assert second.value == ("F",)


def test_in_takes_a_list_or_comma_separated_values() -> None:
    listed = parse_criteria(
        criteria(
            "predicate",
            [
                {
                    "expression1": {
                        "attribute_name": "region",
                        "operator": "in",
                        "attribute_value": ["06", "02"],
                    }
                }
            ],
        )
    )
    joined = parse_criteria(
        criteria(
            "predicate",
            [
                {
                    "expression1": {
                        "attribute_name": "region",
                        "operator": "in",
                        "attribute_value": "06,02",
                    }
                }
            ],
        )
    )
    assert listed.filter == joined.filter


def test_sort_and_pagination() -> None:
    parsed = parse_criteria(
        criteria(
            "idtype-value",
            {"type": "UIN", "value": 5},
            sort=[{"attribute_name": "age", "sort_order": "asc"}, {"attribute_name": "surname"}],
            pagination={"page_size": "20", "page_number": 3.0},
        )
    )
    age, surname = parsed.sort
    assert (age.attribute.name, age.descending) == ("age", True)  # youngest first: latest birth
    assert (surname.attribute.name, surname.descending) == ("surname", False)
    assert (parsed.page_size, parsed.page_number) == (20, 3)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ([], "rjct.search_criteria.invalid"),
        (criteria("graphql", "{ person }"), "rjct.search_criteria.invalid"),
        (criteria("idtype-value", {"type": "MRN", "value": "1"}), "rjct.search_criteria.invalid"),
        (criteria("idtype-value", "UIN=1"), "rjct.search_criteria.invalid"),
        (
            criteria("expression", {"type": "Sql", "value": {"expression": "select"}}),
            "rjct.search_criteria.invalid",
        ),
        (
            criteria("expression", {"value": {"expression": {"query": {"$where": "1"}}}}),
            "rjct.filter.invalid",
        ),
        (
            criteria("expression", {"value": {"expression": {"query": {"income": 1}}}}),
            "rjct.filter.invalid",
        ),
        (
            criteria("expression", {"value": {"expression": {"query": {"age": {"$gt": -1}}}}}),
            "rjct.filter.invalid",
        ),
        (
            criteria(
                "expression", {"value": {"expression": {"query": {"group_size": {"$lt": "x"}}}}}
            ),
            "rjct.filter.invalid",
        ),
        (
            criteria(
                "predicate",
                [
                    {
                        "expression1": {
                            "attribute_name": "sex",
                            "operator": "eq",
                            "attribute_value": "X",
                        }
                    }
                ],
            ),
            "rjct.filter.invalid",
        ),
        (
            criteria(
                "predicate",
                [
                    {
                        "expression1": {
                            "attribute_name": "UIN",
                            "operator": "gt",
                            "attribute_value": "1",
                        }
                    }
                ],
            ),
            "rjct.filter.invalid",
        ),
        (
            criteria(
                "predicate",
                [
                    {
                        "expression1": {
                            "attribute_name": "UIN",
                            "operator": "eq",
                            "attribute_value": "1",
                        },
                        "condition": "xor",
                        "expression2": {
                            "attribute_name": "UIN",
                            "operator": "eq",
                            "attribute_value": "2",
                        },
                    }
                ],
            ),
            "rjct.filter.invalid",
        ),
        (
            criteria("idtype-value", {"type": "UIN", "value": "1"}, response_entity="Planet"),
            "rjct.search_criteria.invalid",
        ),
        (
            criteria(
                "idtype-value", {"type": "UIN", "value": "1"}, sort=[{"attribute_name": "sex"}]
            ),
            "rjct.sort.invalid",
        ),
        (
            criteria(
                "idtype-value",
                {"type": "UIN", "value": "1"},
                sort=[{"attribute_name": "UIN", "sort_order": "up"}],
            ),
            "rjct.sort.invalid",
        ),
        (
            criteria(
                "idtype-value",
                {"type": "UIN", "value": "1"},
                response_entity="Group",
                sort=[{"attribute_name": "surname"}],
            ),
            "rjct.sort.invalid",
        ),
        (
            criteria("idtype-value", {"type": "UIN", "value": "1"}, pagination={"page_number": 1}),
            "rjct.pagination.invalid",
        ),
        (
            criteria("idtype-value", {"type": "UIN", "value": "1"}, pagination={"page_size": 2.5}),
            "rjct.pagination.invalid",
        ),
    ],
)
def test_invalid_criteria_are_rejected_with_the_spec_reason(raw: Any, expected: str) -> None:
    assert reason(raw) == expected


def test_a_deeply_nested_or_huge_query_is_refused() -> None:
    nested: dict[str, Any] = {"age": 3}
    for _ in range(20):
        nested = {"$and": [nested]}
    assert (
        reason(criteria("expression", {"value": {"expression": {"query": nested}}}))
        == "rjct.filter.invalid"
    )
    wide = {"$or": [{"age": n} for n in range(100)]}
    assert (
        reason(criteria("expression", {"value": {"expression": {"query": wide}}}))
        == "rjct.filter.invalid"
    )
