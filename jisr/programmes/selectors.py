"""Reads of eligibility decisions and explanations, scoped like the registry, reads audited."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jisr.accounts.roles import VIEW_DECISION
from jisr.core import access, audit
from jisr.core.errors import AccessDenied, InvalidInput
from jisr.programmes.models import EligibilityDecision
from jisr.registry import selectors as registry_selectors
from jisr.registry import snapshot
from jisr.registry.models import Household
from jisr.rules.explain import explain
from jisr.rules.params import Parameters
from jisr.rules.periods import Month
from jisr.rules.variables import build


def _require_decisions(user: object) -> None:
    if not access.has_action(user, VIEW_DECISION):
        raise AccessDenied(permission=VIEW_DECISION)


def household_decisions(*, user: object, household: Household) -> QuerySet[EligibilityDecision]:
    """The decisions of a household the caller has already been allowed to see."""
    _require_decisions(user)
    return EligibilityDecision.objects.filter(household=household).order_by("-month", "programme")


def decision_list(
    *, user: object, month: str = "", programme: str = "", eligible: bool | None = None
) -> QuerySet[EligibilityDecision]:
    """Decisions of the households in the caller's scope."""
    _require_decisions(user)
    households = registry_selectors.household_list(user=user).values("pk")
    decisions = EligibilityDecision.objects.filter(household__in=households)
    if month:
        decisions = decisions.filter(month=month)
    if programme:
        decisions = decisions.filter(programme=programme)
    if eligible is not None:
        decisions = decisions.filter(eligible=eligible)
    return decisions.select_related("household").order_by(
        "-month", "household__rsu_id", "programme"
    )


def household_explain(*, user: object, rsu_id: str, month: str) -> dict[str, Any]:
    """Explain a registry household's month from its current data (scoped: NotFound outside)."""
    _require_decisions(user)
    try:
        period = Month.parse(month)
    except ValueError as error:
        raise InvalidInput(_("Not a month (YYYY-MM): %s") % month, month=month) from error
    detail = registry_selectors.household_get(user=user, rsu_id=rsu_id)  # scoped and audited
    households, persons = snapshot.households_on(period.reference_day, [detail.household.pk])
    if not households.height or not persons.height:
        raise InvalidInput(_("This household has no members to assess."), household=rsu_id)
    result = explain(build(), Parameters.load(), period, households, persons)
    audit.read(actor=user, action="programmes.household_explained", target=detail.household)
    return result
