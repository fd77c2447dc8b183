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
    CaseStatus,
    ReferralStatus,
)
from jisr.casework.views._common import user_of


def _case_context(user: User, detail: selectors.CaseDetail) -> dict[str, Any]:
    """The case page's forms: only those the reader may use at the case's step."""
    case = detail.case
    steps = selectors.case_steps(user=user, detail=detail)
    offered = (
        selectors.partner_services(user=user, case=case) if steps.working or steps.may_refer else []
    )
    organizations = list({s.organization_id: s.organization for s in offered}.values())
    pending_transfer = steps.pending_transfer
    context: dict[str, Any] = {
        "detail": detail,
        "case": case,
        "latest": detail.assessments[0] if detail.assessments else None,
        "pending_plan": steps.pending_plan,
        "pending_transfer": pending_transfer,
        "is_receiver": pending_transfer is not None and pending_transfer.to_user_id == user.pk,
        "may_override": detail.may_override,
        "decide_plan": steps.decide_plan,
        "decide_closure": steps.decide_closure,
        "may_reopen": steps.may_reopen,
        "named_services": selectors.services_named(plans=detail.plans),
        "open_referrals": (ReferralStatus.PENDING, ReferralStatus.ACCEPTED),
    }
    if steps.working:
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
    if steps.may_refer:
        context["referral_form"] = f.ReferralForm(services=offered)
    if steps.may_transfer:
        context["transfer_form"] = f.TransferForm(workers=selectors.transfer_candidates(case=case))
    return context


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    detail = selectors.case_detail(user=user, case_id=case_id)
    return render(request, "casework/case.html", _case_context(user, detail))
