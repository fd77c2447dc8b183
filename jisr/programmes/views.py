"""The programmes' pages: the programmes and their enrolments, a household's explanation for a
month, and the enrolment actions (suspend for an investigation, resume, end)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jisr.core.errors import DomainError
from jisr.programmes import selectors, services
from jisr.rules import text


@login_required
def household_explain(request: HttpRequest, rsu_id: str, month: str) -> HttpResponse:
    wanted = request.GET.get("month")
    if wanted and wanted != month:
        return redirect("programmes:household_explain", rsu_id=rsu_id, month=wanted)
    result = selectors.household_explain(user=request.user, rsu_id=rsu_id, month=month)
    language = (get_language() or "ar")[:2]
    context = {
        "rsu_id": rsu_id,
        "month": month,
        "result": result,
        "text": text.render(result, language if language in text.LANGUAGES else "en"),
    }
    return render(request, "programmes/household_explain.html", context)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    summary = selectors.programme_summary(user=request.user)
    return render(request, "programmes/overview.html", {"programmes": summary})


ENROLMENT_ACTIONS = {
    "suspend": (services.enrolment_suspend, _("Suspended for an investigation.")),
    "resume": (services.enrolment_resume, _("Resumed.")),
    "end": (services.enrolment_end, _("Enrolment ended.")),
}


@login_required
@require_POST
def enrolment_action(request: HttpRequest, enrolment_id: int, action: str) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, enrolment_id=enrolment_id)
    if action not in ENROLMENT_ACTIONS:
        return redirect("registry:household_detail", rsu_id=enrolment.household.rsu_id)
    service, done = ENROLMENT_ACTIONS[action]
    try:
        service(actor=request.user, enrolment=enrolment, note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, str(error.text))
    else:
        messages.success(request, str(done))
    return redirect("registry:household_detail", rsu_id=enrolment.household.rsu_id)
