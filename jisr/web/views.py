from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import select_template
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from jisr.accounts import services as accounts
from jisr.accounts.roles import VIEW_AUDIT
from jisr.core import access
from jisr.core.errors import AccessDenied, NotFound
from jisr.core.jobs import job_progress, kind_label
from jisr.core.models import AuditEvent, Job
from jisr.geo.selectors import region_list


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise (for load balancers and the demo script)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = access.user_scope(user)
    regions = [r for r in region_list() if scope.covers(region=r.code)]
    return render(request, "web/home.html", {"scope": scope, "regions": regions})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, VIEW_AUDIT):
        raise AccessDenied()
    events = AuditEvent.objects.select_related(None).order_by("-occurred_at", "-id")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit_log.html", {"page": page, "action": action})


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the signed-in user's profile."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {code for code, _ in settings.LANGUAGES}:
        accounts.user_language_set(user=request.user, language=language)
    return response


def _job_visible(request: HttpRequest, job_id: int) -> Job:
    """A job is visible to whoever started it, and to auditors/administrators (audit right)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (
        job.created_by_id == request.user.pk or access.can(request.user, VIEW_AUDIT)
    ):
        raise NotFound()
    return job


# Parts of a job's result that are not figures: said otherwise on the page (the failure's message,
# a kind's own fragment), or for machines.
_NOT_FIGURES = frozenset({"message", "code", "refused", "details", "report"})


def _job_figures(job: Job) -> list[tuple[str, object]]:
    """The counts and values a job's result holds, each under its name, for the job's page."""
    return [
        (key, value)
        for key, value in (job.result or {}).items()
        if key not in _NOT_FIGURES and isinstance(value, (int, float, str)) and value != ""
    ]


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """A background job's progress (done/total, rate, ETA), refreshed by htmx while it runs."""
    job = _job_visible(request, job_id)
    # A job kind may bring its own progress fragment (e.g. a link to an import's error report).
    fragment = select_template([f"jobs/{job.kind}.html", "web/job_progress.html"])
    context = {
        "job": job,
        "progress": job_progress(job),
        "fragment": fragment.template.name,
        "kind_label": kind_label(job.kind),
        "figures": _job_figures(job),
        # A failure's traceback is for those who read the records, not for the requester.
        "show_trace": access.can(request.user, VIEW_AUDIT),
    }
    if request.headers.get("HX-Request"):
        return render(request, context["fragment"], context)
    return render(request, "web/job.html", context)
