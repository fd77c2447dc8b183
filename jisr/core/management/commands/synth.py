"""`jisr synth --households N --seed S --out DIR [--format parquet|csv]` (see jisr.synth.cli)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.synth import cli


class Command(BaseCommand):
    help = "Generate a census-calibrated synthetic population (households and persons files)."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.build_parser(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        import argparse

        status = cli.run(argparse.Namespace(**options))
        if status:
            raise CommandError(f"synth failed (exit status {status})")
