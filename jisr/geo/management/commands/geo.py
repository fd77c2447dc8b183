"""`jisr geo load [--regions FILE] [--communes FILE]`: load the territorial division."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.core.rows import InvalidRows
from jisr.geo import services


class Command(BaseCommand):
    help = "Load Morocco's regions (packaged 2024 census file by default) and provinces/communes."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load regions and, optionally, provinces/communes")
        load.add_argument(
            "--regions", type=Path, help="regions CSV (default: packaged census file)"
        )
        load.add_argument("--communes", type=Path, help="communes CSV (see docs/formats.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = services.regions_load(path=options["regions"])
            self.stdout.write(f"regions: {summary.regions}")
            if options["communes"]:
                if not options["communes"].exists():
                    raise CommandError(f"{options['communes']}: no such file")
                summary = services.communes_load(path=options["communes"])
                self.stdout.write(f"provinces: {summary.provinces}  communes: {summary.communes}")
        except InvalidRows as error:
            raise CommandError(str(error)) from error
