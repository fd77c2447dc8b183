"""Casework API: cases (with their assessments, plans, referrals, consent, visits, transfers),
partner referrals, outreach. `GET /cases/` lists what the caller may see; `GET /cases/{id}` is 404
for anyone else. Every case read lands in the case's access log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jisr.accounts.api import api_user
from jisr.casework import access, selectors, services
from jisr.casework.models import CarePlan, Case, Consent, Referral, Transfer
from jisr.core.api import JobOut, job_accepted
from jisr.core.errors import InvalidInput, NotFound

router = Router(tags=["casework"])


class CaseOut(Schema):
    id: int
    reference: str
    household: str
    status: str
    source: str
    summary: str
    owner: str
    opened_at: dt.datetime
    region: str
    commune: str

    @classmethod
    def of(cls, case: Case) -> CaseOut:
        return cls(
            id=case.pk,
            reference=case.reference,
            household=case.household.rsu_id,
            status=case.status,
            source=case.source,
            summary=case.summary,
            owner=case.owner.get_username(),
            opened_at=case.opened_at,
            region=case.region_code,
            commune=case.commune_code,
        )


class CaseIn(Schema):
    household: str  # RSU id
    person: str | None = None  # RNP id
    source: str
    summary: str
    outreach: int | None = None


class AssessmentIn(Schema):
    ratings: dict[str, dict[str, str]]


class PlanIn(Schema):
    goals: list[str]
    actions: list[dict[str, Any]]
    review_date: dt.date


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class ConsentIn(Schema):
    given_by: str
    purpose: str
    scope: str
    fields: list[str]
    given_on: dt.date
    expires_on: dt.date | None = None
    recipients: list[uuid.UUID] = []


class ReferralIn(Schema):
    service: uuid.UUID
    reason: str
    override_reason: str = ""


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


class OutcomeIn(Schema):
    outcome: str


class VisitIn(Schema):
    kind: str
    visited_on: dt.date
    next_due: dt.date | None = None
    note: str = ""


class TransferIn(Schema):
    to_user: str
    reason: str


class ClosureIn(Schema):
    outcome: str
    note: str


class TextIn(Schema):
    text: str


class AssignIn(Schema):
    items: list[int]
    language: str = ""


def _case(request: HttpRequest, case_id: int) -> Case:
    """The case, if the caller may see it (404 otherwise); services check the action."""
    return selectors.case_get(user=api_user(request), case_id=case_id)


def _detail(detail: selectors.CaseDetail) -> dict[str, Any]:
    case = detail.case
    return {
        **CaseOut.of(case).dict(),
        "relation": detail.relation,
        "timeline": [
            {"kind": e.kind, "at": e.at, "actor": e.actor.get_username(), "detail": e.detail}
            for e in detail.timeline
        ],
        "assessments": [
            {"id": a.pk, "ratings": a.ratings, "benefits": a.benefits, "assessed_at": a.assessed_at}
            for a in detail.assessments
        ],
        "plans": [
            {
                "id": p.pk,
                "status": p.status,
                "goals": p.goals,
                "actions": p.actions,
                "review_date": p.review_date,
            }
            for p in detail.plans
        ],
        "referrals": [
            {
                "id": r.pk,
                "service": str(r.service_id),
                "status": r.status,
                "override": bool(r.override_reason),
            }
            for r in detail.referrals
        ],
        "consents": [
            {
                "id": c.pk,
                "scope": c.scope,
                "fields": c.fields,
                "given_on": c.given_on,
                "expires_on": c.expires_on,
                "withdrawn_on": c.withdrawn_on,
            }
            for c in detail.consents
        ],
        "visits": [
            {"kind": v.kind, "visited_on": v.visited_on, "next_due": v.next_due}
            for v in detail.visits
        ],
        "notes": [
            {"author": n["author"].get_username(), "written_at": n["written_at"], "text": n["text"]}
            for n in detail.notes
        ],
    }


@router.get("/cases/", response=list[CaseOut])
def case_list(
    request: HttpRequest, status: str = "", limit: int = 100, offset: int = 0
) -> list[CaseOut]:
    return [
        CaseOut.of(c)
        for c in selectors.case_list(
            user=api_user(request), status=status, limit=limit, offset=offset
        )
    ]


@router.post("/cases/", response={201: CaseOut})
def case_open(request: HttpRequest, body: CaseIn) -> Status[CaseOut]:
    user = api_user(request)
    # The household and its current members, as the web page's form finds them.
    opening = selectors.case_opening(user=user, rsu_id=body.household)
    person = opening.member(body.person or "")
    household = opening.household
    outreach = None
    if body.outreach is not None:
        outreach = selectors.outreach_item_get(user=user, item_id=body.outreach)
    case = services.case_open(
        actor=user,
        household=household,
        person=person,
        source=body.source,
        summary=body.summary,
        outreach=outreach,
    )
    return Status(201, CaseOut.of(case))


@router.get("/cases/{case_id}")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _detail(selectors.case_detail(user=api_user(request), case_id=case_id, via="api"))


@router.get("/cases/{case_id}/access-log")
def case_access_log(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    log = selectors.case_access_log(user=api_user(request), case_id=case_id)[:500]
    return [
        {"user": a.user.get_username(), "action": a.action, "relation": a.relation, "at": a.at}
        for a in log
    ]


@router.post("/cases/{case_id}/assessments", response={201: dict[str, int]})
def assessment_record(
    request: HttpRequest, case_id: int, body: AssessmentIn
) -> Status[dict[str, int]]:
    a = services.assessment_record(
        actor=api_user(request), case=_case(request, case_id), ratings=body.ratings
    )
    return Status(201, {"id": a.pk})


@router.post("/cases/{case_id}/plans", response={201: dict[str, int]})
def plan_submit(request: HttpRequest, case_id: int, body: PlanIn) -> Status[dict[str, int]]:
    plan = services.plan_submit(
        actor=api_user(request),
        case=_case(request, case_id),
        goals=body.goals,
        actions=body.actions,
        review_date=body.review_date,
    )
    return Status(201, {"id": plan.pk})


@router.post("/plans/{plan_id}/decision")
def plan_decide(request: HttpRequest, plan_id: int, body: DecisionIn) -> dict[str, str]:
    plan = CarePlan.objects.filter(pk=plan_id).select_related("case").first()
    if plan is None:
        raise NotFound()
    _case(request, plan.case_id)
    plan = services.plan_decide(
        actor=api_user(request), plan=plan, approve=body.approve, note=body.note
    )
    return {"status": plan.status}


@router.post("/cases/{case_id}/consents", response={201: dict[str, int]})
def consent_record(request: HttpRequest, case_id: int, body: ConsentIn) -> Status[dict[str, int]]:
    from jisr.partners import selectors as partners

    recipients = list(partners.organizations_by_id(body.recipients))
    if len(recipients) != len(set(body.recipients)):
        raise InvalidInput(_("No such organisation in the directory."), field="recipients")
    consent = services.consent_record(
        actor=api_user(request),
        case=_case(request, case_id),
        given_by=body.given_by,
        purpose=body.purpose,
        scope=body.scope,
        fields=body.fields,
        given_on=body.given_on,
        expires_on=body.expires_on,
        recipients=recipients,
    )
    return Status(201, {"id": consent.pk})


@router.post("/consents/{consent_id}/withdraw")
def consent_withdraw(request: HttpRequest, consent_id: int) -> dict[str, str]:
    consent = Consent.objects.filter(pk=consent_id).first()
    if consent is None:
        raise NotFound()
    _case(request, consent.case_id)
    consent = services.consent_withdraw(actor=api_user(request), consent=consent)
    return {"withdrawn_on": str(consent.withdrawn_on)}


@router.post("/cases/{case_id}/referrals", response={201: dict[str, int]})
def referral_send(request: HttpRequest, case_id: int, body: ReferralIn) -> Status[dict[str, int]]:
    from jisr.partners import selectors as partners

    service = partners.service_get(service_id=body.service)
    referral = services.referral_send(
        actor=api_user(request),
        case=_case(request, case_id),
        service=service,
        reason=body.reason,
        override_reason=body.override_reason,
    )
    return Status(201, {"id": referral.pk})


@router.get("/referrals/")
def referral_inbox(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    """Partner staff: the referrals sent to their organisation (the limited view)."""
    return [
        selectors.referral_limited(r)
        for r in selectors.referral_inbox(user=api_user(request), status=status)
    ]


@router.get("/referrals/{referral_id}")
def referral_view(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return selectors.referral_view(user=api_user(request), referral_id=referral_id)


@router.post("/referrals/{referral_id}/answer")
def referral_answer(request: HttpRequest, referral_id: int, body: AnswerIn) -> dict[str, Any]:
    user = api_user(request)
    referral = access.referral_require(user, referral_id)
    done = services.referral_answer(
        actor=user, referral=referral, accept=body.accept, reason=body.reason
    )
    return selectors.referral_limited(done)


@router.post("/referrals/{referral_id}/complete")
def referral_complete(request: HttpRequest, referral_id: int, body: OutcomeIn) -> dict[str, Any]:
    user = api_user(request)
    referral = access.referral_require(user, referral_id)
    done = services.referral_complete(actor=user, referral=referral, outcome=body.outcome)
    return selectors.referral_limited(done)


@router.post("/referrals/{referral_id}/revoke")
def referral_revoke(request: HttpRequest, referral_id: int, body: TextIn) -> dict[str, str]:
    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    _case(request, referral.case_id)
    done = services.referral_revoke(actor=api_user(request), referral=referral, reason=body.text)
    return {"status": done.status}


@router.post("/cases/{case_id}/visits", response={201: dict[str, int]})
def visit_record(request: HttpRequest, case_id: int, body: VisitIn) -> Status[dict[str, int]]:
    visit = services.visit_record(
        actor=api_user(request),
        case=_case(request, case_id),
        kind=body.kind,
        visited_on=body.visited_on,
        next_due=body.next_due,
        note=body.note,
    )
    return Status(201, {"id": visit.pk})


@router.post("/cases/{case_id}/notes", response={201: dict[str, int]})
def note_add(request: HttpRequest, case_id: int, body: TextIn) -> Status[dict[str, int]]:
    note = services.note_add(actor=api_user(request), case=_case(request, case_id), text=body.text)
    return Status(201, {"id": note.pk})


@router.post("/cases/{case_id}/transfers", response={201: dict[str, int]})
def transfer_propose(
    request: HttpRequest, case_id: int, body: TransferIn
) -> Status[dict[str, int]]:
    to_user = get_user_model().objects.filter(username=body.to_user, is_active=True).first()
    if to_user is None:
        raise InvalidInput(_("No such user."), field="to_user")
    transfer = services.transfer_propose(
        actor=api_user(request), case=_case(request, case_id), to_user=to_user, reason=body.reason
    )
    return Status(201, {"id": transfer.pk})


@router.post("/transfers/{transfer_id}/answer")
def transfer_answer(request: HttpRequest, transfer_id: int, body: AnswerIn) -> dict[str, str]:
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFound()
    _case(request, transfer.case_id)
    done = services.transfer_answer(actor=api_user(request), transfer=transfer, accept=body.accept)
    return {"status": done.status}


@router.post("/cases/{case_id}/closure")
def closure_request(request: HttpRequest, case_id: int, body: ClosureIn) -> dict[str, str]:
    case = services.closure_request(
        actor=api_user(request), case=_case(request, case_id), outcome=body.outcome, note=body.note
    )
    return {"status": case.status}


@router.post("/cases/{case_id}/closure/decision")
def closure_decide(request: HttpRequest, case_id: int, body: DecisionIn) -> dict[str, str]:
    case = services.closure_decide(
        actor=api_user(request), case=_case(request, case_id), approve=body.approve, note=body.note
    )
    return {"status": case.status}


@router.post("/cases/{case_id}/reopen")
def case_reopen(request: HttpRequest, case_id: int, body: TextIn) -> dict[str, str]:
    case = services.case_reopen(
        actor=api_user(request), case=_case(request, case_id), reason=body.text
    )
    return {"status": case.status}


@router.get("/outreach/")
def outreach_list(
    request: HttpRequest, status: str = "open", kind: str = ""
) -> list[dict[str, Any]]:
    items = selectors.outreach_list(user=api_user(request), status=status, kind=kind)[:500]
    return [
        {
            "id": i.pk,
            "kind": i.kind,
            "household": i.household.rsu_id,
            "status": i.status,
            "commune": i.commune_code,
            "assigned_to": i.assigned_to.get_username() if i.assigned_to else None,
        }
        for i in items
    ]


@router.post("/outreach/build", response={202: JobOut})
def outreach_build(request: HttpRequest) -> Status[JobOut]:
    """Queue the building of the caller's area's outreach lists (a background job)."""
    job = services.outreach_request(actor=api_user(request))
    return job_accepted(job)


@router.post("/outreach/assign")
def outreach_assign(request: HttpRequest, body: AssignIn) -> dict[str, Any]:
    assigned = services.outreach_assign(
        actor=api_user(request), items=body.items, language=body.language
    )
    return {"assigned": {str(k): v for k, v in assigned.items()}}
