"""DCI test fixtures: a small registry in two regions, partners, a loopback callback server."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from jisr.dci.tests.factories import Partner, make_partner
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory


@dataclass
class Population:
    households: dict[str, Any]
    persons: dict[str, Any]


# (key, household, relationship to the head, person fields)
PEOPLE: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("fatima", "casa", "head", {"first_name_lat": "Fatima", "marital_status": "married"}),
    (
        "ahmed",
        "casa",
        "spouse",
        {
            "first_name_ar": "أحمد",
            "first_name_lat": "Ahmed",
            "sex": "M",
            "marital_status": "married",
            "birth_date": dt.date(1978, 3, 2),
        },
    ),
    (
        "youssef",
        "casa",
        "child",
        {
            "first_name_ar": "يوسف",
            "first_name_lat": "Youssef",
            "sex": "M",
            "cnie": None,
            "birth_date": dt.date(2020, 6, 1),
        },
    ),
    (
        "khadija",
        "widow",
        "head",
        {
            "first_name_ar": "خديجة",
            "first_name_lat": "Khadija",
            "last_name_ar": "بناني",
            "last_name_lat": "Bennani",
            "birth_date": dt.date(1950, 1, 10),
            "marital_status": "widowed",
            "disability": True,
            "disability_severity": "moderate",
        },
    ),
    (
        "omar",
        "oujda",
        "head",
        {
            "first_name_ar": "عمر",
            "first_name_lat": "Omar",
            "last_name_ar": "التازي",
            "last_name_lat": "Tazi",
            "sex": "M",
            "birth_date": dt.date(1990, 9, 9),
            "marital_status": "widowed",
        },
    ),
    (
        "salma",
        "oujda",
        "child",
        {
            "first_name_ar": "سلمى",
            "first_name_lat": "Salma",
            "last_name_ar": "التازي",
            "last_name_lat": "Tazi",
            "birth_date": dt.date(2021, 2, 2),
            "cnie": None,
        },
    ),
)


@pytest.fixture
def population(regions: None) -> Population:
    """Region 06: a couple and their child, a widow alone; region 02: a father and his child."""
    households = {
        "casa": HouseholdFactory(
            region_code="06", index_value=Decimal("4.5"), address="12 rue Test"
        ),
        "widow": HouseholdFactory(region_code="06", index_value=Decimal("9.25")),
        "oujda": HouseholdFactory(region_code="02", index_value=Decimal("3.0")),
    }
    persons = {}
    for key, household, relationship, fields in PEOPLE:
        persons[key] = PersonFactory(**{"last_name_lat": "Alaoui", "sex": "F", **fields})
        MembershipFactory(
            person=persons[key], household=households[household], relationship=relationship
        )
    return Population(households=households, persons=persons)


@pytest.fixture
def partner(make_user: Callable[..., Any]) -> Partner:
    """A national partner system (role programme manager, national scope)."""
    return make_partner(make_user)


@pytest.fixture
def regional_partner(make_user: Callable[..., Any]) -> Partner:
    """A partner whose account reaches only Casablanca-Settat (region 06)."""
    return make_partner(
        make_user, sender_id="region06.ma", role="social_worker", national=False, regions=("06",)
    )


@dataclass
class CallbackServer:
    base_url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def callback_server() -> Iterator[CallbackServer]:
    """An HTTP server on 127.0.0.1 (loopback only) recording the callbacks it receives."""
    state = CallbackServer(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.received.append(json.loads(self.rfile.read(length)))
            state.paths.append(self.path)
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
