"""Reads of eligibility decisions and explanations, scoped like the registry, reads audited."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from jisr.accounts.roles import VIEW_DECISION, VIEW_ENROLMENT
from jisr.core import access, audit
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.programmes.models import (
    EligibilityDecision,
    Enrolment,
    EnrolmentReason,
    EnrolmentStatus,
    Programme,
)
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


def _require_enrolments(user: object) -> None:
    if not access.has_action(user, VIEW_ENROLMENT):
        raise AccessDenied(permission=VIEW_ENROLMENT)


def household_enrolments(*, user: object, household: Household) -> QuerySet[Enrolment]:
    """The enrolments of a household the caller has already been allowed to see."""
    _require_enrolments(user)
    return Enrolment.objects.filter(household=household).select_related("beneficiary")


def household_enrolments_read(*, user: object, rsu_id: str) -> QuerySet[Enrolment]:
    """A household's enrolments by its RSU id (scoped, audited)."""
    _require_enrolments(user)
    return household_enrolments(user=user, household=_household_read(user, rsu_id))


def enrolment_get(*, user: object, enrolment_id: int) -> Enrolment:
    """One enrolment of a household in the caller's scope (NotFound otherwise)."""
    _require_enrolments(user)
    households = registry_selectors.household_list(user=user).values("pk")
    found = (
        Enrolment.objects.filter(pk=enrolment_id, household__in=households)
        .select_related("household", "beneficiary")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def programme_summary(*, user: object) -> list[dict[str, Any]]:
    """Per programme: enrolled households in the caller's scope by status and reason."""
    _require_enrolments(user)
    households = registry_selectors.household_list(user=user).values("pk")
    counts = (
        Enrolment.objects.filter(household__in=households)
        .values("programme", "status", "reason")
        .annotate(households=Count("pk"))
        .order_by()
    )
    summary: dict[str, dict[str, Any]] = {
        str(p): {
            "programme": str(p),
            "label": str(p.label),
            "total": 0,
            "by_status": {},
            "by_reason": {},
        }
        for p in Programme
    }
    for row in counts:
        entry = summary[row["programme"]]
        entry["total"] += row["households"]
        entry["by_status"][row["status"]] = (
            entry["by_status"].get(row["status"], 0) + row["households"]
        )
        if row["reason"]:
            entry["by_reason"][row["reason"]] = row["households"]
    for entry in summary.values():
        entry["active"] = entry["by_status"].get(str(EnrolmentStatus.ACTIVE), 0)
        entry["suspended"] = entry["by_status"].get(str(EnrolmentStatus.SUSPENDED), 0)
        entry["ended"] = entry["by_status"].get(str(EnrolmentStatus.ENDED), 0)
        entry["reasons"] = [
            (str(EnrolmentReason(reason).label), count)
            for reason, count in sorted(entry["by_reason"].items())
        ]
    return list(summary.values())


def household_benefits(*, household: Household) -> dict[str, Any]:
    """The household's latest month of decisions and its enrolments, as other apps record them (a
    social worker's assessment); the caller has already been allowed to see the household."""
    latest = (
        EligibilityDecision.objects.filter(household=household)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    decisions = {
        d.programme: {"eligible": d.eligible, "amount": str(d.amount)}
        for d in EligibilityDecision.objects.filter(household=household, month=latest or "")
    }
    enrolments = {
        e.programme: {"status": e.status, "reason": e.reason}
        for e in Enrolment.objects.filter(household=household)
    }
    return {"month": latest, "decisions": decisions, "enrolments": enrolments}


def unclaimed_households(*, scope: access.Scope | None = None) -> list[tuple[int, str, str]]:
    """(household id, region, commune) of the ASD enrolments suspended because payments went
    unclaimed month after month (casework's outreach visits them); all, or those in `scope`."""
    enrolments = Enrolment.objects.filter(
        programme=Programme.ASD, status=EnrolmentStatus.SUSPENDED, reason=EnrolmentReason.UNCLAIMED
    )
    if scope is not None:
        enrolments = enrolments.filter(
            scope.q(region_field="household__region_id", commune_field="household__commune_id")
        )
    return list(
        enrolments.values_list("household_id", "household__region_id", "household__commune_id")
    )
