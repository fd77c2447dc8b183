"""jisr.synth is pure Python: importing it (and its command line) loads no Django."""

from __future__ import annotations

import subprocess
import sys


def test_synth_imports_no_django() -> None:
    code = (
        "import sys, jisr.synth, jisr.synth.cli; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
