"""A case's page: the record, its timeline, and the forms its reader may use at the case's step."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jisr.accounts.models import User
from jisr.casework import forms as f
from jisr.casework import selectors
from jisr.casework.models import (
    WORKING_STATUSES,
    CaseStatus,
    PlanStatus,
    ReferralStatus,
    TransferStatus,
)
from jisr.casework.views._common import user_of


def _case_context(user: User, detail: selectors.CaseDetail) -> dict[str, Any]:
    """The case page's forms: only those the reader may use at the case's step."""
    case = detail.case
    may_override, may_assign = detail.may_override, detail.may_assign
    pending_plan = next((p for p in detail.plans if p.status == PlanStatus.SUBMITTED), None)
    approved_plan = next((p for p in detail.plans if p.status == PlanStatus.APPROVED), None)
    pending_transfer = next(
        (t for t in detail.transfers if t.status == TransferStatus.PROPOSED), None
    )
    working = detail.may_work and case.status in WORKING_STATUSES
    may_refer = (
        (detail.may_work or may_override)
        and case.status in (CaseStatus.PLANNING, CaseStatus.ACTIVE)
        and approved_plan is not None
    )
    offered = selectors.partner_services(user=user, case=case) if working or may_refer else []
    organizations = list({s.organization_id: s.organization for s in offered}.values())
    latest = detail.assessments[0] if detail.assessments else None
    may_transfer = (
        working or (may_assign and case.status in WORKING_STATUSES)
    ) and pending_transfer is None
    context: dict[str, Any] = {
        "detail": detail,
        "case": case,
        "latest": latest,
        "pending_plan": pending_plan,
        "pending_transfer": pending_transfer,
        "is_receiver": pending_transfer is not None and pending_transfer.to_user_id == user.pk,
        "may_override": may_override,
        "decide_plan": detail.may_approve
        and pending_plan is not None
        and pending_plan.submitted_by_id != user.pk,
        "decide_closure": detail.may_approve
        and case.status == CaseStatus.CLOSING
        and case.owner_id != user.pk,
        "may_reopen": case.status == CaseStatus.CLOSED and (detail.may_work or may_assign),
        "named_services": selectors.services_named(plans=detail.plans),
        "open_referrals": (ReferralStatus.PENDING, ReferralStatus.ACCEPTED),
    }
    if working:
        context["forms"] = {
            "assessment": f.AssessmentForm(),
            "plan": f.PlanForm(services=offered)
            if case.status in (CaseStatus.PLANNING, CaseStatus.ACTIVE)
            else None,
            "consent": f.ConsentForm(organizations=organizations),
            "visit": f.VisitForm(),
            "closure": f.ClosureForm(),
        }
    if detail.may_work:
        context["note_form"] = f.NoteForm()
    if may_refer:
        context["referral_form"] = f.ReferralForm(services=offered)
    if may_transfer:
        context["transfer_form"] = f.TransferForm(workers=selectors.transfer_candidates(case=case))
    return context


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    detail = selectors.case_detail(user=user, case_id=case_id)
    return render(request, "casework/case.html", _case_context(user, detail))
