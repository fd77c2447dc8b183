from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_worker_knows_the_registry_jobs_without_loading_urls(tmp_path: Path) -> None:
    # `jisr worker` never imports the URL configuration: the apps must register their jobs.
    probe = (
        "import django; django.setup(); from jisr.core import jobs; "
        "print(sorted(k for k in jobs._HANDLERS if k.startswith('registry.')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "jisr.config.settings",
            "PATH": "/usr/bin:/bin",
            "JISR_DATA_DIR": str(tmp_path),
        },
    ).stdout
    assert "'registry.dedup'" in output
    assert "'registry.import'" in output
