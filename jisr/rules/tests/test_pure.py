"""`jisr.rules` is pure Python: importing every module of it never imports Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import jisr.rules


def test_no_module_of_jisr_rules_imports_django() -> None:
    modules = [
        name
        for _, name, _ in pkgutil.walk_packages(jisr.rules.__path__, "jisr.rules.")
        if ".tests" not in name and not name.endswith("__main__")
    ]
    assert "jisr.rules.engine" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "", f"Django imported: {done.stdout}"


def test_a_rules_run_does_not_import_the_heavy_libraries() -> None:
    """Calibration (statsmodels) and charts (matplotlib) take seconds to import: a rules run or an
    explanation must not pay for them."""
    code = (
        "import sys\n"
        "import jisr.rules.batch, jisr.rules.cli, jisr.rules.explain, jisr.rules.index\n"
        "print(','.join(m for m in ('statsmodels', 'matplotlib', 'scipy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""
