"""The forms a case page posts to `/cases/{id}/{action}/`: assessment, care plan (and its
decision), consent, referral, follow-up visit, note, transfer, closure (and its decision),
reopening. Each parses its form and calls its service, which checks who may do it at this step."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.casework import forms as f
from jisr.casework import selectors, services
from jisr.casework.models import Case
from jisr.casework.views._common import Done, carry_out, parsed, user_of
from jisr.core.errors import NotFound


def _assess(request: HttpRequest, case: Case) -> Done:
    form = parsed(f.AssessmentForm(request.POST))
    services.assessment_record(actor=user_of(request), case=case, ratings=form.ratings())
    return Done(_("Assessment recorded."))


def _plan(request: HttpRequest, case: Case) -> Done:
    user = user_of(request)
    offered = selectors.partner_services(user=user, case=case)
    form = parsed(f.PlanForm(request.POST, services=offered))
    services.plan_submit(
        actor=user,
        case=case,
        goals=form.goal_list(),
        actions=form.actions(),
        review_date=form.cleaned_data["review_date"],
    )
    return Done(_("Care plan submitted for the supervisor's approval."))


def _plan_decision(request: HttpRequest, case: Case) -> Done:
    form = parsed(f.DecisionForm(request.POST))
    plan = selectors.case_plan(case=case, plan_id=request.POST.get("plan"))
    approve = form.approves()
    services.plan_decide(
        actor=user_of(request), plan=plan, approve=approve, note=form.cleaned_data["note"]
    )
    return Done(_("Care plan approved.") if approve else _("Care plan sent back."))


def _consent(request: HttpRequest, case: Case) -> Done:
    user = user_of(request)
    offered = selectors.partner_services(user=user, case=case)
    organizations = {str(s.organization_id): s.organization for s in offered}
    form = parsed(f.ConsentForm(request.POST, organizations=organizations.values()))
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
    services.consent_withdraw(actor=user_of(request), consent=consent)
    return Done(_("Consent withdrawn."))


def _refer(request: HttpRequest, case: Case) -> Done:
    user = user_of(request)
    offered = {str(s.pk): s for s in selectors.partner_services(user=user, case=case)}
    form = parsed(f.ReferralForm(request.POST, services=offered.values()))
    service = offered[form.cleaned_data["service"]]
    services.referral_send(
        actor=user,
        case=case,
        service=service,
        reason=form.cleaned_data["reason"],
        override_reason=form.cleaned_data["override_reason"],
    )
    return Done(_("Referral sent to %s.") % service.organization.name)


def _referral_revoke(request: HttpRequest, case: Case) -> Done:
    form = parsed(f.ReasonForm(request.POST))
    referral = selectors.case_referral(case=case, referral_id=request.POST.get("referral"))
    services.referral_revoke(
        actor=user_of(request), referral=referral, reason=form.cleaned_data["reason"]
    )
    return Done(_("Referral revoked."))


def _visit(request: HttpRequest, case: Case) -> Done:
    data = parsed(f.VisitForm(request.POST)).cleaned_data
    services.visit_record(
        actor=user_of(request),
        case=case,
        kind=data["kind"],
        visited_on=data["visited_on"],
        next_due=data["next_due"],
        note=data["note"],
    )
    return Done(_("Visit recorded."))


def _note(request: HttpRequest, case: Case) -> Done:
    form = parsed(f.NoteForm(request.POST))
    services.note_add(actor=user_of(request), case=case, text=form.cleaned_data["text"])
    return Done(_("Note saved (encrypted)."))


def _transfer(request: HttpRequest, case: Case) -> Done:
    workers = {str(w.pk): w for w in selectors.transfer_candidates(case=case)}
    form = parsed(f.TransferForm(request.POST, workers=workers.values()))
    services.transfer_propose(
        actor=user_of(request),
        case=case,
        to_user=workers[form.cleaned_data["to_user"]],
        reason=form.cleaned_data["reason"],
    )
    return Done(_("Transfer proposed: the case moves when the other worker accepts."))


def _transfer_answer(request: HttpRequest, case: Case) -> Done:
    transfer = selectors.case_transfer(case=case, transfer_id=request.POST.get("transfer"))
    accept = parsed(f.AnswerForm(request.POST)).accepts()
    services.transfer_answer(actor=user_of(request), transfer=transfer, accept=accept)
    if accept:
        return Done(_("Transfer accepted: the case is yours."))
    return Done(_("Transfer declined."), then=reverse("casework:caseload"))


def _closure(request: HttpRequest, case: Case) -> Done:
    data = parsed(f.ClosureForm(request.POST)).cleaned_data
    services.closure_request(
        actor=user_of(request), case=case, outcome=data["outcome"], note=data["note"]
    )
    return Done(_("Closure requested: a supervisor will decide."))


def _closure_decision(request: HttpRequest, case: Case) -> Done:
    form = parsed(f.DecisionForm(request.POST))
    approve = form.approves()
    services.closure_decide(
        actor=user_of(request), case=case, approve=approve, note=form.cleaned_data["note"]
    )
    return Done(_("Case closed.") if approve else _("Closure refused: the case stays open."))


def _reopen(request: HttpRequest, case: Case) -> Done:
    form = parsed(f.ReasonForm(request.POST))
    services.case_reopen(actor=user_of(request), case=case, reason=form.cleaned_data["reason"])
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
    case = selectors.case_get(user=user_of(request), case_id=case_id)
    handler = CASE_ACTIONS.get(action)
    if handler is None:
        raise NotFound()
    done = carry_out(request, lambda: handler(request, case))
    if done is not None and done.then:
        return redirect(done.then)
    return redirect("casework:case_page", case_id=case.pk)
