"""The managers' agreement pages: a new draft agreement, its tranches, reports due and indicators,
its signature and its closing — each through its form, refused to whoever may not, and bad input
shown against its field with nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisr.partners import demo, services
from jisr.partners.models import Agreement, Indicator, ReportDue, Tranche
from jisr.partners.tests.conftest import agreement_draft
from jisr.registry.tests.test_views import logged_in

pytestmark = pytest.mark.django_db

NEW_AGREEMENT = {
    "reference": "EN-WEB-001",
    "funder": "entraide_nationale",
    "purpose": "Rééducation des enfants en situation de handicap.",
    "start": "2027-01-01",
    "end": "2027-12-31",
    "budget": "80000.00",
    "contribution": "50000.00",
}


def draft(manager: Any, directory: dict[str, Any], reference: str = "EN-WEB-DRAFT") -> Agreement:
    """A draft agreement of 50,000 MAD from the State, without tranches."""
    return services.agreement_create(
        actor=manager,
        organization=directory["nour"],
        reference=reference,
        funder="ministry",
        purpose="Accueil de jour.",
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 12, 31),
        budget="80000.00",
        contribution="50000.00",
    )


def step_url(agreement: Agreement, step: str) -> str:
    return f"/partners/agreements/{agreement.pk}/{step}/"


def error_of(page: str, field: str) -> str:
    """The text of the error shown under `field` ("" if none)."""
    marker = f'data-field="{field}">'
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split("</div>", 1)[0]


# --- A new agreement ----------------------------------------------------------------------------
def test_manager_drafts_an_agreement_from_the_organisation_page(
    directory: dict[str, Any], manager: Any
) -> None:
    client = logged_in(manager)
    nour = directory["nour"]
    listing = client.get("/partners/agreements/").content.decode()
    assert 'id="agreement-new" href="/partners/agreements/new/"' in listing
    new_url = f"/partners/organizations/{nour.pk}/agreements/new/"
    assert f'href="{new_url}"' in client.get(f"/partners/organizations/{nour.pk}/").content.decode()
    form = client.get(new_url).content.decode()
    assert f'<option value="{nour.pk}" selected>' in form
    answer = client.post(new_url, {**NEW_AGREEMENT, "organization": str(nour.pk)}, follow=True)
    created = Agreement.objects.get(reference="EN-WEB-001")
    assert answer.redirect_chain == [(f"/partners/agreements/{created.pk}/", 302)]
    assert (created.organization, created.status, created.created_by) == (nour, "draft", manager)
    assert (str(created.budget), str(created.contribution)) == ("80000.00", "50000.00")
    assert (created.funder, created.end) == ("entraide_nationale", dt.date(2027, 12, 31))
    page = answer.content.decode()
    assert "Draft agreement created" in page
    assert 'id="tranche-form"' in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"contribution": "90000.00"}, "contribution", "The State&#x27;s contribution exceeds"),
        ({"end": "2026-12-31"}, "end", "The agreement ends before it starts."),
        ({"budget": "0"}, "budget", "An amount must be above zero."),
        ({"reference": demo.AGREEMENT_REFERENCE}, "reference", "An agreement with this reference"),
        ({"start": "31/31/2027"}, "start", "Enter a valid date."),
    ],
)
def test_a_bad_agreement_is_shown_against_its_field_and_nothing_is_created(
    directory: dict[str, Any], manager: Any, change: dict[str, str], field: str, message: str
) -> None:
    before = Agreement.objects.count()
    data = {**NEW_AGREEMENT, "organization": str(directory["nour"].pk), **change}
    answer = logged_in(manager).post("/partners/agreements/new/", data)
    assert answer.status_code == 200
    assert message in error_of(answer.content.decode(), field)
    assert Agreement.objects.count() == before


def test_a_new_agreement_is_refused_to_other_roles_and_regions(
    directory: dict[str, Any], worker: Any, staff: Any, manager_oriental: Any
) -> None:
    nour = directory["nour"]
    for user in (worker, staff):
        client = logged_in(user)
        assert client.get("/partners/agreements/new/").status_code == 403
        data = {**NEW_AGREEMENT, "organization": str(nour.pk)}
        assert client.post("/partners/agreements/new/", data).status_code == 403
        assert 'id="agreement-new"' not in client.get("/partners/agreements/").content.decode()
    oriental = logged_in(manager_oriental)
    assert 'id="agreement-new"' not in (
        oriental.get(f"/partners/organizations/{nour.pk}/").content.decode()
    )
    assert oriental.get(f"/partners/organizations/{nour.pk}/agreements/new/").status_code == 404
    # Nour (Casablanca-Settat) is not among the organisations offered in L'Oriental.
    offered = oriental.get("/partners/agreements/new/").content.decode()
    assert str(nour.pk) not in offered
    answer = oriental.post(
        "/partners/agreements/new/", {**NEW_AGREEMENT, "organization": str(nour.pk)}
    )
    assert error_of(answer.content.decode(), "organization").startswith("Select a valid choice")
    assert not Agreement.objects.filter(reference="EN-WEB-001").exists()


# --- Drafting, signing, closing -----------------------------------------------------------------
def test_manager_drafts_the_tranches_reports_and_indicators_then_signs(
    directory: dict[str, Any], manager: Any
) -> None:
    agreement = draft(manager, directory)
    client = logged_in(manager)
    for amount, due_date in (("20000.00", "2027-07-15"), ("30000.00", "2027-12-15")):
        answer = client.post(
            step_url(agreement, "tranche"),
            {
                "tranche-amount": amount,
                "tranche-due_date": due_date,
                "tranche-conditions": "Rapport",
            },
            follow=True,
        )
        assert "Tranche added." in answer.content.decode()
    first, second = agreement.tranches.order_by("number")
    assert (second.number, second.due_date) == (2, dt.date(2027, 12, 15))
    assert (first.number, str(first.amount), first.conditions) == (1, "20000.00", "Rapport")
    client.post(
        step_url(agreement, "report"),
        {"report-period_start": "2027-01-01", "report-period_end": "2027-06-30",
         "report-due_date": "2027-07-10", "report-tranche": str(first.pk)},
    )  # fmt: skip
    due = ReportDue.objects.get(agreement=agreement)
    assert (due.tranche, due.due_date) == (first, dt.date(2027, 7, 10))
    therapy = demo._id("nour", "therapy")
    client.post(
        step_url(agreement, "indicator"),
        {"indicator-tranche": str(first.pk), "indicator-measure": "services_delivered",
         "indicator-target": "300", "indicator-service": therapy, "indicator-label": ""},
    )  # fmt: skip
    indicator = Indicator.objects.get(tranche=first)
    assert (indicator.measure, indicator.target, str(indicator.service_id)) == (
        "services_delivered",
        300,
        therapy,
    )
    page = client.get(f"/partners/agreements/{agreement.pk}/").content.decode()
    assert 'data-planned="50000.00"' in page
    assert '<span dir="ltr">0 / 300</span>' in page
    signed = client.post(
        step_url(agreement, "activate"), {"activate-signed_on": "2026-12-20"}, follow=True
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on) == ("active", dt.date(2026, 12, 20))
    page = signed.content.decode()
    assert "Agreement signed" in page
    assert 'id="tranche-form"' not in page
    assert 'id="close-form"' in page


def test_bad_steps_show_their_error_and_change_nothing(
    directory: dict[str, Any], manager: Any
) -> None:
    agreement = agreement_draft(manager, directory["nour"], reference="EN-WEB-BAD")
    first = agreement.tranches.get(number=1)
    client = logged_in(manager)
    counts = (Tranche.objects.count(), ReportDue.objects.count(), Indicator.objects.count())
    cases = [
        ("tranche", {"tranche-amount": "1.00", "tranche-due_date": "2026-06-01"}, "amount",
         "The tranches would exceed the State&#x27;s contribution (60000.00 MAD)."),
        ("tranche", {"tranche-amount": "abc", "tranche-due_date": "2026-06-01"}, "amount",
         "Enter a number."),
        ("report", {"report-period_start": "2026-07-01", "report-period_end": "2026-12-31",
                    "report-due_date": "2026-12-01"}, "due_date",
         "A report falls due after its period ends."),
        ("indicator", {"indicator-tranche": str(first.pk), "indicator-measure": "people_served",
                       "indicator-target": "10", "indicator-service": demo._id("nour", "therapy")},
         "service", "Only services delivered are counted by service"),
        ("indicator", {"indicator-tranche": str(first.pk), "indicator-measure": "people_served",
                       "indicator-target": "0"}, "target", "A target is a whole number above zero"),
    ]  # fmt: skip
    for step, data, field, message in cases:
        answer = client.post(step_url(agreement, step), data)
        assert answer.status_code == 200, step
        page = answer.content.decode()
        assert message in error_of(page, field), (step, field)
        assert "Nothing was saved" in page
    assert (Tranche.objects.count(), ReportDue.objects.count(), Indicator.objects.count()) == counts
    # Signing needs the tranches to add up to the contribution: 20,000 of 50,000 MAD is refused.
    short = draft(manager, directory, reference="EN-WEB-SHORT")
    services.tranche_add(
        actor=manager, agreement=short, amount="20000.00", due_date=dt.date(2027, 6, 1)
    )
    refused = client.post(
        step_url(short, "activate"), {"activate-signed_on": "2027-01-02"}, follow=True
    )
    assert (
        "The tranches add up to 20000.00 MAD, not the contribution of 50000.00 MAD."
        in refused.content.decode()
    )
    short.refresh_from_db()
    assert (short.status, short.signed_on) == ("draft", None)


def test_closing_from_the_page_once_every_tranche_is_settled(
    directory: dict[str, Any], manager: Any
) -> None:
    agreement = agreement_draft(manager, directory["nour"], reference="EN-WEB-CLOSE")
    services.agreement_activate(actor=manager, agreement=agreement, signed_on=dt.date(2026, 1, 5))
    client = logged_in(manager)
    url = step_url(agreement, "close")
    refused = client.post(url, {"close-note": "Fin."}, follow=True).content.decode()
    assert "Tranches not yet paid or withheld: 1, 2" in refused
    for tranche in agreement.tranches.all():
        services.tranche_withhold(actor=manager, tranche=tranche, reason="Programme arrêté.")
    empty = client.post(url, {"close-note": " "}).content.decode()
    assert "Give the reason for this change." in error_of(empty, "note")
    agreement.refresh_from_db()
    assert agreement.status == "active"
    closed = client.post(url, {"close-note": "Programme arrêté."}, follow=True).content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "closed"
    assert "Agreement closed." in closed
    assert 'id="close-form"' not in closed


def test_steps_are_refused_to_whoever_may_not_manage_the_agreement(
    directory: dict[str, Any],
    manager: Any,
    staff: Any,
    other_staff: Any,
    worker: Any,
    manager_oriental: Any,
) -> None:
    agreement = draft(manager, directory)
    data = {"tranche-amount": "10000.00", "tranche-due_date": "2027-06-01"}
    page = logged_in(staff).get(f"/partners/agreements/{agreement.pk}/").content.decode()
    assert 'id="tranche-form"' not in page  # Nour's staff see their draft, without the steps
    assert logged_in(staff).post(step_url(agreement, "tranche"), data).status_code == 403
    for user in (other_staff, worker, manager_oriental):
        assert logged_in(user).post(step_url(agreement, "tranche"), data).status_code == 404
    assert logged_in(manager).post(step_url(agreement, "sign-twice"), data).status_code == 404
    assert logged_in(manager).get(step_url(agreement, "tranche")).status_code == 405
    assert not agreement.tranches.exists()


@pytest.mark.parametrize(
    ("language", "title", "button"),
    [
        ("ar", "اتفاقية شراكة جديدة", "إضافة الشطر"),
        ("fr", "Nouvelle convention de partenariat", "Ajouter la tranche"),
    ],
)
def test_agreement_forms_in_arabic_and_french(
    directory: dict[str, Any], manager: Any, language: str, title: str, button: str
) -> None:
    agreement = agreement_draft(manager, directory["nour"], reference="EN-WEB-LANG")
    pages = {}
    for url in (
        "/partners/agreements/new/",
        f"/partners/organizations/{directory['nour'].pk}/agreements/new/",
        f"/partners/agreements/{agreement.pk}/",
    ):
        response = logged_in(manager, language).get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
        assert f'lang="{language}"' in pages[url]
    assert title in pages["/partners/agreements/new/"]
    assert button in pages[f"/partners/agreements/{agreement.pk}/"]


def test_a_manager_removes_a_draft_tranche_from_its_page(
    manager: Any, manager_oriental: Any, staff: Any, directory: dict[str, Any]
) -> None:
    agreement = draft(manager, directory)
    tranche = services.tranche_add(
        actor=manager, agreement=agreement, amount="50000.00", due_date=dt.date(2027, 6, 1)
    )
    page = logged_in(manager).get(f"/partners/agreements/{agreement.pk}/").content.decode()
    url = f"/partners/agreements/{agreement.pk}/remove/tranche/{tranche.pk}/"
    assert f'action="{url}"' in page
    assert logged_in(staff).post(url).status_code == 403  # Nour's staff: read, never change
    assert logged_in(manager_oriental).post(url).status_code == 404  # another region's
    wrong_kind = f"/partners/agreements/{agreement.pk}/remove/payment/{tranche.pk}/"
    assert logged_in(manager).post(wrong_kind).status_code == 404
    assert logged_in(manager).get(url).status_code == 405
    assert Tranche.objects.filter(pk=tranche.pk).exists()
    done = logged_in(manager).post(url, follow=True).content.decode()
    assert "Removed from the draft." in done
    assert not Tranche.objects.filter(pk=tranche.pk).exists()
