"""Domain errors raised in views become pages with the right status, never a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jisr.core.errors import AccessDenied, DomainError, NotFound

# Refusals a view lets through, to become the 404 or 403 page (no such record for you; not yours to
# act on), where it shows the other refusals as the service's message on the page.
PAGE_REFUSALS = (NotFound, AccessDenied)


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return render(
                request, "web/error.html", {"error": exception}, status=exception.http_status
            )
        return None
