"""`jisr index calibrate|evaluate` — the illustrative socio-economic index (docs/index.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Calibrate or evaluate the illustrative socio-economic index model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv: list[str]) -> None:
        self._argv = argv[2:]
        super().run_from_argv([*argv[:2]])

    def handle(self, *args: Any, **options: Any) -> None:
        from jisr.rules.index.cli import main

        code = main(getattr(self, "_argv", list(args)))
        if code:
            sys.exit(code)
