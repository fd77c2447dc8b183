"""Search: by identifier and by name in either script, variant-insensitive, scoped, best first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.registry import _name_search, selectors
from jisr.registry.errors import NameTooShort
from jisr.registry.models import Household, Person
from jisr.registry.services._common import name_keys_set
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def resident(
    latin: str, arabic: str, *, region: str = "06", household: Household | None = None
) -> Person:
    """A person named `latin` / `arabic` ("first last"), current member of a household."""
    first_lat, last_lat = latin.split(" ", 1)
    first_ar, last_ar = arabic.split(" ", 1)
    person = PersonFactory(
        first_name_lat=first_lat,
        last_name_lat=last_lat,
        first_name_ar=first_ar,
        last_name_ar=last_ar,
    )
    name_keys_set(person)
    person.save()
    MembershipFactory(
        person=person,
        household=household or HouseholdFactory(region_code=region),
        relationship="head" if household is None else "child",
    )
    return person


def rsu_ids(households: Any) -> list[str]:
    return [household.rsu_id for household in households]


@pytest.fixture
def auditor(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.AUDITOR, national=True)


@pytest.fixture
def people(regions: None) -> dict[str, Person]:
    return {
        "fatima": resident("Fatima Alaoui", "فاطمة العلوي"),
        "fatima_zahra": resident("Fatima-Zahra Alaoui", "فاطمة الزهراء العلوي"),
        "mohamed": resident("Mohammed El Idrissi", "مُحَمَّد الإدريسي"),
        "fatima_bennani": resident("Fatima Bennani", "فاطمة بناني"),
        "oriental": resident("Fatima Alaoui", "فاطمة العلوي", region="02"),
    }


def household_of(person: Person) -> str:
    return str(person.memberships.get().household.rsu_id)


@pytest.mark.parametrize(
    "query",
    ["Mohamed Idrissi", "MUHAMMAD EL-IDRISSI", "Mhamed Elidrissi", "محمد ادريسي", "مُحمّد الادريسى"],
)
def test_a_name_is_found_whatever_its_spelling(
    people: dict[str, Person], auditor: Any, query: str
) -> None:
    found = selectors.household_list(user=auditor, query=query)
    assert rsu_ids(found) == [household_of(people["mohamed"])]
    persons = selectors.person_list(user=auditor, query=query)
    assert list(persons) == [people["mohamed"]]


@pytest.mark.parametrize("query", ["Fatima Bennani", "Bennani Fatima", "بناني فاطمه", "Fat Benn"])
def test_every_word_must_match_in_any_order_even_in_part(
    people: dict[str, Person], auditor: Any, query: str
) -> None:
    persons = list(selectors.person_list(user=auditor, query=query))
    assert persons == [people["fatima_bennani"]]


def test_the_same_name_comes_first_then_whole_words_then_parts(
    people: dict[str, Person], auditor: Any
) -> None:
    # Equal ranks (the same name) in RNP id or RSU id order: never in the database's order.
    fatimas = sorted([people["fatima"], people["oriental"]], key=lambda p: p.rnp_id)
    found = selectors.person_list(user=auditor, query="Fatima Alaoui")
    assert list(found) == [*fatimas, people["fatima_zahra"]]
    households = selectors.household_list(user=auditor, query="فاطمة العلوي")
    expected = [*sorted(map(household_of, fatimas)), household_of(people["fatima_zahra"])]
    assert rsu_ids(households) == expected
    glued = resident("Fatimazahra Alaoui", "فاطمةالزهراء العلوي")
    found = selectors.person_list(user=auditor, query="Zahra Alaoui")
    assert list(found) == [people["fatima_zahra"], glued]  # "zahra" a whole word, then a part


def test_name_search_stays_in_the_scope(
    people: dict[str, Person], make_user: Callable[..., Any], worker: Any
) -> None:
    found = selectors.household_list(user=worker, query="Fatima Alaoui")
    assert household_of(people["oriental"]) not in rsu_ids(found)
    assert len(found) == 2
    oriental = make_user(Role.SOCIAL_WORKER, regions=["02"])
    assert list(selectors.person_list(user=oriental, query="Fatima")) == [people["oriental"]]
    nobody = make_user(Role.SOCIAL_WORKER)  # no scope
    partner = make_user(Role.PARTNER_STAFF, national=True)  # no right to the registry
    for user in (nobody, partner):
        search = selectors.registry_search(user=user, query="Fatima")
        assert not search.households.exists()
        assert not search.persons.exists()


def test_a_name_matching_too_many_is_cut_after_the_scope_and_says_so(
    people: dict[str, Person], worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_name_search, "NAME_MATCHES", 2)
    search = selectors.registry_search(user=worker, query="Fatima")
    assert not search.complete
    # Three persons in region 06 match: the two best of them, none from region 02.
    best = [people["fatima"], people["fatima_bennani"]]
    assert list(search.persons) == best
    assert rsu_ids(search.households) == [household_of(person) for person in best]
    assert search.households.count() == 2
    exact = selectors.registry_search(user=worker, query="Fatima Bennani")
    assert exact.complete
    assert rsu_ids(exact.households) == [household_of(people["fatima_bennani"])]


def test_a_household_ranks_by_its_best_member_and_counts_its_members(
    people: dict[str, Person], auditor: Any
) -> None:
    household = people["fatima_bennani"].memberships.get().household
    resident("Youssef Alaoui", "يوسف العلوي", household=household)
    found = list(selectors.household_list(user=auditor, query="Alaoui"))
    # Its best member, Youssef Alaoui, is shorter than Fatima Alaoui's name.
    assert found[0] == household
    assert found[0].member_count == 2
    assert [h.member_count for h in found[1:]] == [1, 1, 1]


# "Nouh" and "طه" are whole first names, but their keys ("nu", "طه") have two letters: with a
# family name they are found (test_short_words_still_have_to_match).
@pytest.mark.parametrize("query", ["Al", "ع", "M. B.", "12345", "- -", "Nouh", "طه"])
def test_a_text_with_no_word_to_look_up_is_refused(auditor: Any, regions: None, query: str) -> None:
    with pytest.raises(NameTooShort):
        selectors.household_list(user=auditor, query=query)
    with pytest.raises(NameTooShort):
        selectors.person_list(user=auditor, query=query)


def test_short_words_still_have_to_match(people: dict[str, Person], auditor: Any) -> None:
    assert list(selectors.person_list(user=auditor, query="Fatima Be")) == [
        people["fatima_bennani"]
    ]
    assert not selectors.person_list(user=auditor, query="Fatima Bo").exists()


def test_identifiers_find_households_and_members(
    people: dict[str, Person], auditor: Any, worker: Any
) -> None:
    fatima = people["fatima"]
    household = fatima.memberships.get().household
    resident("Youssef Alaoui", "يوسف العلوي", household=household)
    for query in (household.rsu_id, fatima.rnp_id, str(fatima.cnie)):
        assert rsu_ids(selectors.household_list(user=auditor, query=query)) == [household.rsu_id]
    members = selectors.person_list(user=auditor, query=household.rsu_id)
    assert [p.first_name_lat for p in members] == ["Fatima", "Youssef"]
    assert list(selectors.person_list(user=worker, query=fatima.rnp_id)) == [fatima]
    oriental = people["oriental"]
    assert not selectors.person_list(user=worker, query=oriental.rnp_id).exists()


def test_a_former_member_is_not_found_by_name(people: dict[str, Person], auditor: Any) -> None:
    membership = people["fatima_bennani"].memberships.get()
    membership.end = dt.date(2025, 1, 1)
    membership.save()
    assert not selectors.person_list(user=auditor, query="Bennani").exists()
    assert not selectors.household_list(user=auditor, query="Bennani").exists()


def test_ranks_are_pure() -> None:
    name = _name_search.NameQuery.parse("Fatima Alaoui")
    assert name.words == ("fatima", "alaui")
    assert name.rank("fatima alaui") < name.rank("fatima zahra alaui")
    assert name.rank("fatima zahra alaui") < name.rank("fatimazahra alaui")
    assert name.rank("alaui fatima") < name.rank("fatima alauia")
    assert _name_search.NameQuery.parse("فاطمة").field == "name_ar_key"
