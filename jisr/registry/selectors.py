"""Reads of the registry, always through the caller's scope; reads of personal data are audited.

Search finds households by identifier (RSU id, RNP id, CNIE, phone), by commune, or by a member's
name in Arabic or Latin script, insensitive to diacritics and transliteration variants (normalised
keys, with trigram indexes on PostgreSQL; see `jisr.registry._name_search`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from jisr.accounts.roles import APPROVE_CHANGE, REVIEW_DUPLICATES, VIEW_HOUSEHOLD, VIEW_PERSON
from jisr.core import access, audit
from jisr.core.errors import NotFound
from jisr.core.identifiers import normalise_cnie, normalise_phone
from jisr.registry._name_search import NAME_MATCHES as NAME_MATCHES
from jisr.registry._name_search import NameQuery, name_matches, ranked
from jisr.registry.models import (
    ChangeRequest,
    ChangeRequestStatus,
    DuplicateCandidate,
    DuplicateStatus,
    Household,
    HouseholdEvent,
    Membership,
    Person,
)
from jisr.rules.periods import age_on


def _open_memberships(day: dt.date | None = None) -> Q:
    day = day or timezone.localdate()
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))


HOUSEHOLD_IDENTIFIERS = ("rsu_id", "phone")
PERSON_IDENTIFIERS = ("rnp_id", "cnie")


def identifiers_of(query: str) -> dict[str, str]:
    """The identifiers a search text may be ({field: normalised value}); empty for a name.

    Ten digits starting 05–08 may be an RSU id or a national phone number: both are tried.
    """
    compact = query.replace(" ", "").replace("-", "").replace(".", "")
    found: dict[str, str] = {}
    if compact.isdigit() and len(compact) == 10:
        found["rsu_id"] = compact
        if compact[0] == "0" and compact[1] in "5678":
            found["phone"] = normalise_phone(compact)
    elif compact.isdigit() and len(compact) == 12:
        found["rnp_id"] = compact
    elif compact.startswith(("+212", "00212")) or (compact.startswith("212") and compact.isdigit()):
        found["phone"] = normalise_phone(compact)
    elif compact[:1].isalpha() and compact[-1:].isdigit() and len(compact) <= 8:
        found["cnie"] = normalise_cnie(compact)
    return found


def _either(found: dict[str, str], fields: tuple[str, ...], prefix: str = "") -> Q | None:
    condition = None
    for field in fields:
        if field in found:
            term = Q(**{f"{prefix}{field}": found[field]})
            condition = term if condition is None else condition | term
    return condition


def _memberships_in_scope(
    user: object, *, region: str = "", commune: str = ""
) -> QuerySet[Membership]:
    """Today's memberships of the households the user may see (in `region`, `commune` if given)."""
    memberships = access.scope_filter(
        user,
        Membership.objects.filter(_open_memberships()),
        permission=VIEW_HOUSEHOLD,
        region_field="household__region_id",
        commune_field="household__commune_id",
    )
    if region:
        memberships = memberships.filter(household__region_id=region)
    if commune:
        memberships = memberships.filter(household__commune_id=commune)
    return memberships


def _member_count() -> Coalesce:
    """The household's current members, counted for the rows fetched only (a page), not grouped
    over every household that matches."""
    current = (
        Membership.objects.filter(household=OuterRef("pk"), end__isnull=True)
        .order_by()
        .values("household")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(current), 0)


def _households_in_scope(user: object, *, region: str, commune: str) -> QuerySet[Household]:
    households = access.scope_filter(
        user,
        Household.objects.select_related("commune", "region"),
        permission=VIEW_HOUSEHOLD,
        region_field="region_id",
        commune_field="commune_id",
    )
    if region:
        households = households.filter(region_id=region)
    if commune:
        households = households.filter(commune_id=commune)
    return households.annotate(member_count=_member_count())


PERSON_ORDER = ("last_name_lat", "first_name_lat", "rnp_id")


class Search:
    """What a search text finds in the user's scope: households, and the persons it names.

    Each query is built when first read: listing households does not build the persons' one (for
    a name, a list of up to NAME_MATCHES ids), nor the reverse.
    """

    def __init__(
        self,
        *,
        households: Callable[[], QuerySet[Household]] = Household.objects.none,
        persons: Callable[[], QuerySet[Person]] = Person.objects.none,
        complete: bool = True,
    ) -> None:
        self._households, self._persons = households, persons
        # False when a name matched more persons than a search considers (NAME_MATCHES): the
        # best of those are listed, and the page asks for a more precise name.
        self.complete = complete

    @cached_property
    def households(self) -> QuerySet[Household]:
        return self._households()

    @cached_property
    def persons(self) -> QuerySet[Person]:
        return self._persons()


def registry_search(
    *, user: object, query: str = "", region: str = "", commune: str = ""
) -> Search:
    """Households and persons in the user's scope named by an identifier or a name.

    By identifier: the household it identifies or that holds the person it identifies, and those
    current members, in RSU id and name order. By name: the best matches first, among at most
    NAME_MATCHES persons (`jisr.registry._name_search`); a text that is neither an identifier nor
    a name with a word long enough to look up raises NameTooShort. No text: every household.
    """
    query = query.strip()
    households = _households_in_scope(user, region=region, commune=commune)
    memberships = _memberships_in_scope(user, region=region, commune=commune)
    sees_persons = access.has_action(user, VIEW_PERSON)
    found = identifiers_of(query)
    if not query:
        return Search(households=lambda: households.order_by("rsu_id"))
    if found:
        return _identified(households, memberships if sees_persons else memberships.none(), found)
    matches = name_matches(memberships, NameQuery.parse(query))
    persons = matches.persons if sees_persons else {}
    return Search(
        households=lambda: ranked(households, matches.households, "rsu_id"),
        persons=lambda: ranked(Person.objects.all(), persons, *PERSON_ORDER),
        complete=matches.complete,
    )


def _identified(
    households: QuerySet[Household], memberships: QuerySet[Membership], found: dict[str, str]
) -> Search:
    """The households an identifier names, and their members it concerns (all for a household)."""
    by_household = _either(found, HOUSEHOLD_IDENTIFIERS)
    if by_household is not None:
        households = households.filter(by_household)
        memberships = memberships.filter(_either(found, HOUSEHOLD_IDENTIFIERS, "household__"))
        persons = Person.objects.all()
    else:
        holds = Membership.objects.filter(
            _open_memberships(),
            _either(found, PERSON_IDENTIFIERS, "person__"),
            household=OuterRef("pk"),
        )
        households = households.filter(Exists(holds))
        persons = Person.objects.filter(_either(found, PERSON_IDENTIFIERS))
    in_scope = Exists(memberships.filter(person=OuterRef("pk")))
    return Search(
        households=lambda: households.order_by("rsu_id"),
        persons=lambda: persons.filter(in_scope).order_by(*PERSON_ORDER),
    )


def household_list(
    *, user: object, query: str = "", region: str = "", commune: str = ""
) -> QuerySet[Household]:
    """The households of `registry_search` (for a name, those of at most NAME_MATCHES persons)."""
    return registry_search(user=user, query=query, region=region, commune=commune).households


def person_list(*, user: object, query: str) -> QuerySet[Person]:
    """The persons of `registry_search`: current members of households in scope (none without
    the right to view persons)."""
    return registry_search(user=user, query=query).persons


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    members: list[Membership]
    events: list[HouseholdEvent]
    pending_requests: list[ChangeRequest]


def household_in_scope(*, user: object, rsu_id: str) -> Household:
    """The household if the user may see it; NotFound otherwise (unknown or out of scope alike).
    Not audited: the caller records the read of what it shows."""
    household = (
        Household.objects.select_related("commune", "region", "commune__province")
        .filter(rsu_id=rsu_id)
        .first()
    )
    if household is None:
        raise NotFound()
    access.require(user, VIEW_HOUSEHOLD, household)
    return household


def household_get(*, user: object, rsu_id: str) -> HouseholdDetail:
    """One household, its current members, history and pending requests. Out of scope: NotFound."""
    household = household_in_scope(user=user, rsu_id=rsu_id)
    members = list(
        Membership.objects.filter(_open_memberships(), household=household)
        .select_related("person")
        .order_by("person__birth_date")
    )
    events = list(
        household.events.select_related("actor", "person").order_by("-recorded_at", "-id")[:200]
    )
    pending = list(
        household.change_requests.filter(status=ChangeRequestStatus.PENDING).select_related(
            "requested_by"
        )
    )
    audit.read(actor=user, action="registry.household_viewed", target=household)
    return HouseholdDetail(
        household=household, members=members, events=events, pending_requests=pending
    )


def _locating_membership(person: Person) -> Membership | None:
    """The membership that places a person: open today, else the one that started last.

    Scope follows the person's current household; someone in no household today (deceased, gone
    abroad) stays with the last one they belonged to, so that its workers can still open them.
    """
    memberships = Membership.objects.filter(person=person).select_related("household")
    current = memberships.filter(_open_memberships()).first()
    return current or memberships.order_by("-start", "-pk").first()


def person_household(person: Person) -> Household | None:
    """The household that places a person for access checks (see `_locating_membership`)."""
    membership = _locating_membership(person)
    return membership.household if membership is not None else None


def _person_in_scope(*, user: object, rnp_id: str) -> tuple[Person, Membership]:
    person = Person.objects.filter(rnp_id=rnp_id).select_related("merged_into").first()
    membership = _locating_membership(person) if person is not None else None
    if person is None or membership is None:
        raise NotFound()
    access.require(user, VIEW_PERSON, membership.household)
    return person, membership


def _current(membership: Membership, day: dt.date) -> bool:
    return membership.start <= day and (membership.end is None or membership.end > day)


def person_get(*, user: object, rnp_id: str) -> tuple[Person, Household | None]:
    """A person and their current household; in scope through the household that places them."""
    person, membership = _person_in_scope(user=user, rnp_id=rnp_id)
    audit.read(actor=user, action="registry.person_viewed", target=person)
    current = membership.household if _current(membership, timezone.localdate()) else None
    return person, current


@dataclass(frozen=True)
class MembershipLine:
    membership: Membership
    current: bool
    # Whether the user may open that household's page (a past household may lie outside the scope).
    reachable: bool


@dataclass(frozen=True)
class PersonDetail:
    person: Person
    household: Household | None
    age: int
    memberships: list[MembershipLine]
    events: list[HouseholdEvent]


def person_detail(*, user: object, rnp_id: str) -> PersonDetail:
    """A person, every household they belonged to, and the history entries about them.

    History entries come only from households the user may open; a membership of a household
    outside the scope is listed (the person's own trajectory) without a way into that household.
    """
    person, located = _person_in_scope(user=user, rnp_id=rnp_id)
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(person=person)
        .select_related("household__commune", "household__region")
        .order_by("-start", "-pk")
    )
    reachable = {
        m.household_id for m in memberships if access.can(user, VIEW_HOUSEHOLD, m.household)
    }
    events = list(
        HouseholdEvent.objects.filter(person=person, household_id__in=reachable)
        .select_related("actor", "household")
        .order_by("-recorded_at", "-id")[:200]
    )
    audit.read(actor=user, action="registry.person_viewed", target=person)
    return PersonDetail(
        person=person,
        household=located.household if _current(located, today) else None,
        age=age_on(person.birth_date, person.death_date or today),
        memberships=[
            MembershipLine(m, current=_current(m, today), reachable=m.household_id in reachable)
            for m in memberships
        ],
        events=events,
    )


def change_request_queue(*, user: object) -> QuerySet[ChangeRequest]:
    """Pending change requests the user may decide (their scope), oldest first."""
    if not access.has_action(user, APPROVE_CHANGE):
        return ChangeRequest.objects.none()
    households = household_list(user=user).values("pk")
    return (
        ChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING, household__in=households)
        .select_related("household", "requested_by")
        .order_by("requested_at")
    )


def duplicate_queue(*, user: object) -> QuerySet[DuplicateCandidate]:
    """Probable duplicates to review, most probable first, where the user reaches both records."""
    if not access.has_action(user, REVIEW_DUPLICATES):
        return DuplicateCandidate.objects.none()
    visible = Person.objects.filter(
        Exists(
            Membership.objects.filter(
                person=OuterRef("pk"), household__in=household_list(user=user).values("pk")
            )
        )
    ).values("pk")
    return (
        DuplicateCandidate.objects.filter(
            status=DuplicateStatus.PENDING, left__in=visible, right__in=visible
        )
        .select_related("left", "right")
        .order_by("-match_probability", "pk")
    )
