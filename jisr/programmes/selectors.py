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
from jisr.rules.population import InputError, from_json
from jisr.rules.variables import build


def _require_decisions(user: object) -> None:
    if not access.has_action(user, VIEW_DECISION):
        raise AccessDenied(permission=VIEW_DECISION)


def month_parse(text: str) -> Month:
    """`YYYY-MM` → Month, or InvalidInput naming it."""
    try:
        return Month.parse(text)
    except ValueError:
        raise InvalidInput(_("Not a month (YYYY-MM): %s") % text, month=text) from None


def _household_read(user: object, rsu_id: str) -> Household:
    """The household in the user's scope (NotFound outside), its read audited."""
    household = registry_selectors.household_in_scope(user=user, rsu_id=rsu_id)
    audit.read(actor=user, action="registry.household_viewed", target=household)
    return household


def household_decisions(*, user: object, household: Household) -> QuerySet[EligibilityDecision]:
    """The decisions of a household the caller has already been allowed to see."""
    _require_decisions(user)
    return EligibilityDecision.objects.filter(household=household).order_by("-month", "programme")


def household_decisions_read(*, user: object, rsu_id: str) -> QuerySet[EligibilityDecision]:
    """A household's decisions by its RSU id (scoped, audited)."""
    _require_decisions(user)
    return household_decisions(user=user, household=_household_read(user, rsu_id))


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
    period = month_parse(month)
    household = _household_read(user, rsu_id)
    households, persons = snapshot.households_on(period.reference_day, [household.pk])
    if not households.height or not persons.height:
        raise InvalidInput(_("This household has no members to assess."), household=rsu_id)
    result = explain(build(), Parameters.load(), period, households, persons)
    audit.read(actor=user, action="programmes.household_explained", target=household)
    return result


def posted_explain(*, user: object, data: Any) -> dict[str, Any]:
    """Explain a household given in the `jisr rules explain` JSON contract (nothing stored, no
    registry record read)."""
    _require_decisions(user)
    if not isinstance(data, dict):
        raise InvalidInput(_("The body is not a JSON object."), field="body")
    month = month_parse(str(data.get("month") or ""))
    try:
        households, persons = from_json(data)
    except InputError as error:
        raise InvalidInput(str(error), field=error.field) from None
    return explain(build(), Parameters.load(), month, households, persons)
