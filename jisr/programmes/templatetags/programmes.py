"""`{% household_decisions household %}`: the decisions block of the household page."""

from __future__ import annotations

from typing import Any

from django import template

from jisr.accounts.roles import MANAGE_ENROLMENT, VIEW_DECISION, VIEW_ENROLMENT
from jisr.core import access
from jisr.programmes import selectors

register = template.Library()
SHOWN_MONTHS = 6


@register.inclusion_tag("programmes/household_decisions.html", takes_context=True)
def household_decisions(context: dict[str, Any], household: Any) -> dict[str, Any]:
    user = context["request"].user
    if not access.has_action(user, VIEW_DECISION):
        return {"allowed": False}
    decisions = list(
        selectors.household_decisions(user=user, household=household)[: SHOWN_MONTHS * 3]
    )
    enrolments = None
    if access.has_action(user, VIEW_ENROLMENT):
        enrolments = list(selectors.household_enrolments(user=user, household=household))
    return {
        "allowed": True,
        "household": household,
        "decisions": decisions,
        "enrolments": enrolments,
        "can_manage": access.can(user, MANAGE_ENROLMENT, household),
        "csrf_token": context.get("csrf_token"),
    }
