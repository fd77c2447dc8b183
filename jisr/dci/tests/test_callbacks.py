"""The callback allow-list (no SSRF) and delivery without redirects."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jisr.dci import callbacks

BASES = ["https://spmis.example.org/dci/", "http://127.0.0.1:8080/"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://spmis.example.org/dci/on-search", True),
        ("https://SPMIS.example.org:443/dci/x/on-search", True),
        ("http://127.0.0.1:8080/anything", True),
        ("https://spmis.example.org/dcix/on-search", False),  # not under the path
        ("https://spmis.example.org/dci/../admin", False),
        ("http://spmis.example.org/dci/on-search", False),  # other scheme
        ("https://spmis.example.org:8443/dci/on-search", False),  # other port
        ("https://spmis.example.org.evil.test/dci/", False),
        ("https://user:pw@spmis.example.org/dci/", False),
        ("http://127.0.0.1:8081/", False),
        ("http://localhost:8080/", False),
        ("ftp://spmis.example.org/dci/", False),
        ("https://spmis.example.org/dci/\non-search", False),
        ("not a url", False),
        ("", False),
    ],
)
def test_allow_list(url: str, allowed: bool) -> None:
    assert callbacks.allowed(url, BASES) is allowed


@pytest.fixture
def redirecting_server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/internal")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_a_redirect_is_not_followed(redirecting_server: tuple[str, list[str]]) -> None:
    base, hits = redirecting_server
    with pytest.raises(callbacks.CallbackFailed, match="302"):
        callbacks.deliver(url=f"{base}/cb", body={"a": 1}, bases=[base + "/"], timeout=5)
    assert hits == ["/cb"]


def test_delivery_to_a_url_not_allowed_is_refused_before_any_connection() -> None:
    with pytest.raises(callbacks.CallbackRefused):
        callbacks.deliver(url="http://10.0.0.1/", body={}, bases=BASES, timeout=1)
