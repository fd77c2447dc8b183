"""The payment pages: cycles (list, page with totals and the steps the user's role allows), files
to download, return uploads; a household's payments on its page (template tag)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts.roles import (
    APPROVE_PAYROLL,
    COMPUTE_PAYROLL,
    EXPORT_PAYMENTS,
    RECONCILE_PAYMENTS,
)
from jisr.core import access
from jisr.core.errors import DomainError
from jisr.core.models import Job
from jisr.payments import providers, selectors, services


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            cycle = services.cycle_create(
                actor=request.user,
                programme=request.POST.get("programme", ""),
                month=request.POST.get("month", ""),
            )
        except DomainError as error:
            messages.error(request, str(error.text))
        else:
            return redirect("payments:cycle_detail", cycle_id=cycle.pk)
    cycles = selectors.cycle_list(user=request.user)[:60]
    can_create = access.can(request.user, COMPUTE_PAYROLL)
    return render(request, "payments/cycle_list.html", {"cycles": cycles, "can_create": can_create})


def _jobs(cycle_id: int) -> list[Job]:
    return list(
        Job.objects.filter(kind__startswith="payments.", params__cycle=cycle_id).order_by(
            "-created_at"
        )[:10]
    )


@login_required
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    summary = selectors.cycle_summary(user=request.user, cycle_id=cycle_id)
    user = request.user
    context = {
        "summary": summary,
        "cycle": selectors.cycle_get(user=user, cycle_id=cycle_id),
        "providers": sorted(providers.PROVIDERS),
        "jobs": _jobs(cycle_id),
        "can": {
            "compute": access.can(user, COMPUTE_PAYROLL),
            "approve": access.can(user, APPROVE_PAYROLL),
            "export": access.can(user, EXPORT_PAYMENTS),
            "reconcile": access.can(user, RECONCILE_PAYMENTS),
        },
    }
    return render(request, "payments/cycle_detail.html", context)


@login_required
@require_POST
def cycle_action(request: HttpRequest, cycle_id: int, action: str) -> HttpResponse:
    """payroll, approve, export, reconcile (a file upload), close."""
    user = request.user
    try:
        if action == "payroll":
            job = services.payroll_request(actor=user, cycle_id=cycle_id)
            return redirect("job_detail", job_id=job.pk)
        if action == "export":
            job = services.export_request(
                actor=user, cycle_id=cycle_id, provider=request.POST.get("provider", "")
            )
            return redirect("job_detail", job_id=job.pk)
        if action == "reconcile":
            upload = request.FILES.get("file")
            if upload is None:
                messages.error(request, _("Choose the provider's return file."))
                return redirect("payments:cycle_detail", cycle_id=cycle_id)
            job = services.reconcile_request(
                actor=user, cycle_id=cycle_id, name=upload.name or "return", data=upload.read()
            )
            return redirect("job_detail", job_id=job.pk)
        if action == "approve":
            services.payroll_approve(actor=user, cycle_id=cycle_id)
            messages.success(request, _("Payroll approved: it can no longer change."))
        elif action == "close":
            services.cycle_close(actor=user, cycle_id=cycle_id)
            messages.success(request, _("Cycle closed."))
    except DomainError as error:
        messages.error(request, str(error.text))
    return redirect("payments:cycle_detail", cycle_id=cycle_id)


@login_required
def file_download(request: HttpRequest, cycle_id: int, file_id: int) -> FileResponse:
    record, path = services.provider_file_open(
        actor=request.user, cycle_id=cycle_id, file_id=file_id
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=record.name)
