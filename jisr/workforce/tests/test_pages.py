"""The workforce's pages: the home page banner, my profile, the list and profile (scoped), the
forms, expiring accreditations, indicators."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from jisr.accounts.roles import Role
from jisr.core.models import AuditEvent
from jisr.registry.tests.test_views import logged_in
from jisr.workforce.models import Language, SocialWorker, SupervisionSession, TrainingRecord

pytestmark = [pytest.mark.django_db]


def _ending_in(worker: SocialWorker, days: int) -> None:
    SocialWorker.objects.filter(pk=worker.pk).update(
        accreditation_valid_until=timezone.localdate() + dt.timedelta(days=days)
    )


def test_home_banner_warns_sixty_days_ahead(worker: SocialWorker) -> None:
    _ending_in(worker, 61)
    page = logged_in(worker.user).get("/").content.decode()
    assert 'data-code="ok"' in page
    _ending_in(worker, 60)
    page = logged_in(worker.user).get("/").content.decode()
    assert 'data-code="expiring"' in page
    assert "ends in 60 days" in page


def test_home_banner_says_why_a_worker_cannot_take_cases(worker: SocialWorker) -> None:
    SocialWorker.objects.filter(pk=worker.pk).update(accreditation_status="suspended")
    page = logged_in(worker.user).get("/").content.decode()
    assert 'data-code="suspended"' in page
    assert "is suspended" in page


def test_home_has_no_banner_without_a_profile(admin: Any) -> None:
    assert 'id="accreditation-banner"' not in logged_in(admin).get("/").content.decode()


def test_home_banner_in_arabic(worker: SocialWorker) -> None:
    _ending_in(worker, 10)
    response = logged_in(worker.user, "ar").get("/")
    assert response.status_code == 200
    assert 'data-code="expiring"' in response.content.decode()


def test_my_profile_shows_accreditation_and_this_years_training(worker: SocialWorker) -> None:
    TrainingRecord.objects.create(
        worker=worker,
        date=timezone.localdate(),
        title="Protection de l'enfance",
        hours="12.5",
        recorded_by=worker.user,
    )
    page = logged_in(worker.user).get("/workforce/me/").content.decode()
    assert 'data-status="granted"' in page
    assert worker.accreditation_number in page
    assert 'id="training-hours">12.5<' in page
    assert 'id="training-form"' in page
    assert 'id="accreditation-actions"' not in page  # a worker does not manage their own
    assert 'id="supervision-form"' not in page


def test_my_profile_without_a_profile(supervisor: Any) -> None:
    assert 'id="no-profile"' in logged_in(supervisor).get("/workforce/me/").content.decode()


def test_a_worker_adds_training_through_the_form(worker: SocialWorker) -> None:
    client = logged_in(worker.user)
    response = client.post(
        f"/workforce/workers/{worker.pk}/training/",
        {"date": timezone.localdate().isoformat(), "title": "Médiation", "hours": "3"},
    )
    assert response.status_code == 302
    assert response.url == "/workforce/me/"
    assert TrainingRecord.objects.filter(worker=worker, title="Médiation").exists()
    bad = client.post(
        f"/workforce/workers/{worker.pk}/training/", {"date": "soon", "title": "x", "hours": "3"}
    )
    assert bad.status_code == 302
    assert TrainingRecord.objects.count() == 1


def test_worker_list_is_scoped(
    admin02: Any, supervisor: Any, worker: SocialWorker, make_user: Callable[..., Any]
) -> None:
    page = logged_in(supervisor).get("/workforce/").content.decode()
    assert 'data-worker="worker06"' in page
    assert 'data-worker="worker06"' not in logged_in(admin02).get("/workforce/").content.decode()
    assert logged_in(worker.user).get("/workforce/").status_code == 403
    partner = make_user(Role.PARTNER_STAFF, national=True)
    assert logged_in(partner).get("/workforce/").status_code == 403


def test_profile_page_scoped_and_forms_by_role(
    admin06: Any, admin02: Any, supervisor: Any, worker: SocialWorker
) -> None:
    url = f"/workforce/workers/{worker.pk}/"
    assert logged_in(admin02).get(url).status_code == 404
    as_admin = logged_in(admin06).get(url).content.decode()
    assert 'id="accreditation-actions"' in as_admin
    assert 'id="supervision-form"' not in as_admin
    as_supervisor = logged_in(supervisor).get(url).content.decode()
    assert 'id="supervision-form"' in as_supervisor
    assert 'id="accreditation-actions"' not in as_supervisor


def test_accreditation_action_and_supervision_through_the_pages(
    admin06: Any, supervisor: Any, worker: SocialWorker
) -> None:
    client = logged_in(admin06)
    response = client.post(
        f"/workforce/workers/{worker.pk}/accreditation/suspend/", {"reason": "enquête"}
    )
    assert response.status_code == 302
    assert SocialWorker.objects.get(pk=worker.pk).accreditation_status == "suspended"
    refused = client.post(f"/workforce/workers/{worker.pk}/accreditation/suspend/", {"reason": "x"})
    assert refused.status_code == 302  # shown as a message, nothing changed
    page = client.get(f"/workforce/workers/{worker.pk}/").content.decode()
    assert "does not allow this change" in page
    response = logged_in(supervisor).post(
        f"/workforce/workers/{worker.pk}/supervision/",
        {"date": "2026-01-10", "cases_reviewed": "5", "notes": "ok"},
    )
    assert response.status_code == 302
    assert SupervisionSession.objects.get().cases_reviewed == 5
    # Each change is audited as what it is, not also as a profile viewed; a view is audited.
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert "workforce.accreditation_suspended" in actions
    assert "workforce.supervision_recorded" in actions
    assert actions.count("workforce.profile_viewed") == 1  # the page read by the administrator
    # The worker may open their own profile but not reinstate their own accreditation.
    logged_in(worker.user).post(
        f"/workforce/workers/{worker.pk}/accreditation/reinstate/", {"reason": "x"}
    )
    assert SocialWorker.objects.get(pk=worker.pk).accreditation_status == "suspended"


def test_expiring_page_for_administrators(
    admin06: Any, supervisor: Any, worker: SocialWorker
) -> None:
    _ending_in(worker, 45)
    page = logged_in(admin06).get("/workforce/expiring/").content.decode()
    assert 'data-worker="worker06"' in page
    assert ">45<" in page
    assert 'data-worker="worker06"' not in (
        logged_in(admin06).get("/workforce/expiring/?days=30").content.decode()
    )
    assert logged_in(supervisor).get("/workforce/expiring/").status_code == 403


def test_indicators_page(supervisor: Any, worker: SocialWorker) -> None:
    page = logged_in(supervisor).get("/workforce/indicators/").content.decode()
    assert 'data-region="national"' in page
    assert 'data-region="06"' in page
    assert logged_in(worker.user).get("/workforce/indicators/").status_code == 403


def test_navigation_links_the_workforce_for_those_who_may_see_it(
    supervisor: Any, worker: SocialWorker
) -> None:
    assert 'href="/workforce/"' in logged_in(supervisor).get("/").content.decode()
    assert 'href="/workforce/"' not in logged_in(worker.user).get("/").content.decode()


@pytest.mark.parametrize(
    ("language", "provider", "heading"),
    [
        ("fr", "Organisme de formation", "Formation continue en {year}, en heures"),
        ("ar", "جهة التكوين", "التكوين المستمر سنة {year}، بالساعات"),
    ],
)
def test_a_training_has_a_training_provider_not_a_payment_provider(
    worker: SocialWorker, language: str, provider: str, heading: str
) -> None:
    page = logged_in(worker.user, language).get("/workforce/me/").content.decode()
    assert f"<th>{provider}</th>" in page
    assert f'placeholder="{provider}"' in page
    assert heading.format(year=timezone.localdate().year) in page
    assert "Prestataire de paiement" not in page
    assert "مقدم خدمة الأداء" not in page


@pytest.mark.parametrize(("language", "separator"), [("ar", "، "), ("fr", ", "), ("en", ", ")])
def test_a_profiles_lists_are_separated_in_the_readers_language(
    worker: SocialWorker, language: str, separator: str
) -> None:
    page = logged_in(worker.user, language).get("/workforce/me/").content.decode()
    with translation.override(language):
        languages = separator.join(str(Language(code).label) for code in ("ar", "ary"))
    assert f'<dd class="col-sm-7" id="languages">{languages}</dd>' in page


def test_a_current_accreditation_is_said_so_in_arabic_as_its_opposite_is(
    worker: SocialWorker,
) -> None:
    page = logged_in(worker.user, "ar").get("/workforce/me/").content.decode()
    assert '<span class="badge text-bg-success">ساري الصلاحية</span>' in page
    SocialWorker.objects.filter(pk=worker.pk).update(accreditation_status="suspended")
    page = logged_in(worker.user, "ar").get("/workforce/me/").content.decode()
    assert '<span class="badge text-bg-danger">غير ساري الصلاحية</span>' in page


@pytest.mark.parametrize(
    ("language", "days", "text"),
    [
        ("en", 1, "No accreditation in your area ends within 1 day."),
        ("en", 30, "No accreditation in your area ends within 30 days."),
        ("fr", 1, "Aucun agrément de votre zone ne prend fin d'ici 1 jour."),
        ("ar", 2, "لا ينتهي أي اعتماد في منطقتك خلال 2 يومين."),
        ("ar", 11, "لا ينتهي أي اعتماد في منطقتك خلال 11 يومًا."),
    ],
)
def test_an_empty_expiring_list_counts_its_days(
    admin06: Any, worker: SocialWorker, language: str, days: int, text: str
) -> None:
    page = logged_in(admin06, language).get(f"/workforce/expiring/?days={days}").content.decode()
    assert text in page


def test_dates_and_numbers_do_not_turn_arabic_cells_left_to_right() -> None:
    """Dates, numbers and codes are isolated in inline spans: a table cell or a value marked
    dir="ltr" lines up against the page in Arabic (and a value wrapped under its label)."""
    for template in (Path(__file__).parents[1] / "templates" / "workforce").glob("*.html"):
        blocks = re.findall(r'<(?:td|th|div|dd|dt|p|li)\b[^>]*\bdir="ltr"', template.read_text())
        assert blocks == [], template.name
