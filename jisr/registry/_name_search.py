"""Search by name: which persons a name names, best matches first, and at most NAME_MATCHES.

A name is compared through its normalised key (`jisr.core.names`): every word of the query must
be part of the person's key, in any order. On PostgreSQL each word is a `LIKE '%word%'` served by
the trigram GIN index on the key (migration 0003): one query finds the matching persons through
it (or, for a small scope such as a commune, starts from its households), joins their current
membership and the caller's scope, and stops as soon as NAME_MATCHES + 1 rows are found.

A common name ("Mohamed", "Fatima") matches a large share of the population: ranking or counting
every match would read a large share of the person table. So a search considers at most
NAME_MATCHES persons (in scope), ranks those, and says when there were more: the answer to a vague
name is "refine", not a count of hundreds of thousands. Within what is considered, the same name
comes first, then names holding every word whole, then the rest; shorter (closer) names first.

A word shorter than a trigram cannot use the index: a query needs at least one word of
MIN_WORD letters; shorter words are still required, checked on the rows the longer ones find.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When

from jisr.core.names import normalise_arabic, normalise_latin
from jisr.registry.errors import NameTooShort
from jisr.registry.models import Membership

ARABIC_LETTERS = range(0x0600, 0x0700)
MIN_WORD = 3  # letters: pg_trgm indexes trigrams; a shorter word has none to look up
NAME_MATCHES = 200  # persons a name search considers at most (see the module's docstring)
_TIER = 1000  # rank = tier * _TIER + length of the key; keys are at most 170 characters

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class NameQuery:
    """A name as searched: the key field of its script and the words of its normalised key."""

    field: str  # "name_ar_key" or "name_lat_key"
    key: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> NameQuery:
        """The name in `text`; NameTooShort when it has no word long enough to be looked up."""
        if any(ord(char) in ARABIC_LETTERS for char in text):
            field, key = "name_ar_key", normalise_arabic(text)
        else:
            field, key = "name_lat_key", normalise_latin(text)
        words = tuple(dict.fromkeys(key.split()))
        if not any(len(word) >= MIN_WORD for word in words):
            raise NameTooShort(query=text)
        return cls(field=field, key=key, words=words)

    def condition(self, prefix: str = "") -> Q:
        """Every word of the query in the key."""
        condition = Q()
        for word in self.words:
            condition &= Q(**{f"{prefix}{self.field}__contains": word})
        return condition

    def rank(self, key: str) -> int:
        """Lower is better: the same key, then every word whole, then parts of words."""
        if key == self.key:
            tier = 0
        elif set(self.words) <= set(key.split()):
            tier = 1
        else:
            tier = 2
        return tier * _TIER + len(key)


@dataclass(frozen=True)
class NameMatches:
    """The persons a name search considers, each with its rank and current household."""

    persons: dict[int, int]  # person id -> rank
    households: dict[int, int]  # household id -> the best rank of its matching members
    complete: bool  # False when more persons matched than NAME_MATCHES


def name_matches(memberships: QuerySet[Membership], name: NameQuery) -> NameMatches:
    """The first NAME_MATCHES `memberships` (current ones, in the caller's scope) whose person
    `name` names, ranked. One query, which stops at NAME_MATCHES + 1 rows."""
    rows = list(
        memberships.filter(name.condition("person__"))
        .order_by()
        .values_list("household_id", "person_id", f"person__{name.field}")[: NAME_MATCHES + 1]
    )
    complete = len(rows) <= NAME_MATCHES
    ranked = sorted((name.rank(key), person, household) for household, person, key in rows)
    persons: dict[int, int] = {}
    households: dict[int, int] = {}
    for rank, person, household in ranked[:NAME_MATCHES]:
        persons[person] = rank
        households.setdefault(household, rank)
    return NameMatches(persons=persons, households=households, complete=complete)


def ranked(records: QuerySet[M], ranks: dict[int, int], *order: str) -> QuerySet[M]:
    """The `records` whose primary key `ranks` ranks, best rank first, equal ranks in `order`."""
    grouped: defaultdict[int, list[int]] = defaultdict(list)
    for pk, rank in ranks.items():
        grouped[rank].append(pk)
    by_rank = Case(
        *(When(pk__in=pks, then=Value(rank)) for rank, pks in sorted(grouped.items())),
        default=Value(3 * _TIER),
        output_field=IntegerField(),
    )
    found: QuerySet[M] = records.filter(pk__in=list(ranks)).annotate(name_rank=by_rank)
    return found.order_by("name_rank", *order)
