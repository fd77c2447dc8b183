from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jisr.core import audit
from jisr.registry import selectors


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    region = request.GET.get("region", "")
    households = selectors.household_list(user=request.user, query=query, region=region)
    page = Paginator(households, 25).get_page(request.GET.get("page"))
    # A list shows identifiers and places, no names; still, record who looked at which households.
    audit.read_many(
        actor=request.user, action="registry.household_listed", targets=page.object_list
    )
    return render(
        request,
        "registry/household_list.html",
        {
            "page": page,
            "query": query,
            "region": region,
            "query_string": urlencode({k: v for k, v in (("q", query), ("region", region)) if v}),
        },
    )


@login_required
def household_detail(request: HttpRequest, rsu_id: str) -> HttpResponse:
    detail = selectors.household_get(user=request.user, rsu_id=rsu_id)
    return render(request, "registry/household_detail.html", {"detail": detail})
