"""The social worker's caseload (their dashboard), the list of the cases one may see, and opening a
case for a household."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jisr.accounts.roles import ASSIGN_CASE, CHANGE_CASE
from jisr.casework import forms as f
from jisr.casework import selectors, services
from jisr.casework.models import CaseStatus
from jisr.casework.views._common import Done, carry_out, parsed, user_of
from jisr.core import access


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """Social workers and supervisors: their dashboard; auditors: the cases in their scope."""
    user = user_of(request)
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
    cases = selectors.case_list_visible(user=user_of(request), status=status)
    context = {"cases": cases, "status": status, "statuses": CaseStatus.choices}
    return render(request, "casework/case_list.html", context)


@login_required
def case_open(request: HttpRequest) -> HttpResponse:
    """Open a case for a household (from its page, or from an outreach item on the caseload)."""
    user = user_of(request)
    data = request.POST if request.method == "POST" else None
    rsu_id = (request.POST if data is not None else request.GET).get("household", "")
    opening = selectors.case_opening(user=user, rsu_id=rsu_id)
    form = f.CaseOpenForm(data, members=opening.members, initial={"household": rsu_id})

    def step() -> Done:
        parsed(form)
        item = form.cleaned_data["outreach"]
        case = services.case_open(
            actor=user,
            household=opening.household,
            person=opening.member(form.cleaned_data["person"]),
            source=form.cleaned_data["source"],
            summary=form.cleaned_data["summary"],
            outreach=selectors.outreach_item_get(user=user, item_id=item) if item else None,
        )
        return Done(
            _("Case %s opened.") % case.reference,
            then=reverse("casework:case_page", kwargs={"case_id": case.pk}),
        )

    if data is not None and (done := carry_out(request, step)) is not None:
        return redirect(done.then)
    return render(request, "casework/case_open.html", {"opening": opening, "form": form})
