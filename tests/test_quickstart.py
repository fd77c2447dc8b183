"""The README's first command end to end: `jisr demo` on the embedded SQLite database, via gunicorn.

Runs the real command in a subprocess with a fresh data directory and no JISR_* configuration (as on
a fresh machine), with a small population so that it stays quick.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

JISR = str(Path(sys.executable).with_name("jisr"))
HOUSEHOLDS = "400"


def fresh_environment(data_dir: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JISR_", "DJANGO_"))}
    environment["JISR_DATA_DIR"] = str(data_dir)
    return environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data_dir = tmp_path_factory.mktemp("demo")
    environment = fresh_environment(data_dir)
    prepared = subprocess.run(
        [JISR, "demo", "--households", HOUSEHOLDS, "--no-serve"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    port = free_port()
    server = subprocess.Popen(
        [JISR, "demo", "--households", HOUSEHOLDS, "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Bounded: up to ~60 s for the second run and gunicorn to start.
        for _attempt in range(300):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(
                        f"jisr demo exited: {server.stdout.read() if server.stdout else ''}"
                    )
                time.sleep(0.2)
        else:
            pytest.fail("the demo server did not answer /healthz")
        yield base, prepared.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_demo_prints_the_logins_and_is_idempotent(demo_server: tuple[str, str]) -> None:
    _base, output = demo_server
    assert "http://127.0.0.1:8000/" in output
    for username in (
        "admin",
        "manager",
        "payer",
        "worker.casa",
        "worker.oriental",
        "supervisor",
        "partner",
        "auditor",
    ):
        assert re.search(rf"^\s+{re.escape(username)}\s", output, re.MULTILINE), username
    assert f"{HOUSEHOLDS} households" in output


def test_demo_serves_arabic_pages_through_gunicorn_and_logs_in(
    demo_server: tuple[str, str],
) -> None:
    base, output = demo_server
    password = re.search(r"password: (\S+)", output)
    assert password is not None
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/accounts/login/") as response:
        page = response.read().decode()
        assert response.headers["Server"].startswith("gunicorn")
        assert "Content-Security-Policy" in response.headers
    assert '<html lang="ar" dir="rtl">' in page
    # Static files are served by whitenoise with hashed, cacheable names.
    stylesheet = re.search(
        r'href="(/static/vendor/bootstrap-5\.3\.9/bootstrap\.rtl\.min\.[0-9a-f]+\.css)"', page
    )
    assert stylesheet is not None
    with opener.open(f"{base}{stylesheet.group(1)}") as response:
        assert response.status == 200
        assert "max-age" in response.headers["Cache-Control"]
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = urllib.parse.urlencode(
        {
            "username": "worker.casa",
            "password": password.group(1),
            "csrfmiddlewaretoken": token,
        }
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    with opener.open(request) as response:
        home = response.read().decode()
    assert 'id="current-user">worker.casa<' in home
    with opener.open(f"{base}/households/") as response:
        listing = response.read().decode()
    # The Casablanca-Settat social worker sees households, all of them in her region.
    assert re.search(r'href="/households/\d{10}/"', listing)
    assert "الشرق" not in listing  # L'Oriental, outside her scope
