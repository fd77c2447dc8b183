"""Programmes API: decisions, explanations (of a registry household or a posted one), and jobs that
compute decisions or simulate a reform. Scoped and audited like the registry."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jisr.accounts.api import api_user
from jisr.core.api import JobOut, job_accepted
from jisr.core.errors import InvalidInput
from jisr.programmes import selectors, services
from jisr.programmes.models import EligibilityDecision, Enrolment, Programme

router = Router(tags=["programmes"])
# The explain contract (docs/rules.md): documented in OpenAPI, parsed by jisr.rules.population.
EXPLAIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["month", "household"],
                    "properties": {
                        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                        "household": {
                            "type": "object",
                            "required": ["members"],
                            "properties": {
                                "index": {"type": "number"},
                                "milieu": {"enum": ["urban", "rural"]},
                                "registered_rnp": {"type": "boolean"},
                                "registered_rsu": {"type": "boolean"},
                                "members": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    },
                }
            }
        },
    }
}


class DecisionOut(Schema):
    household: str
    programme: Programme
    month: str
    eligible: bool
    amount: Decimal
    index_used: Decimal | None
    parameters_version: str
    source: str

    @classmethod
    def of(cls, decision: EligibilityDecision) -> DecisionOut:
        return cls(
            household=decision.household.rsu_id,
            programme=Programme(decision.programme),
            month=decision.month,
            eligible=decision.eligible,
            amount=decision.amount,
            index_used=decision.index_used,
            parameters_version=decision.parameters_version,
            source=decision.source,
        )


class EnrolmentOut(Schema):
    id: int
    household: str
    programme: Programme
    status: str
    reason: str
    start_month: str
    status_since: str
    last_month: str
    beneficiary: str | None  # RNP id of the person paid
    note: str

    @classmethod
    def of(cls, enrolment: Enrolment) -> EnrolmentOut:
        return cls(
            id=enrolment.pk,
            household=enrolment.household.rsu_id,
            programme=Programme(enrolment.programme),
            status=enrolment.status,
            reason=enrolment.reason,
            start_month=enrolment.start_month,
            status_since=enrolment.status_since,
            last_month=enrolment.last_month,
            beneficiary=enrolment.beneficiary.rnp_id if enrolment.beneficiary else None,
            note=enrolment.note,
        )


class NoteIn(Schema):
    note: str


class SimulationIn(Schema):
    month: str
    reform: str  # the reform file's YAML text


class RunIn(Schema):
    month: str
    flagged_only: bool = False


@router.get("/decisions/", response=list[DecisionOut])
def decision_list(
    request: HttpRequest,
    month: str = "",
    programme: str = "",
    eligible: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[DecisionOut]:
    decisions = selectors.decision_list(
        user=api_user(request), month=month, programme=programme, eligible=eligible
    )
    page = decisions[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 1000)]
    return [DecisionOut.of(d) for d in page]


@router.get("/households/{rsu_id}/decisions", response=list[DecisionOut])
def household_decisions(request: HttpRequest, rsu_id: str) -> list[DecisionOut]:
    decisions = selectors.household_decisions_read(user=api_user(request), rsu_id=rsu_id)
    return [DecisionOut.of(d) for d in decisions]


@router.get("/households/{rsu_id}/explain")
def household_explain(request: HttpRequest, rsu_id: str, month: str) -> dict[str, Any]:
    """The explanation of a registry household's month, from its current data."""
    return selectors.household_explain(user=api_user(request), rsu_id=rsu_id, month=month)


@router.post("/explain", openapi_extra=EXPLAIN_BODY)
def explain_posted(request: HttpRequest) -> dict[str, Any]:
    """Explain a household sent in the `jisr rules explain` JSON contract (nothing is stored)."""
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(_("The body is not JSON."), field="body") from None
    return selectors.posted_explain(user=api_user(request), data=body)


@router.post("/simulations", response={202: JobOut})
def simulation_start(request: HttpRequest, body: SimulationIn) -> Status[JobOut]:
    job = services.simulation_request(
        actor=api_user(request), month=body.month, reform_text=body.reform
    )
    return job_accepted(job)


@router.post("/runs", response={202: JobOut})
def run_start(request: HttpRequest, body: RunIn) -> Status[JobOut]:
    job = services.decisions_request(
        actor=api_user(request), month=body.month, flagged_only=body.flagged_only
    )
    return job_accepted(job)


@router.get("/")
def programme_summary(request: HttpRequest) -> list[dict[str, Any]]:
    """Each programme's enrolled households in the caller's scope, by status and reason."""
    return [
        {k: v for k, v in entry.items() if k != "reasons"}
        for entry in selectors.programme_summary(user=api_user(request))
    ]


@router.get("/households/{rsu_id}/enrolments", response=list[EnrolmentOut])
def household_enrolments(request: HttpRequest, rsu_id: str) -> list[EnrolmentOut]:
    enrolments = selectors.household_enrolments_read(user=api_user(request), rsu_id=rsu_id)
    return [EnrolmentOut.of(e) for e in enrolments.select_related("household")]


ENROLMENT_SERVICES = {
    "suspend": services.enrolment_suspend,
    "resume": services.enrolment_resume,
    "end": services.enrolment_end,
}


@router.post("/enrolments/{enrolment_id}/{action}", response=EnrolmentOut)
def enrolment_action(
    request: HttpRequest, enrolment_id: int, action: str, body: NoteIn
) -> EnrolmentOut:
    """`suspend` (for an investigation), `resume` (lift it) or `end`; `note` says why."""
    user = api_user(request)
    enrolment = selectors.enrolment_get(user=user, enrolment_id=enrolment_id)
    service = ENROLMENT_SERVICES.get(action)
    if service is None:
        raise InvalidInput(_("Unknown action: %s") % action, field="action")
    changed = service(actor=user, enrolment=enrolment, note=body.note)
    return EnrolmentOut.of(
        Enrolment.objects.select_related("household", "beneficiary").get(pk=changed.pk)
    )
