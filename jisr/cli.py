"""The `jisr` console command: Django's management commands with Jisr's settings preset.

Messages are in the operator's language: `JISR_LANGUAGE` (ar, fr, en) if set, else the locale's
language (`LC_ALL`, `LC_MESSAGES`, `LANG`, e.g. `fr_MA.UTF-8`), else English.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

SUPPORTED = ("ar", "fr", "en")


def cli_language(environ: Mapping[str, str]) -> str:
    for name in ("JISR_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        code = environ.get(name, "").split("_")[0].split(".")[0].lower()
        if code in SUPPORTED:
            return code
    return "en"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.config.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.utils import translation

    django.setup()
    translation.activate(cli_language(os.environ))
    execute_from_command_line(["jisr", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
