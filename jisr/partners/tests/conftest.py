"""Fixtures for the partners' tests: a few communes of Casablanca-Settat and L'Oriental, the demo
directory, and the people who use it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from jisr.accounts.roles import Role
from jisr.geo import services as geo
from jisr.partners import demo
from jisr.partners.models import Organization

COMMUNES_CSV = """\
code,name_fr,name_ar,population_2024,province_code,province_name_fr,province_name_ar,\
region_code,milieu,synthetic
06.01.001,Commune A,جماعة أ,300000,06.01,Province 06.01,إقليم 06.01,06,urban,true
06.01.002,Commune B,جماعة ب,200000,06.01,Province 06.01,إقليم 06.01,06,urban,true
06.01.003,Commune C,جماعة ج,9000,06.01,Province 06.01,إقليم 06.01,06,rural,true
02.01.001,Commune D,جماعة د,160000,02.01,Province 02.01,إقليم 02.01,02,urban,true
02.01.002,Commune E,جماعة ه,90000,02.01,Province 02.01,إقليم 02.01,02,urban,true
02.01.003,Commune F,جماعة و,7000,02.01,Province 02.01,إقليم 02.01,02,rural,true
"""
TODAY = dt.date(2026, 11, 15)


@pytest.fixture
def communes(regions: None, tmp_path: Path) -> None:
    path = tmp_path / "communes.csv"
    path.write_text(COMMUNES_CSV, encoding="utf-8")
    geo.communes_load(path=path)


@pytest.fixture
def staff(make_user: Callable[..., Any], communes: None) -> Any:
    """The demo's partner staff user (the seed makes them staff of Association Nour)."""
    return make_user(Role.PARTNER_STAFF, username=demo.STAFF_USERNAME)


@pytest.fixture
def directory(communes: None, staff: Any) -> dict[str, Any]:
    summary = demo.directory_seed(today=TODAY)
    return {"summary": summary, "nour": Organization.objects.get(pk=demo._id("nour"))}


@pytest.fixture
def manager(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.PROGRAMME_MANAGER, username="manager06", regions=["06"])


@pytest.fixture
def manager_oriental(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.PROGRAMME_MANAGER, username="manager02", regions=["02"])


@pytest.fixture
def worker(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_WORKER, username="worker06", regions=["06"])


@pytest.fixture
def other_staff(make_user: Callable[..., Any], directory: dict[str, Any]) -> Any:
    """Partner staff of another organisation (Association Sanad)."""
    from jisr.partners import services

    user = make_user(Role.PARTNER_STAFF, username="sanad.staff")
    sanad = Organization.objects.get(pk=demo._id("sanad"))
    services.organization_member_add(actor=None, user=user, organization=sanad)
    return user


def agreement_draft(
    actor: Any,
    organization: Organization,
    *,
    reference: str = "EN-TEST-001",
    start: dt.date = dt.date(2026, 1, 1),
    end: dt.date = dt.date(2026, 12, 31),
) -> Any:
    """A draft agreement of 100,000 MAD, 60,000 from the State in two tranches; the first needs
    the first half-year's report and 40 people served."""
    from jisr.partners import services

    agreement = services.agreement_create(
        actor=actor,
        organization=organization,
        reference=reference,
        funder="ministry",
        purpose="Accompagnement de familles vulnérables.",
        start=start,
        end=end,
        budget="100000.00",
        contribution="60000.00",
    )
    first = services.tranche_add(
        actor=actor, agreement=agreement, amount="30000.00", due_date=start + dt.timedelta(200)
    )
    services.tranche_add(
        actor=actor, agreement=agreement, amount="30000.00", due_date=end - dt.timedelta(10)
    )
    services.report_due_add(
        actor=actor,
        agreement=agreement,
        tranche=first,
        period_start=start,
        period_end=start + dt.timedelta(180),
        due_date=start + dt.timedelta(195),
    )
    services.indicator_add(actor=actor, tranche=first, measure="people_served", target=40)
    return agreement


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the services' English messages (the UI's language is chosen per request)."""
    with translation.override("en"):
        yield
