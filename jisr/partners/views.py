"""The partners' pages: the service directory (search by commune, words, age) and its HSDS JSON
download, an organisation with its services and agreements, a service, a new agreement, an
agreement with its tranches and overdue reports (and the managers' steps: drafting it, signing it,
each tranche's release, closing it), and the partner staff's output report form. Thin: selectors
read, services decide."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jisr.accounts.roles import MANAGE_AGREEMENTS, SUBMIT_PARTNER_REPORT
from jisr.core import access
from jisr.core.errors import DomainError, InvalidInput, NotFound
from jisr.geo.selectors import commune_list
from jisr.partners import _access, selectors, services
from jisr.partners.forms import (
    ActivateForm,
    AgreementForm,
    CloseForm,
    DirectorySearchForm,
    IndicatorForm,
    PayForm,
    ReportDueForm,
    ReportForm,
    TrancheForm,
)
from jisr.partners.models import Agreement, AgreementStatus, ReportStatus, TrancheStatus
from jisr.web.errors import PAGE_REFUSALS
from jisr.workforce.models import Language

# HSDS schedules name days as iCalendar does (BYDAY): MO…SU, Django's weekdays 0…6.
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """Active services, searched by commune, words and the person's age (all of them at first)."""
    form = DirectorySearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    age = criteria.get("age")
    found: Any = []
    try:
        found = list(
            selectors.services_search(
                user=request.user,
                commune=(criteria.get("commune") or "").strip(),
                text=criteria.get("q") or "",
                eligibility={"age": age} if age is not None else None,
            ).prefetch_related("service_areas__commune", "service_areas__region")[:100]
        )
    except InvalidInput as error:
        form.add_error(None, str(error.text))
    context = {
        "form": form,
        "services": found,
        "communes": commune_list(),
        "organizations": selectors.organization_list(user=request.user)[:200],
    }
    return render(request, "partners/directory.html", context)


@login_required
def directory_export(request: HttpRequest) -> JsonResponse:
    """The whole directory as an HSDS 3.0 JSON file (what the API's `/partners/hsds` answers)."""
    documents = selectors.directory_hsds(user=request.user)
    response = JsonResponse(
        documents, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    name = f"jisr-directory-hsds-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _days(byday: str) -> str:
    """An HSDS schedule's days ("MO,TU,WE") in the page's language ("lun., mar., mer.")."""
    codes = [code.strip().upper() for code in byday.split(",") if code.strip()]
    return ", ".join(
        str(WEEKDAYS_ABBR[ICAL_DAYS.index(code)]) if code in ICAL_DAYS else code for code in codes
    )


@login_required
def service(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    found = selectors.service_detail(user=request.user, service_id=service_id)
    languages = dict(Language.choices)
    context = {
        "service": found,
        # Not "languages": the base template's language switch uses that name.
        "spoken": [
            language.name or languages.get(language.code, language.code)
            for language in found.languages.all()
        ],
        "schedules": [(schedule, _days(schedule.byday)) for schedule in found.schedules.all()],
    }
    return render(request, "partners/service.html", context)


@login_required
def organization(request: HttpRequest, organization_id: uuid.UUID) -> HttpResponse:
    user = request.user
    found = selectors.organization_get(user=user, organization_id=organization_id)
    context = {
        "organization": found,
        "services": selectors.organization_services(user=user, organization=found),
        "locations": found.locations.select_related("commune").order_by("name"),
        "phones": found.phones.order_by("number"),
        "agreements": selectors.agreement_list(user=user, organization=found),
        "can_draft": access.can(user, MANAGE_AGREEMENTS, found),
    }
    return render(request, "partners/organization.html", context)


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    agreements = list(selectors.agreement_list(user=request.user))
    overdue = Counter(
        selectors.overdue_reports(on=today, user=request.user).values_list(
            "agreement_id", flat=True
        )
    )
    rows = [(agreement, overdue.get(agreement.pk, 0)) for agreement in agreements]
    context = {
        "rows": rows,
        "today": today,
        "can_draft": access.has_action(request.user, MANAGE_AGREEMENTS),
    }
    return render(request, "partners/agreement_list.html", context)


def _show_error(form: forms.Form, error: DomainError) -> None:
    """A service's refusal against the field it names (the form's own errors otherwise)."""
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, str(error.text))


@login_required
def agreement_new(request: HttpRequest, organization_id: uuid.UUID | None = None) -> HttpResponse:
    """A new draft agreement with an organisation of the manager's scope (preselected when the
    manager comes from its page)."""
    user = request.user
    organizations = selectors.agreement_organizations(user=user)
    initial: dict[str, Any] = {}
    if organization_id is not None:
        initial["organization"] = organizations.filter(pk=organization_id).first()
        if initial["organization"] is None:
            raise NotFound(organization=str(organization_id))
    form = AgreementForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.agreement_create(actor=user, **form.cleaned_data)
        except PAGE_REFUSALS:
            raise
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("Draft agreement created: add its tranches."))
            return redirect("partners:agreement", agreement_id=created.pk)
    return render(request, "partners/agreement_form.html", {"form": form})


def _agreement_forms(
    request: HttpRequest, agreement: Agreement, bound: str = ""
) -> dict[str, forms.Form]:
    """The managers' forms on an agreement's page; `bound` is the one just posted."""

    def data(step: str) -> Any:
        return request.POST if step == bound else None

    tranches = agreement.tranches.order_by("number")
    offered = selectors.organization_services(
        user=request.user, organization=agreement.organization
    )
    return {
        "tranche": TrancheForm(data("tranche"), prefix="tranche"),
        "report": ReportDueForm(data("report"), prefix="report", tranches=tranches),
        "indicator": IndicatorForm(
            data("indicator"), prefix="indicator", tranches=tranches, services=offered
        ),
        "activate": ActivateForm(
            data("activate"), prefix="activate", initial={"signed_on": timezone.localdate()}
        ),
        "close": CloseForm(data("close"), prefix="close"),
    }


def _agreement_page(
    request: HttpRequest, agreement_id: int, step_forms: dict[str, forms.Form] | None = None
) -> HttpResponse:
    user = request.user
    detail = selectors.agreement_detail(user=user, agreement_id=agreement_id)
    found = detail["agreement"]
    may_manage = access.can(user, MANAGE_AGREEMENTS, found)
    context = {
        **detail,
        "today": timezone.localdate(),
        "can_draft": found.status == AgreementStatus.DRAFT and may_manage,
        "can_manage": found.status == AgreementStatus.ACTIVE and may_manage,
        "can_report": access.has_action(user, SUBMIT_PARTNER_REPORT)
        and _access.is_member(user, found.organization),
        "pay_form": PayForm(initial={"paid_on": timezone.localdate()}),
    }
    if may_manage:
        context["step_forms"] = step_forms or _agreement_forms(request, found)
    return render(request, "partners/agreement.html", context)


@login_required
def agreement(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _agreement_page(request, agreement_id)


AgreementStep = Callable[[Any, Agreement, dict[str, Any]], object]
# Each step's service (the form's fields are its arguments) and what to say once done.
AGREEMENT_STEPS: dict[str, tuple[AgreementStep, Promise]] = {
    "tranche": (
        lambda user, agreement, data: services.tranche_add(actor=user, agreement=agreement, **data),
        gettext_lazy("Tranche added."),
    ),
    "report": (
        lambda user, agreement, data: services.report_due_add(
            actor=user, agreement=agreement, **data
        ),
        gettext_lazy("Report due added."),
    ),
    "indicator": (
        lambda user, agreement, data: services.indicator_add(actor=user, **data),
        gettext_lazy("Indicator added to the tranche."),
    ),
    "activate": (
        lambda user, agreement, data: services.agreement_activate(
            actor=user, agreement=agreement, **data
        ),
        gettext_lazy("Agreement signed: it is in force and its terms are fixed."),
    ),
    "close": (
        lambda user, agreement, data: services.agreement_close(
            actor=user, agreement=agreement, **data
        ),
        gettext_lazy("Agreement closed."),
    ),
}


@login_required
@require_POST
def agreement_step(request: HttpRequest, agreement_id: int, step: str) -> HttpResponse:
    """A manager's step on an agreement: a tranche, a report due or an indicator added to a
    draft, its signature, its closing. A refusal naming a field is shown against it in the
    posted form; any other (the agreement's status…) as a message."""
    if step not in AGREEMENT_STEPS:
        raise NotFound()
    found = selectors.agreement_to_manage(user=request.user, agreement_id=agreement_id)
    carry_out, done = AGREEMENT_STEPS[step]
    step_forms = _agreement_forms(request, found, bound=step)
    form = step_forms[step]
    if form.is_valid():
        try:
            carry_out(request.user, found, form.cleaned_data)
        except PAGE_REFUSALS:
            raise
        except DomainError as error:
            if error.details.get("field") not in form.fields:
                messages.error(request, str(error.text))
                return redirect("partners:agreement", agreement_id=found.pk)
            _show_error(form, error)
        else:
            messages.success(request, str(done))
            return redirect("partners:agreement", agreement_id=found.pk)
    messages.error(request, _("Nothing was saved: correct what the form shows."))
    return _agreement_page(request, found.pk, step_forms)


@login_required
@require_POST
def draft_item_remove(
    request: HttpRequest, agreement_id: int, kind: str, item_id: int
) -> HttpResponse:
    """Take back a tranche, a report due or an indicator of a draft agreement."""
    if kind not in services.DRAFT_ITEMS:
        raise NotFound()
    found = selectors.agreement_to_manage(user=request.user, agreement_id=agreement_id)
    try:
        services.draft_item_remove(actor=request.user, agreement=found, kind=kind, item_id=item_id)
    except PAGE_REFUSALS:
        raise
    except DomainError as error:
        messages.error(request, str(error.text))
    else:
        messages.success(request, _("Removed from the draft."))
    return redirect("partners:agreement", agreement_id=found.pk)


@login_required
@require_POST
def tranche_action(request: HttpRequest, tranche_id: int, action: str) -> HttpResponse:
    """conditions-met, pay, withhold."""
    user = request.user
    tranche = selectors.tranche_get(user=user, tranche_id=tranche_id)
    note = request.POST.get("note", "")
    try:
        if action == "conditions-met":
            services.tranche_conditions_meet(actor=user, tranche=tranche, note=note)
            messages.success(request, _("Conditions recorded as met."))
        elif action == "pay":
            form = PayForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the payment's date and reference."))
            else:
                services.tranche_pay(actor=user, tranche=tranche, **form.cleaned_data)
                messages.success(request, _("Payment recorded."))
        elif action == "withhold":
            services.tranche_withhold(actor=user, tranche=tranche, reason=note)
            messages.success(request, _("Tranche withheld."))
    except DomainError as error:
        messages.error(request, str(error.text))
    return redirect("partners:agreement", agreement_id=tranche.agreement_id)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports due that the user may write (partner staff) or follow (managers)."""
    today = timezone.localdate()
    states = [
        selectors.report_state(due=due, on=today)
        for due in selectors.reports_due(user=request.user)
    ]
    organization = selectors.user_organization(user=request.user)
    context = {"states": states, "organization": organization, "today": today}
    return render(request, "partners/report_list.html", context)


@login_required
def report_form(request: HttpRequest, due_id: int) -> HttpResponse:
    """The partner staff's report for a report due: saved as a draft, then submitted."""
    user = request.user
    due = selectors.report_due_get(user=user, due_id=due_id)
    report = selectors.output_report_for(due=due)
    organization = due.agreement.organization
    editable = (
        access.has_action(user, SUBMIT_PARTNER_REPORT)
        and _access.is_member(user, organization)
        and (report is None or report.status == ReportStatus.DRAFT)
        and due.agreement.status == AgreementStatus.ACTIVE
    )
    offered = selectors.organization_services(user=user, organization=organization)
    form = ReportForm(request.POST or None, services=offered, report=report)
    if request.method == "POST" and editable and form.is_valid():
        try:
            report = services.output_report_save(
                actor=user,
                due=due,
                people_served=form.cleaned_data["people_served"],
                delivered=form.delivered(),
                note=form.cleaned_data["note"],
            )
            if "submit" in request.POST:
                services.output_report_submit(actor=user, report=report)
                messages.success(request, _("Report submitted."))
            else:
                messages.success(request, _("Draft saved."))
        except DomainError as error:
            messages.error(request, str(error.text))
        else:
            return redirect("partners:report_form", due_id=due.pk)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    tranche = due.tranche
    context = {
        "due": due,
        "report": report,
        "form": form,
        "editable": editable,
        "can_return": report is not None
        and report.status == ReportStatus.SUBMITTED
        and access.can(user, MANAGE_AGREEMENTS, due.agreement)
        and (tranche is None or tranche.status in (TrancheStatus.PLANNED, TrancheStatus.WITHHELD)),
        "state": selectors.report_state(due=due, on=timezone.localdate()),
    }
    return render(request, "partners/report_form.html", context)


@login_required
@require_POST
def report_return(request: HttpRequest, report_id: int) -> HttpResponse:
    user = request.user
    report = selectors.output_report_get(user=user, report_id=report_id)
    try:
        services.output_report_return(
            actor=user, report=report, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Report returned to the organisation for correction."))
    except DomainError as error:
        messages.error(request, str(error.text))
    return redirect("partners:report_form", due_id=report.due_id)
