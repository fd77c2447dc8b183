"""The registry's web pages: search, household page, declaration forms, the decision queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jisr.accounts.roles import Role
from jisr.registry.models import ChangeRequestStatus, EventKind, HouseholdEvent
from jisr.registry.tests.conftest import fresh
from jisr.web.templatetags.humanize_jisr import money

pytestmark = [pytest.mark.django_db]


def logged_in(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def test_household_page_shows_members_history_and_actions(
    family: dict[str, Any], worker: Any
) -> None:
    client = logged_in(worker)
    rsu = family["household"].rsu_id
    page = client.get(f"/households/{rsu}/").content.decode()
    assert "Ahmed" in page
    assert "أحمد" in page
    assert 'id="declare-menu"' in page
    assert f"/households/{rsu}/declare/birth/" in page
    assert "No change recorded since registration." in page
    # Each declared spending the index reads is named, in the reader's language.
    household = family["household"]
    french = logged_in(worker, "fr").get(f"/households/{rsu}/").content.decode()
    spending = french.split('id="spending">', 1)[1].split("</dd>", 1)[0]
    for label, field in (("eau", "spend_water"), ("butane", "spend_butane")):
        with translation.override("fr"):
            amount = money(getattr(household, field))
        assert f'{label}\u00a0: <span dir="ltr">{amount}</span>' in spending, spending


def test_an_auditor_reads_but_cannot_declare(
    family: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    client = logged_in(make_user(Role.AUDITOR, national=True))
    rsu = family["household"].rsu_id
    assert 'id="declare-menu"' not in client.get(f"/households/{rsu}/").content.decode()
    assert client.get(f"/households/{rsu}/declare/birth/").status_code == 403


def test_birth_form_records_the_birth(family: dict[str, Any], worker: Any) -> None:
    client = logged_in(worker)
    rsu = family["household"].rsu_id
    response = client.post(
        f"/households/{rsu}/declare/birth/",
        {
            "expected_version": 1,
            "reason": "certificate 77",
            "rnp_id": "000000777011",
            "first_name_ar": "سلمى",
            "last_name_ar": "العلوي",
            "first_name_lat": "Salma",
            "last_name_lat": "Alaoui",
            "sex": "F",
            "birth_date": "2026-10-20",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/households/{rsu}/"
    page = response.content.decode()
    assert "Birth recorded." in page
    assert 'data-kind="birth"' in page
    assert HouseholdEvent.objects.filter(kind=EventKind.BIRTH).count() == 1


def test_a_form_from_a_stale_page_shows_the_conflict_and_writes_nothing(
    family: dict[str, Any], worker: Any
) -> None:
    client = logged_in(worker)
    rsu = family["household"].rsu_id
    client.post(
        f"/households/{rsu}/declare/contact/",
        {"expected_version": 1, "reason": "new", "phone": "0612345678"},
    )
    assert fresh(family["household"]).version == 2
    response = client.post(
        f"/households/{rsu}/declare/contact/",
        {"expected_version": 1, "reason": "old tab", "phone": "0699999999"},
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert fresh(family["household"]).phone == "+212612345678"


def test_field_errors_from_the_service_land_on_the_field(
    family: dict[str, Any], worker: Any
) -> None:
    response = logged_in(worker).post(
        f"/households/{family['household'].rsu_id}/declare/birth/",
        {
            "expected_version": 1,
            "reason": "x",
            "rnp_id": "123456789012",
            "first_name_ar": "a",
            "last_name_ar": "b",
            "first_name_lat": "c",
            "last_name_lat": "d",
            "sex": "F",
            "birth_date": "2026-10-20",
        },
    )
    assert 'data-field="rnp_id"' in response.content.decode()


def test_supervisor_decides_in_the_queue_maker_cannot(
    family: dict[str, Any], worker: Any, supervisor: Any
) -> None:
    rsu = family["household"].rsu_id
    logged_in(worker).post(
        f"/households/{rsu}/declare/head/",
        {
            "new_head_rnp_id": family["mother"].rnp_id,
            "former_head_relationship": "spouse",
            "effective": "2026-10-01",
            "reason": "father emigrated",
        },
    )
    assert logged_in(worker).get("/households/reviews/change-requests/").status_code == 404
    checker = logged_in(supervisor)
    queue = checker.get("/households/reviews/change-requests/").content.decode()
    assert "father emigrated" in queue
    request = family["household"].change_requests.get()
    checker.post(
        "/households/reviews/change-requests/",
        {"request_id": request.pk, "decision": "approve", "note": "ok"},
    )
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.APPLIED


def test_search_page_finds_by_arabic_name_without_diacritics(
    family: dict[str, Any], worker: Any
) -> None:
    from jisr.registry.services._common import name_keys_set

    for person in (family["father"], family["mother"], family["son"]):
        name_keys_set(person)
        person.save()
    page = logged_in(worker).get("/households/", {"q": "فاطمه العلوى"})
    assert [h.rsu_id for h in page.context["page"]] == [family["household"].rsu_id]


def test_search_page_refuses_a_name_too_short_in_the_users_language(
    family: dict[str, Any], worker: Any
) -> None:
    for language, text in (
        ("en", "at least one word of three letters"),
        ("fr", "au moins un mot de trois lettres"),
        ("ar", "ثلاثة أحرف"),
    ):
        response = logged_in(worker, language).get("/households/", {"q": "Al"})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="search-refused"' in page
        assert text in page, language
        assert list(response.context["page"]) == []


def test_search_page_says_when_a_name_matches_more_than_it_considers(
    family: dict[str, Any], worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jisr.registry import _name_search
    from jisr.registry.services._common import name_keys_set

    for person in (family["father"], family["mother"], family["son"]):
        name_keys_set(person)
        person.save()
    client = logged_in(worker)
    page = client.get("/households/", {"q": "Alaoui"})
    assert 'id="search-incomplete"' not in page.content.decode()
    monkeypatch.setattr(_name_search, "NAME_MATCHES", 2)
    page = client.get("/households/", {"q": "Alaoui"})
    assert 'id="search-incomplete"' in page.content.decode()
    assert [h.rsu_id for h in page.context["page"]] == [family["household"].rsu_id]
    assert page.context["page"].paginator.count == 1
