"""Mandates (how a beneficiary is paid) and overpayments: validated, scoped, audited."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jisr.accounts.roles import Role
from jisr.core.errors import InvalidInput, NotFound
from jisr.core.identifiers import rib_key
from jisr.core.models import AuditEvent
from jisr.payments import services
from jisr.payments.models import Overpayment, PaymentMandate
from jisr.registry.tests.test_api import client_for

pytestmark = pytest.mark.django_db
RIB = "011780000012345678901" + "2"  # 22 digits, then its key
RIB = RIB[:22] + rib_key(RIB[:22])


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.PAYMENT_OFFICER, username="officer06", regions=["06"])


def test_a_mandate_replaces_the_previous_one(family: dict[str, Any], officer: Any) -> None:
    father = family["father"]
    services.mandate_set(actor=officer, person=father, method="wallet", phone="+212612345678",
                         reason="asked at the agency")  # fmt: skip
    services.mandate_set(actor=officer, person=father, method="bank", rib=f" {RIB[:6]} {RIB[6:]} ",
                         reason="opened an account")  # fmt: skip
    active = PaymentMandate.objects.get(person=father, active=True)
    assert (active.method, active.rib) == ("bank", RIB)
    assert PaymentMandate.objects.filter(person=father).count() == 2
    event = AuditEvent.objects.filter(action="payments.mandate_set").latest("pk")
    assert event.after == {"method": "bank", "rib": RIB[-4:], "phone": ""}


@pytest.mark.parametrize(
    ("method", "fields", "field"),
    [
        ("bank", {"rib": RIB[:-1] + str((int(RIB[-1]) + 1) % 10)}, "rib"),  # a wrong key
        ("bank", {"rib": "12345"}, "rib"),
        ("wallet", {"phone": "+212512345678"}, "phone"),  # a landline
        ("cheque", {}, "method"),
    ],
)
def test_bad_mandates_are_refused_and_change_nothing(
    family: dict[str, Any], officer: Any, method: str, fields: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.mandate_set(actor=officer, person=family["father"], method=method,
                             reason="x", **fields)  # fmt: skip
    assert refused.value.details["field"] == field
    assert not PaymentMandate.objects.exists()


def test_mandates_and_overpayments_are_scoped(
    family: dict[str, Any], make_user: Callable[..., Any], worker: Any, officer: Any
) -> None:
    outsider = make_user(Role.PAYMENT_OFFICER, username="officer02", regions=["02"])
    with pytest.raises(NotFound):
        services.mandate_set(actor=outsider, person=family["father"], method="cash", reason="x")
    rnp = family["father"].rnp_id
    body = {"method": "cash", "reason": "no account"}
    url = f"/api/v1/payments/persons/{rnp}/mandate"
    assert client_for(worker).post(url, body, content_type="application/json").status_code == 403
    assert client_for(outsider).post(url, body, content_type="application/json").status_code == 404
    assert (
        client_for(officer).post(url, body, content_type="application/json").json()["method"]
        == "cash"
    )
    rsu = family["household"].rsu_id
    url = f"/api/v1/payments/households/{rsu}/overpayments"
    bad = {"amount": "12.345", "reason": "paid while abroad"}
    assert client_for(officer).post(url, bad, content_type="application/json").status_code == 422
    good = {"amount": "250.00", "reason": "paid while abroad"}
    assert client_for(outsider).post(url, good, content_type="application/json").status_code == 404
    assert client_for(officer).post(url, good, content_type="application/json").status_code == 201
    assert Overpayment.objects.get().amount == Decimal("250.00")
