"""`jisr index calibrate|evaluate` — the illustrative socio-economic index (docs/index.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Calibrate or evaluate the illustrative socio-economic index model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs=argparse.REMAINDER, help="calibrate|evaluate …")

    def handle(self, *args: Any, **options: Any) -> None:
        from jisr.rules.index.cli import main

        code = main(list(args))
        if code:
            sys.exit(code)
