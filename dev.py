#!/usr/bin/env python3
"""Jisr's quick start: `python3 dev.py demo` runs the platform, `python3 dev.py test`
runs the tests.

Needs only Python 3.11+ (and git to get the code). Creates `.venv/` and installs Jisr into it
on first use, and again whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
USAGE = """usage: python3 dev.py demo [jisr demo options]   run the platform with demo data
       python3 dev.py test [pytest options]      run the whole test suite
       python3 dev.py jisr ARGS...               any jisr command"""


def ensure_installed(extra: str) -> None:
    if not (BIN / "python").exists():
        print("creating the virtual environment in .venv/ ...", flush=True)
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".jisr-installed-{extra or 'base'}-{digest}"
    if stamp.exists():
        return
    tools = f" with its {extra} tools" if extra else ""
    print(
        f"installing Jisr{tools} (first run takes a minute) ...",
        flush=True,
    )
    target = f".[{extra}]" if extra else "."
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([*pip, "-e", target], check=True, cwd=ROOT)
    stamp.touch()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "jisr"}:
        print(USAGE)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "test":
        ensure_installed("dev")
        args = [str(BIN / "python"), "-m", "pytest", "-n", "2", "--dist", "loadfile", *rest]
    else:
        ensure_installed("")
        args = [str(BIN / "jisr"), *(["demo"] if command == "demo" else []), *rest]
    os.chdir(ROOT)
    os.execv(args[0], args)  # noqa: S606  (hand the terminal over to the command)
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
