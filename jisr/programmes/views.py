"""The programmes' pages: a household's explanation for a month."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from jisr.programmes import selectors
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
