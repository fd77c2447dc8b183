"""The workforce's pages: the worker list, a profile (with its accreditation, training and
supervision forms for whoever may use them), my profile, expiring accreditations, indicators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts.roles import MANAGE_WORKFORCE, RECORD_SUPERVISION
from jisr.core import access
from jisr.core.errors import DomainError, InvalidInput
from jisr.geo.selectors import region_list
from jisr.workforce import selectors, services
from jisr.workforce.models import AccreditationState, SocialWorker
from jisr.workforce.selectors import EXPIRY_WARNING_DAYS


@login_required
def worker_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    region = request.GET.get("region", "")
    q = request.GET.get("q", "").strip()
    profiles = selectors.profile_list(user=request.user, status=status, region=region, q=q)
    context = {
        "page": Paginator(profiles, 50).get_page(request.GET.get("page")),
        "statuses": AccreditationState.choices,
        "regions": region_list(),
        "status": status,
        "region": region,
        "q": q,
        "today": timezone.localdate(),
        "can_manage": access.has_action(request.user, MANAGE_WORKFORCE),
    }
    return render(request, "workforce/worker_list.html", context)


def _profile_context(request: HttpRequest, worker: SocialWorker) -> dict[str, Any]:
    user = request.user
    year = timezone.localdate().year
    own = worker.user_id == user.pk
    can_manage = not own and access.has_action(user, MANAGE_WORKFORCE)
    # The template names each held diploma: one query for them all, not one per diploma.
    prefetch_related_objects([worker], "diplomas__diploma")
    return {
        "worker": worker,
        "own": own,
        "accreditation": selectors.profile_accreditation(worker=worker),
        "year": year,
        "training": selectors.training_records(worker=worker, year=year),
        "training_hours": selectors.training_hours(worker=worker, year=year),
        "sessions": selectors.supervision_sessions(worker=worker)[:20],
        "can_manage": can_manage,
        "can_add_training": own or can_manage,
        "can_supervise": worker.supervisor_id == user.pk
        and access.has_action(user, RECORD_SUPERVISION),
        "today": timezone.localdate(),
    }


@login_required
def worker_detail(request: HttpRequest, profile_id: int) -> HttpResponse:
    worker = selectors.profile_get(user=request.user, profile_id=profile_id)
    return render(request, "workforce/profile.html", _profile_context(request, worker))


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    worker = selectors.my_profile(user=request.user)
    if worker is None:
        return render(request, "workforce/no_profile.html")
    return render(request, "workforce/profile.html", _profile_context(request, worker))


def _parse_date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("Not a date (YYYY-MM-DD): %s") % text, field=name) from None


def _required_date(request: HttpRequest, name: str) -> dt.date:
    return _parse_date(request.POST.get(name, "").strip(), name)


def _optional_date(request: HttpRequest, name: str) -> dt.date | None:
    text = request.POST.get(name, "").strip()
    return _parse_date(text, name) if text else None


def _grant(request: HttpRequest, worker: SocialWorker) -> SocialWorker:
    return services.accreditation_grant(
        actor=request.user,
        worker=worker,
        number=request.POST.get("number", ""),
        valid_from=_required_date(request, "valid_from"),
        valid_until=_required_date(request, "valid_until"),
        authority=request.POST.get("authority", ""),
        reason=request.POST.get("reason", ""),
    )


def _renew(request: HttpRequest, worker: SocialWorker) -> SocialWorker:
    return services.accreditation_renew(
        actor=request.user,
        worker=worker,
        valid_until=_required_date(request, "valid_until"),
        valid_from=_optional_date(request, "valid_from"),
        number=request.POST.get("number", ""),
        reason=request.POST.get("reason", ""),
    )


ACCREDITATION_ACTIONS: dict[str, Callable[[HttpRequest, SocialWorker], SocialWorker]] = {
    "grant": _grant,
    "renew": _renew,
    "suspend": lambda request, worker: services.accreditation_suspend(
        actor=request.user, worker=worker, reason=request.POST.get("reason", "")
    ),
    "reinstate": lambda request, worker: services.accreditation_reinstate(
        actor=request.user, worker=worker, reason=request.POST.get("reason", "")
    ),
}


def _carry_out(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error.text))
    else:
        messages.success(request, done)


@login_required
@require_POST
def accreditation_action(request: HttpRequest, profile_id: int, action: str) -> HttpResponse:
    worker = selectors.profile_get(
        user=request.user, profile_id=profile_id, permission=MANAGE_WORKFORCE, for_change=True
    )
    change = ACCREDITATION_ACTIONS.get(action)
    if change is not None:
        _carry_out(request, lambda: change(request, worker), _("Accreditation updated."))
    return redirect("workforce:worker_detail", profile_id=worker.pk)


def _back_to(request: HttpRequest, worker: SocialWorker) -> HttpResponse:
    if worker.user_id == request.user.pk:
        return redirect("workforce:my_profile")
    return redirect("workforce:worker_detail", profile_id=worker.pk)


@login_required
@require_POST
def training_add(request: HttpRequest, profile_id: int) -> HttpResponse:
    worker = selectors.profile_get(
        user=request.user, profile_id=profile_id, permission=MANAGE_WORKFORCE, for_change=True
    )
    _carry_out(
        request,
        lambda: services.training_record_add(
            actor=request.user,
            worker=worker,
            date=_required_date(request, "date"),
            title=request.POST.get("title", ""),
            hours=request.POST.get("hours", ""),
            provider=request.POST.get("provider", ""),
        ),
        _("Training recorded."),
    )
    return _back_to(request, worker)


def _count(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise InvalidInput(_("Not a whole number."), field=name) from None


@login_required
@require_POST
def supervision_add(request: HttpRequest, profile_id: int) -> HttpResponse:
    worker = selectors.profile_get(
        user=request.user, profile_id=profile_id, permission=RECORD_SUPERVISION, for_change=True
    )
    _carry_out(
        request,
        lambda: services.supervision_session_record(
            actor=request.user,
            worker=worker,
            date=_required_date(request, "date"),
            cases_reviewed=_count(request, "cases_reviewed"),
            notes=request.POST.get("notes", ""),
        ),
        _("Supervision session recorded."),
    )
    return _back_to(request, worker)


@login_required
def expiring(request: HttpRequest) -> HttpResponse:
    try:
        days = min(max(int(request.GET.get("days", EXPIRY_WARNING_DAYS)), 1), 366)
    except ValueError:
        days = EXPIRY_WARNING_DAYS
    today = timezone.localdate()
    profiles = selectors.expiring_for(user=request.user, days=days, on=today)
    rows = [(w, (w.accreditation_valid_until - today).days) for w in profiles]  # type: ignore[operator]
    context = {"rows": rows, "days": days, "today": today}
    return render(request, "workforce/expiring.html", context)


@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    rows = selectors.indicators(user=request.user, year=year)
    context = {"regions": rows[:-1], "national": rows[-1], "year": year}
    return render(request, "workforce/indicators.html", context)
