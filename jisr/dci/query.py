"""Reading one `search_request` item into a query on the registry (no database access).

`query_type` is one of the spec's three:
- `idtype-value`: `{"type": "UIN", "value": "..."}`, an identifier (`attributes.identifier_type`);
- `expression`: an `ExpTemplate` whose value holds a NoSql (MongoDB-style) filter, as in the spec's
  examples: `{"type": "ns:org:QueryType:NoSql", "value": {"expression": {"collection": "Group",
  "query": {"$and": [{"poverty_score": {"$lt": 5}}]}}}}` ($and, $or, $nor, $not, $eq, $ne, $lt,
  $lte, $gt, $gte, $in, $nin);
- `predicate`: an `ExpPredicateWithConditionList`; items are joined with AND, and within an item
  `expression1 <condition> expression2 [<condition> expression3 ...]` (`not`: the first and none
  of the others).
The spec's published examples send predicate lists with `query_type: expression`; such a query
is read as a predicate list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from jisr.dci import conf
from jisr.dci.attributes import Attribute, Kind, Level, coerce, identifier_type, lookup
from jisr.dci.errors import RequestRejected, SearchReason

MAX_NODES = 50
MAX_DEPTH = 8
MAX_PAGE_NUMBER = 1_000_000  # keeps the SQL offset within a 64-bit integer


class Entity(StrEnum):
    """What the search returns (`search_criteria.response_entity`)."""

    PERSON = "Person"
    MEMBER = "Member"
    GROUP = "Group"


ENTITIES = {
    "": Entity.PERSON,
    "person": Entity.PERSON,
    "srperson": Entity.PERSON,
    "member": Entity.MEMBER,
    "group": Entity.GROUP,
    "household": Entity.GROUP,
}


@dataclass(frozen=True)
class Predicate:
    attribute: Attribute
    operator: str
    value: Any


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Predicate | AllOf | AnyOf | Not


@dataclass(frozen=True)
class SortKey:
    attribute: Attribute
    descending: bool


@dataclass(frozen=True)
class Criteria:
    entity: Entity
    filter: Node
    sort: tuple[SortKey, ...]
    page_size: int | None
    page_number: int


def _criteria_error(message: Any) -> RequestRejected:
    return RequestRejected(SearchReason.SEARCH_CRITERIA_INVALID, message)


def _filter_error(message: Any) -> RequestRejected:
    return RequestRejected(SearchReason.FILTER_INVALID, message)


class _Builder:
    """Builds the filter tree, counting nodes so that a huge query is refused, not run."""

    def __init__(self, *, group_query: bool) -> None:
        self.group_query = group_query
        self.nodes = 0

    def predicate(self, name: object, operator: str, value: object) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _filter_error(_("The query has too many conditions."))
        attribute = lookup(name, group_query=self.group_query)
        return Predicate(attribute, operator, coerce(attribute, operator, value))

    # -- NoSql expressions -------------------------------------------------------------------
    def mongo(self, node: object, depth: int = 0) -> Node:
        if depth > MAX_DEPTH:
            raise _filter_error(_("The query is nested too deeply."))
        if not isinstance(node, dict) or not node:
            raise _filter_error(_("Each part of an expression must be a non-empty object."))
        parts = [self._mongo_entry(key, value, depth) for key, value in node.items()]
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _mongo_entry(self, key: str, value: object, depth: int) -> Node:
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, list) or not value:
                raise _filter_error(_("%(op)s takes a non-empty list.") % {"op": key})
            parts = tuple(self.mongo(item, depth + 1) for item in value)
            if key == "$and":
                return AllOf(parts)
            return AnyOf(parts) if key == "$or" else Not(AnyOf(parts))
        if key == "$not":
            return Not(self.mongo(value, depth + 1))
        if key.startswith("$"):
            raise _filter_error(_("The operator “%(op)s” is not supported.") % {"op": key})
        if not isinstance(value, dict) or not any(name.startswith("$") for name in value):
            return self.predicate(key, "eq", value)
        return self._mongo_field(key, value)

    def _mongo_field(self, name: str, conditions: dict[str, Any]) -> Node:
        operators = {"$eq": "eq", "$lt": "lt", "$lte": "le", "$gt": "gt", "$gte": "ge", "$in": "in"}
        parts: list[Node] = []
        for operator, value in conditions.items():
            if operator in operators:
                parts.append(self.predicate(name, operators[operator], value))
            elif operator in ("$ne", "$nin"):
                parts.append(Not(self.predicate(name, "eq" if operator == "$ne" else "in", value)))
            else:
                raise _filter_error(_("The operator “%(op)s” is not supported.") % {"op": operator})
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    # -- predicate lists ---------------------------------------------------------------------
    def predicates(self, items: object) -> Node:
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not items or len(items) > MAX_NODES:
            raise _filter_error(_("A predicate query is a non-empty list of predicates."))
        ordered = sorted(enumerate(items), key=lambda pair: (_seq(pair[1]), pair[0]))
        parts = tuple(self._predicate_item(item) for _, item in ordered)
        return parts[0] if len(parts) == 1 else AllOf(parts)

    def _predicate_item(self, item: object) -> Node:
        if not isinstance(item, dict):
            raise _filter_error(_("Each predicate must be an object."))
        numbered = sorted(
            (int(match.group(1)), value)
            for key, value in item.items()
            if (match := re.fullmatch(r"expression(\d+)", key)) and value not in ("", None, {})
        )
        if not numbered or numbered[0][0] != 1:
            raise _filter_error(_("Each predicate needs an expression1."))
        parts = [self._expression(value) for _, value in numbered]
        condition = str(item.get("condition") or "and").strip().lower()
        if condition == "and":
            return parts[0] if len(parts) == 1 else AllOf(tuple(parts))
        if condition == "or":
            return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))
        if condition == "not":
            if len(parts) == 1:
                return Not(parts[0])
            return AllOf((parts[0], Not(AnyOf(tuple(parts[1:])))))
        raise _filter_error(_("condition must be and, or or not."))

    def _expression(self, expression: object) -> Node:
        if not isinstance(expression, dict):
            raise _filter_error(_("An expression must be an object."))
        operator = str(expression.get("operator", "")).strip().lower()
        return self.predicate(
            expression.get("attribute_name"), operator, expression.get("attribute_value")
        )


def _seq(item: object) -> float:
    value = item.get("seq_num") if isinstance(item, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float("inf")


def _expression_filter(builder: _Builder, query: object) -> Node:
    if isinstance(query, list) or (isinstance(query, dict) and "expression1" in query):
        return builder.predicates(query)
    if not isinstance(query, dict):
        raise _criteria_error(_("An expression query is an object with type and value."))
    query_language = str(query.get("type") or "nosql").lower()
    if "nosql" not in query_language:
        raise _criteria_error(_("Only NoSql expressions are supported."))
    value = query.get("value")
    expression = value.get("expression", value) if isinstance(value, dict) else None
    if not isinstance(expression, dict):
        raise _criteria_error(_("The expression is missing."))
    if "query" in expression:
        return builder.mongo(expression["query"])
    return builder.mongo({k: v for k, v in expression.items() if k != "collection"})


def _identifier_filter(builder: _Builder, query: object) -> Node:
    if not isinstance(query, dict) or "type" not in query or "value" not in query:
        raise _criteria_error(_("An idtype-value query is an object with type and value."))
    attribute = identifier_type(query["type"])
    builder.nodes += 1
    return Predicate(attribute, "eq", coerce(attribute, "eq", query["value"]))


def _filter(criteria: dict[str, Any], *, group_query: bool) -> Node:
    builder = _Builder(group_query=group_query)
    query_type = str(criteria.get("query_type") or "").strip().lower()
    query = criteria.get("query")
    if query in (None, "", [], {}):
        raise _criteria_error(_("The query is missing."))
    if query_type == "idtype-value":
        return _identifier_filter(builder, query)
    if query_type == "expression":
        return _expression_filter(builder, query)
    if query_type == "predicate":
        return builder.predicates(query)
    raise _criteria_error(_("query_type must be idtype-value, expression or predicate."))


def _sort(criteria: dict[str, Any], *, entity: Entity) -> tuple[SortKey, ...]:
    sort = criteria.get("sort") or []
    if not isinstance(sort, list) or len(sort) > 5:
        raise RequestRejected(SearchReason.SORT_INVALID, _("sort is a list of at most 5 keys."))
    keys = []
    for entry in sort:
        order = str(entry.get("sort_order") or "asc").lower() if isinstance(entry, dict) else ""
        try:
            attribute = lookup(entry.get("attribute_name"), group_query=entity is Entity.GROUP)
        except (RequestRejected, AttributeError):
            attribute = None
        crosses = entity is Entity.GROUP and attribute and attribute.level is not Level.GROUP
        if attribute is None or not attribute.sortable or order not in ("asc", "desc") or crosses:
            raise RequestRejected(
                SearchReason.SORT_INVALID,
                _("Records cannot be sorted by “%(name)s”.")
                % {"name": str(entry.get("attribute_name") if isinstance(entry, dict) else entry)},
            )
        # The older, the earlier the birth date: age sorts the birth date the other way round.
        descending = (order == "desc") != (attribute.kind is Kind.AGE)
        keys.append(SortKey(attribute, descending))
    return tuple(keys)


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _pagination(criteria: dict[str, Any]) -> tuple[int | None, int]:
    pagination = criteria.get("pagination")
    if pagination in (None, "", {}):
        return None, 1
    if not isinstance(pagination, dict):
        raise RequestRejected(SearchReason.PAGINATION_INVALID, _("pagination must be an object."))
    size = _whole(pagination.get("page_size"))
    number = _whole(pagination.get("page_number", 1))
    if (
        size is None
        or not 1 <= size <= conf.max_page_size()
        or number is None
        or not 1 <= number <= MAX_PAGE_NUMBER
    ):
        raise RequestRejected(
            SearchReason.PAGINATION_INVALID,
            _("page_size must be from 1 to %(max)d and page_number at least 1.")
            % {"max": conf.max_page_size()},
        )
    return size, number


def parse_criteria(criteria: object) -> Criteria:
    """The registry query for one `search_criteria`; RequestRejected with the spec's reason."""
    if not isinstance(criteria, dict):
        raise _criteria_error(_("search_criteria must be an object."))
    entity_name = str(criteria.get("response_entity") or "").strip().lower()
    entity = ENTITIES.get(entity_name)
    if entity is None:
        raise _criteria_error(_("response_entity must be Person, Member or Group."))
    node = _filter(criteria, group_query=entity is Entity.GROUP)
    sort = _sort(criteria, entity=entity)
    page_size, page_number = _pagination(criteria)
    return Criteria(
        entity=entity, filter=node, sort=sort, page_size=page_size, page_number=page_number
    )
