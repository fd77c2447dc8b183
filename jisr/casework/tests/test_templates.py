"""The casework templates as their readers meet them: every field named (a label or, where a table
row already says what it is, an aria-label), every stored code in words, and Arabic pages that
read right to left throughout."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jisr.casework.models import Assessment, Case, OutreachItem, Referral

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "casework"


def client_for(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


class Fields(HTMLParser):
    """The form fields of a page a person fills in, and the labels that name them."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.label_targets: list[str | None] = []
        self.fields: list[tuple[str, dict[str, str | None], bool]] = []
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if named.get("id"):
            self.ids.add(str(named["id"]))
        if tag == "label":
            self.in_label += 1
            self.label_targets.append(named.get("for"))
        elif tag in ("input", "select", "textarea") and named.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            self.fields.append((tag, named, self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1

    def unnamed(self) -> list[str]:
        """The fields nothing names, and the labels that name no field."""
        targets = {t for t in self.label_targets if t}
        found = [
            f"{tag} {attrs.get('name')}"
            for tag, attrs, wrapped in self.fields
            if not (wrapped or attrs.get("aria-label") or attrs.get("id") in targets)
        ]
        found += [
            f"label for={t!r}" for t in self.label_targets if t is not None and t not in self.ids
        ]
        return found


def test_every_field_of_the_casework_pages_is_named(
    case: Case, people: dict[str, Any], partner: dict[str, Any]
) -> None:
    OutreachItem.objects.create(
        kind="disabled_child", household=case.household, person=case.person, region_code="06",
        commune_code=case.household.commune_id, status="assigned", assigned_to=people["owner"],
        found_at=timezone.now(),
    )  # fmt: skip
    referral = Referral.objects.get(case=case)
    pages = {
        "owner": ["/cases/", f"/cases/{case.pk}/", "/cases/all/", "/cases/outreach/",
                  f"/cases/open/?household={case.household.rsu_id}"],
        "sup_team": [f"/cases/{case.pk}/"],
        "sup_territory": ["/cases/outreach/?status=assigned"],
        "partner_in": ["/cases/referrals/", f"/cases/referrals/{referral.pk}/"],
    }  # fmt: skip
    for name, urls in pages.items():
        client = client_for(people[name])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            fields = Fields()
            fields.feed(response.content.decode())
            assert fields.fields, (name, url)
            # the assessment's notes (one a dimension) and the consent's shared data had none
            assert fields.unnamed() == [], (name, url)


def test_the_benefits_at_the_assessment_are_in_words(case: Case, people: dict[str, Any]) -> None:
    Assessment.objects.filter(case=case).update(
        benefits={
            "month": "2025-03",
            "decisions": {"asd": {"eligible": True, "amount": "500.00"}},
            "enrolments": {"asd": {"status": "suspended", "reason": "unclaimed"}},
        }
    )
    html = client_for(people["owner"]).get(f"/cases/{case.pk}/").content.decode()
    benefits = html.split('id="benefits"')[1].split("</table>")[0]
    assert "Direct Social Support (ASD)" in benefits  # was the code, "ASD" by CSS
    assert "suspended" in benefits
    assert "payments repeatedly unclaimed" in benefits  # was "(unclaimed)"
    arabic = client_for(people["owner"], "ar").get(f"/cases/{case.pk}/").content.decode()
    benefits = arabic.split('id="benefits"')[1].split("</table>")[0]
    assert "MAD" not in benefits
    assert "suspended" not in benefits
    assert "درهم" in benefits


def test_arabic_pages_keep_their_direction(case: Case, people: dict[str, Any]) -> None:
    """Dates and codes are isolated in inline spans: a table cell or block marked dir="ltr" lines
    up against the page in Arabic; an arrow between two names points the wrong way there."""
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        blocks = re.findall(r'<(?:td|th|div|dd|dt|p|li)\b[^>]*\bdir="ltr"', text)
        assert blocks == [], template.name
        assert "→" not in text, template.name
        assert 'aria-label="breadcrumb"' not in text, template.name  # words for screen readers
    html = client_for(people["owner"], "ar").get(f"/cases/{case.pk}/").content.decode()
    transfers = html.split('id="transfers"')[1].split("</ul>")[0]
    assert "owner" in transfers
    assert "receiver" in transfers
    assert "→" not in transfers


def test_the_case_opening_page_says_first_why_a_worker_may_not_open_one(
    case: Case, people: dict[str, Any]
) -> None:
    """A worker whose accreditation is suspended learns it on the form, not after sending it."""
    from jisr.workforce import services as workforce
    from jisr.workforce.models import SocialWorker

    colleague = people["colleague"]
    worker = SocialWorker.objects.get(user=colleague)
    url = f"/cases/open/?household={case.household.rsu_id}"
    assert 'data-code="ok"' in client_for(colleague).get(url).content.decode()
    workforce.accreditation_suspend(actor=people["admin"], worker=worker, reason="Inquiry")
    page = client_for(colleague).get(url).content.decode()
    assert 'data-code="suspended"' in page
    assert "The accreditation (agrément) is suspended." in page
