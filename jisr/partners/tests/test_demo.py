"""The demo seed: realistic organisations in two regions, idempotent, the `partner` user made
staff of the first organisation; and the `jisr partners overdue-reports` command."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from jisr.partners import demo, selectors
from jisr.partners.models import Agreement, Organization, OutputReport, Service
from jisr.partners.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_seeding_again_changes_nothing(directory: dict[str, Any], staff: Any) -> None:
    first = directory["summary"]
    assert first["created"]["organization"] == 6
    assert (first["staff"], first["agreement_created"]) == (True, True)
    again = demo.directory_seed(today=TODAY)
    assert sum(again["created"].values()) == sum(again["updated"].values()) == 0
    assert again["agreement_created"] is False
    assert Organization.objects.count() == 6
    assert Agreement.objects.count() == OutputReport.objects.count() == 1
    assert selectors.user_organization(user=staff) == directory["nour"]


def test_the_seed_covers_both_regions_and_kinds(directory: dict[str, Any]) -> None:
    regions = set(Organization.objects.values_list("region_id", flat=True))
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert regions == {"02", "06"}
    assert {"association", "eps", "public_service", "cooperative"} <= kinds
    assert Service.objects.filter(requires_disability=True).count() == 3


def test_seed_without_the_partner_user_or_communes(regions: None) -> None:
    summary = demo.directory_seed(today=TODAY)
    assert summary["staff"] is False
    assert not OutputReport.objects.exists()
    # Without communes loaded, services serve their organisation's whole region.
    assert not Service.objects.filter(service_areas__commune__isnull=False).exists()


def test_overdue_reports_command(directory: dict[str, Any], capsys: Any) -> None:
    call_command("partners", "overdue-reports", "--on", TODAY.isoformat())
    printed = capsys.readouterr().out
    assert printed.count(demo.AGREEMENT_REFERENCE) == 2
    assert "2 reports overdue on 2026-11-15" in printed
