"""Registry reads for DCI searches, always through the caller's scope; every disclosure is audited.

A person is reached through their current household: a person in no household today has no
location, so no scope reaches them. A query tree from `jisr.dci.query` becomes one SQL filter;
attributes of another level (a person's household, a household's members) become subqueries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import VIEW_HOUSEHOLD, VIEW_PERSON
from jisr.core import access, audit
from jisr.dci import conf, records
from jisr.dci.attributes import Attribute, Kind, Level
from jisr.dci.errors import RequestRejected, SearchReason
from jisr.dci.models import DciRequestItem, DciSender, DciTransaction
from jisr.dci.query import AllOf, Criteria, Entity, Node, Not, Predicate, SortKey
from jisr.registry.models import Household, Membership, Person

LOOKUPS = {"eq": "exact", "lt": "lt", "gt": "gt", "le": "lte", "ge": "gte", "in": "in"}


def _current() -> QuerySet[Membership]:
    return Membership.objects.filter(end__isnull=True)


def households_with_size() -> QuerySet[Household]:
    size = (
        _current()
        .filter(household=OuterRef("pk"))
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Household.objects.annotate(member_count=Coalesce(Subquery(size), Value(0)))


def persons_in_scope(user: object) -> QuerySet[Person]:
    memberships = access.scope_filter(
        user,
        _current(),
        permission=VIEW_PERSON,
        region_field="household__region_id",
        commune_field="household__commune_id",
    )
    return Person.objects.filter(pk__in=memberships.values("person_id"))


def households_in_scope(user: object) -> QuerySet[Household]:
    return access.scope_filter(
        user,
        households_with_size(),
        permission=VIEW_HOUSEHOLD,
        region_field="region_id",
        commune_field="commune_id",
    )


def _anniversary(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def _age_q(field: str, operator: str, age: Any) -> Q:
    """Whole years at today's date, as a condition on the birth date."""
    if operator == "in":
        condition = Q(pk__in=[])
        for one in age:
            condition |= _age_q(field, "eq", one)
        return condition
    today = timezone.localdate()
    reached = _anniversary(today, age)  # born on or before: at least `age`
    next_ = _anniversary(today, age + 1)  # born on or before: at least `age + 1`
    return {
        "ge": Q(**{f"{field}__lte": reached}),
        "gt": Q(**{f"{field}__lte": next_}),
        "lt": Q(**{f"{field}__gt": reached}),
        "le": Q(**{f"{field}__gt": next_}),
        "eq": Q(**{f"{field}__lte": reached, f"{field}__gt": next_}),
    }[operator]


def _codes(operator: str, value: Any) -> list[Any]:
    groups = value if operator == "in" else (value,)
    return sorted({code for group in groups for code in group}, key=str)


def _field_q(attribute: Attribute, operator: str, value: Any) -> Q:
    """The condition on the model of the attribute's own level."""
    kind, fields = attribute.kind, attribute.fields
    if kind is Kind.AGE:
        return _age_q(fields[0], operator, value)
    if kind is Kind.CODE:
        return Q(**{f"{fields[0]}__in": _codes(operator, value)})
    if kind is Kind.PRESENCE:
        condition = Q(pk__in=[])
        for present in _codes(operator, value):
            condition |= Q(**{f"{fields[0]}__isnull": not present})
        return condition
    values = value if operator == "in" else (value,)
    condition = Q(pk__in=[])
    if kind is Kind.NAME:
        latin, arabic = fields
        for one in values:
            condition |= Q(**{f"{latin}__iexact": one}) | Q(**{arabic: one})
        return condition
    if kind is Kind.LOCATION:
        for field in fields:
            condition |= Q(**{f"{field}__in": list(values)})
        return condition
    return Q(**{f"{fields[0]}__{LOOKUPS[operator]}": value})


def _predicate_q(predicate: Predicate, base: Level) -> Q:
    condition = _field_q(predicate.attribute, predicate.operator, predicate.value)
    level = predicate.attribute.level
    if level is base:
        return condition
    if base is Level.PERSON:
        if level is Level.MEMBERSHIP:
            return Q(pk__in=_current().filter(condition).values("person_id"))
        households = households_with_size().filter(condition)
        return Q(pk__in=_current().filter(household__in=households).values("person_id"))
    if level is Level.MEMBERSHIP:
        return Q(pk__in=_current().filter(condition).values("household_id"))
    persons = Person.objects.filter(condition)
    return Q(pk__in=_current().filter(person__in=persons).values("household_id"))


def filter_q(node: Node, base: Level) -> Q:
    if isinstance(node, Predicate):
        return _predicate_q(node, base)
    if isinstance(node, Not):
        return ~filter_q(node.part, base)
    parts = [filter_q(part, base) for part in node.parts]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part if isinstance(node, AllOf) else combined | part
    return combined


def _sort_field(attribute: Attribute) -> str:
    return attribute.fields[0].removesuffix("__year").removesuffix("__date")


def _ordered(queryset: QuerySet[Any], sort: Sequence[SortKey], base: Level) -> QuerySet[Any]:
    ordering = []
    for position, key in enumerate(sort):
        field = _sort_field(key.attribute)
        if key.attribute.level is not base:
            if key.attribute.kind is not Kind.TEXT and key.attribute.kind is not Kind.DECIMAL:
                raise RequestRejected(
                    SearchReason.SORT_INVALID,
                    _("Records cannot be sorted by “%(name)s”.") % {"name": key.attribute.name},
                )
            alias = f"dci_sort_{position}"
            current = _current().filter(person=OuterRef("pk")).values(f"household__{field}")[:1]
            queryset = queryset.annotate(**{alias: Subquery(current)})
            field = alias
        expression = (
            F(field).desc(nulls_last=True) if key.descending else F(field).asc(nulls_last=True)
        )
        ordering.append(expression)
    return queryset.order_by(*ordering, "pk")


@dataclass(frozen=True)
class Page:
    total: int
    page_size: int
    page_number: int
    records: list[dict[str, Any]]


def _window(criteria: Criteria, total: int) -> tuple[int, int]:
    largest = conf.max_page_size()
    if criteria.page_size is None and total > largest:
        raise RequestRejected(
            SearchReason.TOO_MANY_RECORDS,
            _("%(n)d records match; ask for them page by page (at most %(max)d a page).")
            % {"n": total, "max": largest},
        )
    return criteria.page_size or largest, criteria.page_number


def search(*, user: Any, criteria: Criteria) -> Page:
    """One page of the records `user` may see that match `criteria`; each disclosure audited."""
    base = Level.GROUP if criteria.entity is Entity.GROUP else Level.PERSON
    scoped: QuerySet[Any] = (
        households_in_scope(user).select_related("commune")
        if base is Level.GROUP
        else persons_in_scope(user)
    )
    matching = scoped.filter(filter_q(criteria.filter, base))
    ordered = _ordered(matching, criteria.sort, base)
    total = matching.count()
    size, number = _window(criteria, total)
    rows = list(ordered[(number - 1) * size : number * size])
    if base is Level.GROUP:
        found = _groups(user, rows)
    else:
        found = _persons(user, rows, as_members=criteria.entity is Entity.MEMBER)
    return Page(total=total, page_size=size, page_number=number, records=found)


def _memberships(**condition: Any) -> QuerySet[Membership]:
    return (
        _current()
        .filter(**condition)
        .select_related("person", "household__region", "household__commune__province")
    )


def _persons(user: Any, persons: list[Person], *, as_members: bool) -> list[dict[str, Any]]:
    by_person = {m.person_id: m for m in _memberships(person__in=persons)}
    # A membership may end between the two reads: such a person is left out, not half-shown.
    persons = [person for person in persons if person.pk in by_person]
    memberships = [by_person[person.pk] for person in persons]
    audit.read_many(actor=user, action="dci.person_disclosed", targets=persons)
    if as_members:
        return [records.member(m, context=True) for m in memberships]
    return [records.person(m) for m in memberships]


def _groups(user: Any, households: list[Household]) -> list[dict[str, Any]]:
    members: dict[int, list[Membership]] = {household.pk: [] for household in households}
    if access.has_action(user, VIEW_PERSON):
        for membership in _memberships(household__in=households).order_by(
            "person__birth_date", "pk"
        ):
            members[membership.household_id].append(membership)
    persons = [m.person for group in members.values() for m in group]
    audit.read_many(actor=user, action="dci.household_disclosed", targets=households)
    audit.read_many(actor=user, action="dci.person_disclosed", targets=persons)
    return [records.group(household, members[household.pk]) for household in households]


# -- transactions ----------------------------------------------------------------------------


def transaction_find(
    *, sender: DciSender, attribute_type: str, value: str | list[str]
) -> tuple[DciTransaction, list[DciRequestItem]] | None:
    """A search transaction of `sender` by its transaction id, correlation id or reference ids."""
    searches = DciTransaction.objects.filter(sender=sender, kind="search")
    if attribute_type == "reference_id_list":
        wanted = list(value) if isinstance(value, list) else [value]
        items = DciRequestItem.objects.filter(transaction__in=searches, reference_id__in=wanted)
        latest = items.order_by("-transaction__created_at", "-transaction_id").first()
        if latest is None:
            return None
        found = latest.transaction
        return found, list(items.filter(transaction=found).order_by("position"))
    field = "transaction_id" if attribute_type == "transaction_id" else "correlation_id"
    txn = searches.filter(**{field: value}).order_by("-created_at", "-pk").first()
    if txn is None:
        return None
    return txn, list(txn.items.order_by("position"))
