"""Fault injection for crash-safety tests: `point(name)` kills this process (SIGKILL, as a power
cut or an OOM kill would) the N-th time it is reached, when the environment asks for it.

`JISR_FAULT=name:N` (e.g. `payroll.staged:1`, `bulk.copy:3`); unset in production, where `point`
is one dictionary lookup. Tests run the real command in a child process with the variable set,
then run it again without it and check the invariants.
"""

from __future__ import annotations

import os
import signal

_WANTED = os.environ.get("JISR_FAULT", "")
_NAME, _, _COUNT = _WANTED.partition(":")
_HITS: dict[str, int] = {}


def point(name: str) -> None:
    """A place where the process may die in a crash-safety test."""
    if not _WANTED or name != _NAME:
        return
    _HITS[name] = _HITS.get(name, 0) + 1
    if _HITS[name] >= int(_COUNT or 1):
        os.kill(os.getpid(), signal.SIGKILL)
