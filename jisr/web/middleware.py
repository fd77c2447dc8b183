"""Language choice: Arabic unless the person chose otherwise.

Pages follow the language cookie set by the language switch, else the signed-in user's preferred
language, else Arabic (settings.LANGUAGE_CODE) — never the browser's Accept-Language, which on
shared office computers says more about the machine than about the person. The API (machines)
negotiates with Accept-Language as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def page_language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in SUPPORTED:
        return chosen
    user = getattr(request, "user", None)
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    if preferred in SUPPORTED:
        return str(preferred)
    return str(settings.LANGUAGE_CODE)


class LanguageMiddleware:
    """Goes after AuthenticationMiddleware so that the user's preference is known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = page_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
