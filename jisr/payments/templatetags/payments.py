"""`{% household_payments household %}`: the payments block of the household page."""

from __future__ import annotations

from typing import Any

from django import template

from jisr.accounts.roles import VIEW_PAYMENTS
from jisr.core import access
from jisr.payments import selectors

register = template.Library()
SHOWN = 12


@register.inclusion_tag("payments/household_payments.html", takes_context=True)
def household_payments(context: dict[str, Any], household: Any) -> dict[str, Any]:
    user = context["request"].user
    if not access.has_action(user, VIEW_PAYMENTS):
        return {"allowed": False}
    lines = list(selectors.household_payments(user=user, household=household)[:SHOWN])
    return {"allowed": True, "lines": lines}
