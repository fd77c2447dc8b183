"""Callbacks to requesters (`on-search`, `txn/on-status`), only to URLs their sender allow-lists.

A requester names where answers go (`header.sender_uri`); letting it name any URL would let it make
the registry send requests into the internal network (SSRF). So the URL must share scheme, host and
port with one of the sender's allowed base URLs and lie under its path; no credentials in the URL,
no redirects followed, no proxy from the environment.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any
from urllib.parse import SplitResult, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


class CallbackRefused(Exception):
    """The URL is not on the sender's allow-list (or is not a plain http(s) URL)."""


class CallbackFailed(Exception):
    """The requester's endpoint could not be reached or did not answer 2xx."""


def _parts(url: str) -> SplitResult | None:
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url) or "\\" in url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    if port is not None and not 0 < port < 65536:
        return None
    return parts


def _port(parts: SplitResult) -> int:
    return parts.port or DEFAULT_PORTS[parts.scheme]


def _under(path: str, base: str) -> bool:
    if not base or base == "/":
        return True
    base = base.rstrip("/")
    return path == base or path.startswith(base + "/")


def allowed(url: str, bases: Iterable[str]) -> bool:
    """Whether `url` lies under one of `bases` (same scheme, host and port; path below)."""
    target = _parts(url)
    if target is None or ".." in target.path.split("/"):
        return False
    for base in bases:
        root = _parts(base)
        if root is None:
            continue
        same_origin = (
            root.scheme == target.scheme
            and (root.hostname or "").lower() == (target.hostname or "").lower()
            and _port(root) == _port(target)
        )
        if same_origin and _under(target.path or "/", root.path):
            return True
    return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is then an HTTPError: an allowed host cannot bounce us elsewhere


def deliver(*, url: str, body: dict[str, Any], bases: Iterable[str], timeout: float) -> int:
    """POST `body` as JSON to `url`; the HTTP status. CallbackRefused / CallbackFailed otherwise."""
    if not allowed(url, bases):
        raise CallbackRefused(url)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    request = urllib.request.Request(  # noqa: S310  (scheme checked above: http or https only)
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        raise CallbackFailed(f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise CallbackFailed(str(error)) from error
    if not 200 <= status < 300:
        raise CallbackFailed(f"HTTP {status}")
    return status
