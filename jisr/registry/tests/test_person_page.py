"""The person page: identity, households over time, history about them; scoped and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jisr.accounts import services as accounts
from jisr.accounts.roles import Role
from jisr.core.models import AuditEvent, AuditKind
from jisr.registry.models import EventKind, HouseholdEvent, Membership, Person
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory
from jisr.rules.periods import age_on

pytestmark = pytest.mark.django_db


def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def api(user: Any) -> Client:
    _token, secret = accounts.token_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def url(person: Person) -> str:
    return f"/households/persons/{person.rnp_id}/"


def statuses(user: Any, person: Person) -> tuple[int, int]:
    """The answer of the web page and of the API for this person."""
    return (
        web(user).get(url(person)).status_code,
        api(user).get(f"/api/v1/registry/persons/{person.rnp_id}").status_code,
    )


def test_page_shows_identity_households_and_history(family: dict[str, Any], worker: Any) -> None:
    son = family["son"]
    Person.objects.filter(pk=son.pk).update(
        disability=True,
        disability_severity="moderate",
        in_school=True,
        school_level="primary",
        school_sector="public",
        amo="tadamon",
        social_security="none",
        father_deceased=True,
    )
    earlier = HouseholdFactory(region_code="06")
    MembershipFactory(
        household=earlier,
        person=son,
        relationship="grandchild",
        start=dt.date(2012, 9, 1),
        end=dt.date(2024, 9, 1),
    )
    HouseholdEvent.objects.create(
        household=family["household"],
        kind=EventKind.MEMBER_JOINED,
        effective=dt.date(2024, 9, 1),
        person=son,
        reason="moved in with his parents",
    )
    HouseholdEvent.objects.create(
        household=family["household"],
        kind=EventKind.CONTACT_UPDATED,
        effective=dt.date(2024, 10, 1),
        reason="about the household, not the son",
    )

    response = web(worker).get(url(son))

    assert response.status_code == 200
    page = response.content.decode()
    for fact in (
        son.rnp_id,
        "يوسف",
        "Youssef Alaoui",
        "Male",
        "2012-09-01",
        f"{age_on(son.birth_date, timezone.localdate())} years",
        "Moderate",
        "In school · Primary · Public",
        "AMO Tadamon",
        "moved in with his parents",
    ):
        assert fact in page, fact
    assert "about the household, not the son" not in page
    assert 'id="father-deceased">Yes<' in page
    lines = response.context["detail"].memberships
    assert [(line.membership.household, line.current) for line in lines] == [
        (family["household"], True),
        (earlier, False),
    ]
    assert f'href="/households/{earlier.rsu_id}/"' in page
    assert "Grandchild" in page
    assert "2024-09-01" in page


def test_a_deceased_person_shows_the_death_and_the_age_at_death(
    family: dict[str, Any], worker: Any
) -> None:
    father = family["father"]  # born 1975-03-02
    Person.objects.filter(pk=father.pk).update(death_date=dt.date(2025, 3, 1))
    Membership.objects.filter(person=father).update(end=dt.date(2025, 3, 1))

    page = web(worker).get(url(father)).content.decode()

    assert 'id="death-date">2025-03-01<' in page
    assert "Age at death" in page
    assert 'id="age">49 years<' in page  # one day before his fiftieth birthday
    assert "Not a member of any household today." in page


def test_a_person_outside_the_scope_is_not_found_like_a_missing_one(
    family: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    elsewhere = web(make_user(Role.SOCIAL_WORKER, regions=["02"]))
    hidden = elsewhere.get(url(family["son"]))
    missing = elsewhere.get("/households/persons/000000000000/")
    assert hidden.status_code == missing.status_code == 404
    assert not AuditEvent.objects.filter(target_id=str(family["son"].pk)).exists()


def test_reading_a_person_is_audited_on_both_channels(family: dict[str, Any], worker: Any) -> None:
    son = family["son"]
    assert statuses(worker, son) == (200, 200)
    reads = AuditEvent.objects.filter(
        kind=AuditKind.READ,
        action="registry.person_viewed",
        target_type="registry.person",
        target_id=str(son.pk),
        actor=worker,
    )
    assert reads.count() == 2


def test_anonymous_is_sent_to_login(family: dict[str, Any]) -> None:
    response = Client().get(url(family["son"]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_role_without_the_right_to_read_persons_is_refused(
    family: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    partner = make_user(Role.PARTNER_STAFF, national=True)
    assert web(partner).get(url(family["son"])).status_code == 403


def test_someone_in_no_household_today_stays_with_their_last_household(
    family: dict[str, Any], worker: Any, make_user: Callable[..., Any]
) -> None:
    mother = family["mother"]
    Membership.objects.filter(person=mother).update(end=dt.date(2025, 1, 1))
    assert statuses(worker, mother) == (200, 200)
    elsewhere = make_user(Role.SOCIAL_WORKER, regions=["02"])
    assert statuses(elsewhere, mother) == (404, 404)


def test_scope_follows_the_current_household_not_a_past_one(
    family: dict[str, Any], worker: Any, make_user: Callable[..., Any]
) -> None:
    person = PersonFactory(first_name_lat="Karim", first_name_ar="كريم")
    oriental = HouseholdFactory(region_code="02")
    MembershipFactory(
        household=oriental, person=person, start=dt.date(2020, 1, 1), end=dt.date(2024, 9, 1)
    )
    MembershipFactory(
        household=family["household"],
        person=person,
        relationship="other",
        start=dt.date(2024, 9, 1),
    )
    HouseholdEvent.objects.create(
        household=oriental,
        kind=EventKind.MEMBER_LEFT,
        effective=dt.date(2024, 9, 1),
        person=person,
        reason="left the Oriental household",
    )
    oriental_worker = make_user(Role.SOCIAL_WORKER, regions=["02"])

    assert statuses(worker, person) == (200, 200)
    assert statuses(oriental_worker, person) == (404, 404)
    page = web(worker).get(url(person)).content.decode()
    # The past household is listed, without a way into it nor its history.
    assert oriental.rsu_id in page
    assert "outside your scope" in page
    assert f'href="/households/{oriental.rsu_id}/"' not in page
    assert "left the Oriental household" not in page


def test_a_move_dated_in_the_future_does_not_move_the_scope_yet(
    family: dict[str, Any], worker: Any, make_user: Callable[..., Any]
) -> None:
    son = family["son"]
    departure = timezone.localdate() + dt.timedelta(days=30)
    Membership.objects.filter(person=son).update(end=departure)
    MembershipFactory(household=HouseholdFactory(region_code="02"), person=son, start=departure)
    assert statuses(worker, son) == (200, 200)
    assert statuses(make_user(Role.SOCIAL_WORKER, regions=["02"]), son) == (404, 404)


def test_a_merged_record_points_to_the_record_kept(family: dict[str, Any], worker: Any) -> None:
    son = family["son"]
    duplicate = PersonFactory(first_name_lat="Youssef")
    MembershipFactory(
        household=family["household"],
        person=duplicate,
        relationship="child",
        start=dt.date(2024, 9, 1),
        end=dt.date(2024, 12, 1),
    )
    Person.objects.filter(pk=duplicate.pk).update(merged_into=son)
    page = web(worker).get(url(duplicate)).content.decode()
    assert f'href="/households/persons/{son.rnp_id}/"' in page


def test_household_page_and_search_link_to_the_person_page(
    family: dict[str, Any], worker: Any
) -> None:
    client = web(worker)
    household_page = client.get(f"/households/{family['household'].rsu_id}/").content.decode()
    for person in (family["father"], family["mother"], family["son"]):
        assert f'href="/households/persons/{person.rnp_id}/"' in household_page
    search = client.get("/households/", {"q": family["son"].rnp_id})
    assert [p.rnp_id for p in search.context["persons"]] == [family["son"].rnp_id]
    assert f'href="/households/persons/{family["son"].rnp_id}/"' in search.content.decode()
    assert AuditEvent.objects.filter(
        action="registry.person_listed", target_id=str(family["son"].pk), actor=worker
    ).exists()


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(1980, 5, 17), dt.date(2026, 5, 16), 45),
        (dt.date(1980, 5, 17), dt.date(2026, 5, 17), 46),
        (dt.date(2012, 2, 29), dt.date(2026, 2, 28), 13),
        (dt.date(2012, 2, 29), dt.date(2026, 3, 1), 14),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), 0),
    ],
)
def test_age_counts_whole_years(birth: dt.date, day: dt.date, age: int) -> None:
    assert age_on(birth, day) == age


def test_page_reads_in_french(family: dict[str, Any], worker: Any) -> None:
    client = web(worker)
    client.cookies["django_language"] = "fr"
    page = client.get(url(family["father"])).content.decode()
    assert "Père décédé" in page
    assert "Chef de ménage" in page
    assert " ans<" in page
