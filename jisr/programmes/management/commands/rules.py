"""`jisr rules explain|run|simulate` — the rules engine (docs/rules.md, docs/cli.md).

Everything of `python -m jisr.rules`, plus `--population db`: `run` then computes the month's
decisions for every active household of the registry and records them (and the indexes computed);
`simulate` compares a reform with the baseline on the registry.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.core.jobs import Progress
from jisr.core.models import Job
from jisr.core.progressbar import ProgressBar
from jisr.programmes import services
from jisr.rules import cli
from jisr.rules.periods import Month


class Command(BaseCommand):
    help = "The rules engine: explain one household, run a population, simulate a reform."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "args", nargs=argparse.REMAINDER, help="explain|run|simulate and their options"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        argv = list(args)  # the pure CLI owns the options (`python -m jisr.rules` is the same)
        if "--population" in argv and argv[argv.index("--population") + 1 :][:1] == ["db"]:
            self._registry(argv)
            return
        code = cli.main(argv, out=self.stdout)  # type: ignore[arg-type]
        if code:
            sys.exit(code)

    def _registry(self, argv: list[str]) -> None:
        options = cli.parser().parse_args([a if a != "db" else "." for a in argv])
        month = Month.parse(options.month)
        if options.action == "run":
            bar = ProgressBar()
            progress = Progress(job=Job(kind="programmes.decisions"), listener=bar)
            try:
                summary = services.decisions_compute(month=month, progress=progress)
            finally:
                bar.close()
            for name, value in summary.as_dict().items():
                self.stdout.write(f"{name}: {value}")
            return
        if options.action == "simulate":
            out = options.out or Path(tempfile.mkdtemp(prefix="jisr-simulation-"))
            result = services.simulation_run(
                month=month, reform_text=options.reform.read_text(encoding="utf-8"), out=out
            )
            for name, value in result["summary"].items():
                self.stdout.write(f"{name}: {value}")
            self.stdout.write(f"tables and charts: {out}")
            return
        raise CommandError("--population db is for run and simulate")
