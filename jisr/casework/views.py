"""The casework pages: the social worker's caseload, a case (with the forms its reader may use), the
partner's referral inbox, the supervisor's team and outreach, opening a case for a household.

Thin: selectors read (and log every access to a case), services decide; a refused step shows the
service's own message. Whoever may not see a case gets 404, as from the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jisr.accounts.models import User
from jisr.accounts.roles import APPROVE_CASE, ASSIGN_CASE, CHANGE_CASE, HANDLE_REFERRAL
from jisr.casework import access as case_access
from jisr.casework import forms as f
from jisr.casework import selectors, services
from jisr.casework.models import (
    Case,
    CaseStatus,
    OutreachKind,
    OutreachStatus,
    PlanStatus,
    ReferralStatus,
    TransferStatus,
)
from jisr.core import access
from jisr.core.errors import AccessDenied, DomainError, InvalidInput, NotFound
from jisr.partners import selectors as partners
from jisr.workforce.models import Language

WORKING = (CaseStatus.INTAKE, CaseStatus.ASSESSMENT, CaseStatus.PLANNING, CaseStatus.ACTIVE)
FormT = TypeVar("FormT", bound=forms.Form)
# Refusals that become the 404 or 403 page (no such case for you; not yours to act on). The others
# (no consent, not accredited, the same approver…) are shown as the service's message.
REFUSALS = (NotFound, AccessDenied)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required lets only signed-in users here)
    return user


def _valid(form: FormT) -> FormT:
    """The form, parsed; a form error is refused like a service's (InvalidInput, its message)."""
    if not form.is_valid():
        raise InvalidInput(f.errors_text(form))
    return form


# --- The social worker's caseload, the list of cases ---------------------------------------------


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """Social workers and supervisors: their dashboard; auditors: the cases in their scope."""
    user = _user(request)
    if not access.has_action(user, CHANGE_CASE):
        return case_list(request)
    context = {
        "load": selectors.caseload(user=user),
        "can_assign": access.has_action(user, ASSIGN_CASE),
    }
    return render(request, "casework/caseload.html", context)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in CaseStatus.values else ""
    cases = selectors.case_list_visible(user=_user(request), status=status)
    context = {"cases": cases, "status": status, "statuses": CaseStatus.choices}
    return render(request, "casework/case_list.html", context)


@login_required
def case_open(request: HttpRequest) -> HttpResponse:
    """Open a case for a household (from its page, or from an outreach item on the caseload)."""
    user = _user(request)
    data = request.POST if request.method == "POST" else None
    rsu_id = (request.POST if data is not None else request.GET).get("household", "")
    opening = selectors.case_opening(user=user, rsu_id=rsu_id)
    form = f.CaseOpenForm(data, members=opening.members, initial={"household": rsu_id})
    if data is not None:
        try:
            _valid(form)
            chosen = selectors.case_opening(
                user=user, rsu_id=rsu_id, rnp_id=form.cleaned_data["person"]
            )
            item = form.cleaned_data["outreach"]
            case = services.case_open(
                actor=user,
                household=chosen.household,
                person=chosen.person,
                source=form.cleaned_data["source"],
                summary=form.cleaned_data["summary"],
                outreach=selectors.outreach_item_get(user=user, item_id=item) if item else None,
            )
        except DomainError as error:
            messages.error(request, str(error.text))
        else:
            messages.success(request, _("Case %s opened.") % case.reference)
            return redirect("casework:case_page", case_id=case.pk)
    return render(request, "casework/case_open.html", {"opening": opening, "form": form})


# --- A case ---------------------------------------------------------------------------------------


def _case_context(user: User, detail: selectors.CaseDetail) -> dict[str, Any]:
    """The case page's forms: only those the reader may use at the case's step."""
    case = detail.case
    may_override, may_assign = detail.may_override, detail.may_assign
    pending_plan = next((p for p in detail.plans if p.status == PlanStatus.SUBMITTED), None)
    approved_plan = next((p for p in detail.plans if p.status == PlanStatus.APPROVED), None)
    pending_transfer = next(
        (t for t in detail.transfers if t.status == TransferStatus.PROPOSED), None
    )
    working = detail.may_work and case.status in WORKING
    may_refer = (
        (detail.may_work or may_override)
        and case.status in (CaseStatus.PLANNING, CaseStatus.ACTIVE)
        and approved_plan is not None
    )
    offered = selectors.partner_services(user=user, case=case) if working or may_refer else []
    organizations = list({s.organization_id: s.organization for s in offered}.values())
    latest = detail.assessments[0] if detail.assessments else None
    context: dict[str, Any] = {
        "detail": detail,
        "case": case,
        "latest": latest,
        "pending_plan": pending_plan,
        "approved_plan": approved_plan,
        "pending_transfer": pending_transfer,
        "is_receiver": pending_transfer is not None and pending_transfer.to_user_id == user.pk,
        "may_override": may_override,
        "working": working,
        "decide_plan": detail.may_approve
        and pending_plan is not None
        and pending_plan.submitted_by_id != user.pk,
        "decide_closure": detail.may_approve
        and case.status == CaseStatus.CLOSING
        and case.owner_id != user.pk,
        "may_reopen": case.status == CaseStatus.CLOSED and (detail.may_work or may_assign),
        "may_transfer": (working or (may_assign and case.status in WORKING))
        and pending_transfer is None,
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
    if context["may_transfer"]:
        context["transfer_form"] = f.TransferForm(workers=selectors.transfer_candidates(case=case))
    return context


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    detail = selectors.case_detail(user=user, case_id=case_id)
    return render(request, "casework/case.html", _case_context(user, detail))


@dataclass(frozen=True)
class Done:
    message: str
    then: str = ""  # where to go next (default: back to the case)


def _assess(request: HttpRequest, case: Case) -> Done:
    form = _valid(f.AssessmentForm(request.POST))
    services.assessment_record(actor=_user(request), case=case, ratings=form.ratings())
    return Done(_("Assessment recorded."))


def _plan(request: HttpRequest, case: Case) -> Done:
    user = _user(request)
    offered = selectors.partner_services(user=user, case=case)
    form = _valid(f.PlanForm(request.POST, services=offered))
    services.plan_submit(
        actor=user,
        case=case,
        goals=form.goal_list(),
        actions=form.actions(),
        review_date=form.cleaned_data["review_date"],
    )
    return Done(_("Care plan submitted for the supervisor's approval."))


def _plan_decision(request: HttpRequest, case: Case) -> Done:
    form = _valid(f.DecisionForm(request.POST))
    plan = selectors.case_plan(case=case, plan_id=request.POST.get("plan"))
    approve = request.POST.get("decision") == "approve"
    services.plan_decide(
        actor=_user(request), plan=plan, approve=approve, note=form.cleaned_data["note"]
    )
    return Done(_("Care plan approved.") if approve else _("Care plan sent back."))


def _consent(request: HttpRequest, case: Case) -> Done:
    user = _user(request)
    offered = selectors.partner_services(user=user, case=case)
    organizations = {str(s.organization_id): s.organization for s in offered}
    form = _valid(f.ConsentForm(request.POST, organizations=organizations.values()))
    data = form.cleaned_data
    services.consent_record(
        actor=user,
        case=case,
        given_by=data["given_by"],
        purpose=data["purpose"],
        scope=data["scope"],
        fields=data["shared"],
        given_on=data["given_on"],
        expires_on=data["expires_on"],
        recipients=[organizations[pk] for pk in data["recipients"]],
    )
    return Done(_("Consent recorded."))


def _consent_withdraw(request: HttpRequest, case: Case) -> Done:
    consent = selectors.case_consent(case=case, consent_id=request.POST.get("consent"))
    services.consent_withdraw(actor=_user(request), consent=consent)
    return Done(_("Consent withdrawn."))


def _refer(request: HttpRequest, case: Case) -> Done:
    user = _user(request)
    form = _valid(
        f.ReferralForm(request.POST, services=selectors.partner_services(user=user, case=case))
    )
    service = partners.service_get(service_id=uuid.UUID(form.cleaned_data["service"]))
    services.referral_send(
        actor=user,
        case=case,
        service=service,
        reason=form.cleaned_data["reason"],
        override_reason=form.cleaned_data["override_reason"],
    )
    return Done(_("Referral sent to %s.") % service.organization.name)


def _referral_revoke(request: HttpRequest, case: Case) -> Done:
    form = _valid(f.ReasonForm(request.POST))
    referral = selectors.case_referral(case=case, referral_id=request.POST.get("referral"))
    services.referral_revoke(
        actor=_user(request), referral=referral, reason=form.cleaned_data["reason"]
    )
    return Done(_("Referral revoked."))


def _visit(request: HttpRequest, case: Case) -> Done:
    data = _valid(f.VisitForm(request.POST)).cleaned_data
    services.visit_record(
        actor=_user(request),
        case=case,
        kind=data["kind"],
        visited_on=data["visited_on"],
        next_due=data["next_due"],
        note=data["note"],
    )
    return Done(_("Visit recorded."))


def _note(request: HttpRequest, case: Case) -> Done:
    form = _valid(f.NoteForm(request.POST))
    services.note_add(actor=_user(request), case=case, text=form.cleaned_data["text"])
    return Done(_("Note saved (encrypted)."))


def _transfer(request: HttpRequest, case: Case) -> Done:
    workers = {str(w.pk): w for w in selectors.transfer_candidates(case=case)}
    form = _valid(f.TransferForm(request.POST, workers=workers.values()))
    services.transfer_propose(
        actor=_user(request),
        case=case,
        to_user=workers[form.cleaned_data["to_user"]],
        reason=form.cleaned_data["reason"],
    )
    return Done(_("Transfer proposed: the case moves when the other worker accepts."))


def _transfer_answer(request: HttpRequest, case: Case) -> Done:
    transfer = selectors.case_transfer(case=case, transfer_id=request.POST.get("transfer"))
    accept = request.POST.get("decision") == "accept"
    services.transfer_answer(actor=_user(request), transfer=transfer, accept=accept)
    if accept:
        return Done(_("Transfer accepted: the case is yours."))
    return Done(_("Transfer declined."), then=reverse("casework:caseload"))


def _closure(request: HttpRequest, case: Case) -> Done:
    data = _valid(f.ClosureForm(request.POST)).cleaned_data
    services.closure_request(
        actor=_user(request), case=case, outcome=data["outcome"], note=data["note"]
    )
    return Done(_("Closure requested: a supervisor will decide."))


def _closure_decision(request: HttpRequest, case: Case) -> Done:
    form = _valid(f.DecisionForm(request.POST))
    approve = request.POST.get("decision") == "approve"
    services.closure_decide(
        actor=_user(request), case=case, approve=approve, note=form.cleaned_data["note"]
    )
    return Done(_("Case closed.") if approve else _("Closure refused: the case stays open."))


def _reopen(request: HttpRequest, case: Case) -> Done:
    form = _valid(f.ReasonForm(request.POST))
    services.case_reopen(actor=_user(request), case=case, reason=form.cleaned_data["reason"])
    return Done(_("Case reopened."))


CASE_ACTIONS: dict[str, Callable[[HttpRequest, Case], Done]] = {
    "assess": _assess,
    "plan": _plan,
    "plan-decision": _plan_decision,
    "consent": _consent,
    "consent-withdraw": _consent_withdraw,
    "refer": _refer,
    "referral-revoke": _referral_revoke,
    "visit": _visit,
    "note": _note,
    "transfer": _transfer,
    "transfer-answer": _transfer_answer,
    "closure": _closure,
    "closure-decision": _closure_decision,
    "reopen": _reopen,
}


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    case = selectors.case_get(user=_user(request), case_id=case_id)
    handler = CASE_ACTIONS.get(action)
    if handler is None:
        raise NotFound()
    try:
        done = handler(request, case)
    except DomainError as error:
        if type(error) in REFUSALS:
            raise
        messages.error(request, str(error.text))
    else:
        messages.success(request, done.message)
        if done.then:
            return redirect(done.then)
    return redirect("casework:case_page", case_id=case.pk)


# --- The partner's referrals ----------------------------------------------------------------------


@login_required
def referral_inbox(request: HttpRequest) -> HttpResponse:
    """Partner staff: the referrals sent to their organisation, in the limited view only."""
    user = _user(request)
    if not access.has_action(user, HANDLE_REFERRAL):
        raise AccessDenied(permission=HANDLE_REFERRAL)
    status = request.GET.get("status", "")
    status = status if status in ReferralStatus.values else ""
    rows = [
        (selectors.referral_limited(r), r.service)
        for r in selectors.referral_inbox(user=user, status=status)
    ]
    context = {
        "rows": rows,
        "status": status,
        "statuses": ReferralStatus.choices,
        "organization": partners.user_organization(user=user),
    }
    return render(request, "casework/referral_inbox.html", context)


@login_required
def referral_page(request: HttpRequest, referral_id: int) -> HttpResponse:
    view = selectors.referral_view(user=_user(request), referral_id=referral_id)
    service = partners.service_get(service_id=uuid.UUID(view["service"]))
    return render(request, "casework/referral.html", {"referral": view, "service": service})


@login_required
@require_POST
def referral_action(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    """accept, reject (with a reason), complete (with the outcome)."""
    user = _user(request)
    referral = case_access.referral_require(user, referral_id)
    text = request.POST.get("text", "")
    try:
        if action == "accept":
            services.referral_answer(actor=user, referral=referral, accept=True)
            messages.success(request, _("Referral accepted."))
        elif action == "reject":
            services.referral_answer(actor=user, referral=referral, accept=False, reason=text)
            messages.success(request, _("Referral rejected."))
        elif action == "complete":
            services.referral_complete(actor=user, referral=referral, outcome=text)
            messages.success(request, _("Referral completed."))
        else:
            raise NotFound()
    except DomainError as error:
        if type(error) in REFUSALS:
            raise
        messages.error(request, str(error.text))
    return redirect("casework:referral_page", referral_id=referral_id)


# --- The supervisor's team and outreach -----------------------------------------------------------


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "members": selectors.team_view(user=user),
        "awaiting": selectors.awaiting_decision(user=user)
        if access.has_action(user, APPROVE_CASE)
        else [],
    }
    return render(request, "casework/team.html", context)


@login_required
def outreach(request: HttpRequest) -> HttpResponse:
    """Supervisors: the households of their area to visit (build, assign, dismiss); social workers:
    the items assigned to them."""
    user = _user(request)
    if not (access.has_action(user, ASSIGN_CASE) or access.has_action(user, CHANGE_CASE)):
        raise AccessDenied(permission=ASSIGN_CASE)
    can_assign = access.has_action(user, ASSIGN_CASE)
    default = OutreachStatus.OPEN if can_assign else OutreachStatus.ASSIGNED
    status = request.GET.get("status", default)
    status = status if status in OutreachStatus.values else default
    kind = request.GET.get("kind", "")
    kind = kind if kind in OutreachKind.values else ""
    items = selectors.outreach_list(user=user, status=status, kind=kind)[:300]
    context = {
        "items": items,
        "status": status,
        "kind": kind,
        "statuses": OutreachStatus.choices,
        "kinds": OutreachKind.choices,
        "worker_languages": Language.choices,
        "can_assign": can_assign,
    }
    return render(request, "casework/outreach.html", context)


@login_required
@require_POST
def outreach_action(request: HttpRequest, action: str) -> HttpResponse:
    """build (find households to visit), assign (the ticked items, to the team)."""
    user = _user(request)
    try:
        if action == "build":
            found = services.outreach_build(actor=user)
            added = found["added"]
            messages.success(
                request,
                ngettext("%d new household to visit.", "%d new households to visit.", added)
                % added,
            )
        elif action == "assign":
            items = [int(i) for i in request.POST.getlist("items") if i.isdigit()]
            if not items:
                raise InvalidInput(_("Tick the households to assign."), field="items")
            assigned = services.outreach_assign(
                actor=user, items=items, language=request.POST.get("language", "")
            )
            count = len(assigned)
            messages.success(
                request,
                ngettext(
                    "%d household assigned to your team.",
                    "%d households assigned to your team.",
                    count,
                )
                % count,
            )
        else:
            raise NotFound()
    except DomainError as error:
        if type(error) in REFUSALS:
            raise
        messages.error(request, str(error.text))
    return redirect("casework:outreach")


@login_required
@require_POST
def outreach_dismiss(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.outreach_item_get(user=user, item_id=item_id)
    try:
        services.outreach_dismiss(actor=user, item=item, reason=request.POST.get("reason", ""))
    except DomainError as error:
        if type(error) in REFUSALS:
            raise
        messages.error(request, str(error.text))
    else:
        messages.success(request, _("No case needed: the household is taken off the list."))
    if request.POST.get("then") == "caseload":
        return redirect("casework:caseload")
    return redirect("casework:outreach")
