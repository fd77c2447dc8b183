"""The partner's referral page (views/referrals.py): what the person's consent lets the partner see,
in the reader's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from jisr.casework import services
from jisr.casework.models import Case
from jisr.geo.models import Commune
from jisr.partners.models import Service
from jisr.registry.tests.test_views import logged_in

pytestmark = pytest.mark.django_db


def referred(case: Case, people: dict[str, Any], partner: dict[str, Any], fields: list[str]) -> Any:
    """The case referred to the partner's day care, its consent sharing `fields`."""
    owner, organization = people["owner"], partner["organization"]
    services.consent_record(
        actor=owner,
        case=case,
        given_by="Fatima (mother)",
        purpose="day care",
        scope="referral",
        fields=fields,
        given_on=timezone.localdate(),
        recipients=[organization],
    )
    day_care = Service.objects.create(organization=organization, name="Accueil", status="active")
    return services.referral_send(actor=owner, case=case, service=day_care, reason="day care")


@pytest.mark.parametrize(("language", "name_field"), [("ar", "name_ar"), ("fr", "name_fr")])
def test_the_shared_commune_shows_its_name_in_the_readers_language(
    case: Case, people: dict[str, Any], partner: dict[str, Any], language: str, name_field: str
) -> None:
    referral = referred(case, people, partner, ["first_name", "commune"])
    assert referral.shared["commune"] == case.commune_code  # the snapshot keeps the code only

    page = logged_in(people["partner_in"], language).get(f"/cases/referrals/{referral.pk}/")
    assert page.status_code == 200
    shown = re.search(r'id="shared-commune">(.*?)</dd>', page.content.decode())
    assert shown is not None
    commune = Commune.objects.get(code=case.commune_code)
    assert f'<span class="commune-name">{getattr(commune, name_field)}</span>' in shown[1]
    assert f'<span class="id-code">{case.commune_code}</span>' in shown[1]


def test_a_commune_no_longer_known_shows_its_code_alone(
    case: Case, people: dict[str, Any], partner: dict[str, Any]
) -> None:
    referral = referred(case, people, partner, ["commune"])
    referral.shared = {**referral.shared, "commune": "99.99.999"}  # an old snapshot's code
    referral.save(update_fields=["shared"])

    page = logged_in(people["partner_in"], "fr").get(f"/cases/referrals/{referral.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="shared-commune"><span class="id-code">99.99.999</span></dd>' in html
