"""The supervisor's team (each worker's load, the cases waiting for a decision) and outreach: the
households of the area to visit, found from the registry, assigned to the team or dismissed; a
social worker sees the items assigned to them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jisr.accounts.models import User
from jisr.accounts.roles import APPROVE_CASE, ASSIGN_CASE
from jisr.casework import selectors, services
from jisr.casework.models import OutreachKind, OutreachStatus
from jisr.casework.views._common import Done, carry_out, user_of
from jisr.core import access
from jisr.core.errors import InvalidInput, NotFound
from jisr.workforce.models import Language


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
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
    user = user_of(request)
    can_assign = access.has_action(user, ASSIGN_CASE)
    default = OutreachStatus.OPEN if can_assign else OutreachStatus.ASSIGNED
    status = request.GET.get("status", default)
    status = status if status in OutreachStatus.values else default
    kind = request.GET.get("kind", "")
    kind = kind if kind in OutreachKind.values else ""
    context = {
        "items": selectors.outreach_page(user=user, status=status, kind=kind),
        "status": status,
        "kind": kind,
        "statuses": OutreachStatus.choices,
        "kinds": OutreachKind.choices,
        "worker_languages": Language.choices,
        "can_assign": can_assign,
    }
    return render(request, "casework/outreach.html", context)


def _build(request: HttpRequest, user: User) -> Done:
    job = services.outreach_request(actor=user)
    return Done(
        _("Looking for households to visit in your area: the list fills in when it is done."),
        then=reverse("job_detail", kwargs={"job_id": job.pk}),
    )


def _assign(request: HttpRequest, user: User) -> Done:
    items = [int(i) for i in request.POST.getlist("items") if i.isdigit()]
    if not items:
        raise InvalidInput(_("Tick the households to assign."), field="items")
    assigned = services.outreach_assign(
        actor=user, items=items, language=request.POST.get("language", "")
    )
    count = len(assigned)
    return Done(
        ngettext(
            "%d household assigned to your team.", "%d households assigned to your team.", count
        )
        % count
    )


@login_required
@require_POST
def outreach_action(request: HttpRequest, action: str) -> HttpResponse:
    """build (find households to visit), assign (the ticked items, to the team)."""
    user = user_of(request)
    handler = {"build": _build, "assign": _assign}.get(action)
    if handler is None:
        raise NotFound()
    done = carry_out(request, lambda: handler(request, user))
    return redirect(done.then if done is not None and done.then else "casework:outreach")


@login_required
@require_POST
def outreach_dismiss(request: HttpRequest, item_id: int) -> HttpResponse:
    user = user_of(request)
    item = selectors.outreach_item_get(user=user, item_id=item_id)

    def dismiss() -> Done:
        services.outreach_dismiss(actor=user, item=item, reason=request.POST.get("reason", ""))
        return Done(_("No case needed: the household is taken off the list."))

    carry_out(request, dismiss)
    if request.POST.get("then") == "caseload":
        return redirect("casework:caseload")
    return redirect("casework:outreach")
