"""`jisr worker [--once] [--kind KIND ...]`: run background jobs (imports, exports, batches)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jisr.core import jobs


class Command(BaseCommand):
    help = "Run queued background jobs; with --once, stop when the queue is empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--kind", action="append", default=[], help="only jobs of this kind")

    def handle(self, *args: Any, **options: Any) -> None:
        count = jobs.work(once=options["once"], kinds=tuple(options["kind"]))
        self.stdout.write(f"jobs run: {count}")
