"""Reads of the registry, always through the caller's scope; reads of personal data are audited.

Search finds households by identifier (RSU id, RNP id, CNIE, phone), by commune, or by a member's
name in Arabic or Latin script, insensitive to diacritics and transliteration variants (normalised
keys, with trigram indexes on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from jisr.accounts.roles import APPROVE_CHANGE, REVIEW_DUPLICATES, VIEW_HOUSEHOLD, VIEW_PERSON
from jisr.core import access, audit
from jisr.core.errors import NotFound
from jisr.core.identifiers import normalise_cnie, normalise_phone
from jisr.core.names import normalise_arabic, normalise_latin
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

ARABIC_LETTERS = range(0x0600, 0x0700)


def _open_memberships(day: dt.date | None = None) -> Q:
    day = day or timezone.localdate()
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))


def _name_condition(query: str, prefix: str = "") -> Q:
    """Every word of the query in the person's normalised name (either script)."""
    is_arabic = any(ord(char) in ARABIC_LETTERS for char in query)
    key = normalise_arabic(query) if is_arabic else normalise_latin(query)
    field = f"{prefix}name_ar_key" if is_arabic else f"{prefix}name_lat_key"
    condition = Q()
    for word in key.split():
        condition &= Q(**{f"{field}__contains": word})
    return condition


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


def _person_condition(query: str, prefix: str = "") -> Q:
    by_identifier = _either(identifiers_of(query), PERSON_IDENTIFIERS, prefix)
    return by_identifier if by_identifier is not None else _name_condition(query, prefix)


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


def household_list(
    *, user: object, query: str = "", region: str = "", commune: str = ""
) -> QuerySet[Household]:
    """Households the user may see, optionally filtered by identifier, member name or place."""
    households = access.scope_filter(
        user,
        Household.objects.select_related("commune", "region"),
        permission=VIEW_HOUSEHOLD,
        region_field="region_id",
        commune_field="commune_id",
    )
    query = query.strip()
    by_household_identifier = _either(identifiers_of(query), HOUSEHOLD_IDENTIFIERS)
    if by_household_identifier is not None:
        households = households.filter(by_household_identifier)
    elif query:
        matching = Membership.objects.filter(
            _open_memberships(), _person_condition(query, "person__"), household=OuterRef("pk")
        )
        households = households.filter(Exists(matching))
    if region:
        households = households.filter(region_id=region)
    if commune:
        households = households.filter(commune_id=commune)
    return households.annotate(member_count=_member_count()).order_by("rsu_id")


def person_list(*, user: object, query: str) -> QuerySet[Person]:
    """Current members of households in scope matching an identifier or a name."""
    if not access.has_action(user, VIEW_PERSON) or not query.strip():
        return Person.objects.none()
    households = household_list(user=user, query=query).values("pk")
    by_household = _either(identifiers_of(query), HOUSEHOLD_IDENTIFIERS) is not None
    condition = Q() if by_household else _person_condition(query.strip())
    in_scope = Membership.objects.filter(
        _open_memberships(), person=OuterRef("pk"), household__in=households
    )
    return (
        Person.objects.filter(condition)
        .filter(Exists(in_scope))
        .order_by("last_name_lat", "first_name_lat", "rnp_id")
    )


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    members: list[Membership]
    events: list[HouseholdEvent]
    pending_requests: list[ChangeRequest]


def household_get(*, user: object, rsu_id: str) -> HouseholdDetail:
    """One household, its current members, history and pending requests. Out of scope: NotFound."""
    household = (
        Household.objects.select_related("commune", "region", "commune__province")
        .filter(rsu_id=rsu_id)
        .first()
    )
    if household is None:
        raise NotFound()
    access.require(user, VIEW_HOUSEHOLD, household)
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


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years between a birth date and a day (someone born on 29 February ages on 1 March)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


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
