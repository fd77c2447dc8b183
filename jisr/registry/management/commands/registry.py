"""`jisr registry import DIR` (bulk import, docs/formats.md) and `jisr registry dedup`."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jisr.core.errors import DomainError
from jisr.core.jobs import Progress
from jisr.core.models import Job
from jisr.core.progressbar import ProgressBar
from jisr.registry.importer import ImportRejected, registry_import

SHOWN_ERRORS = 20


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("Not a date (YYYY-MM-DD): %s") % text) from error


class Command(BaseCommand):
    help = "Registry operations: import households and persons files (CSV, XLSX or Parquet)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import DIR/households.* and DIR/persons.*")
        load.add_argument("directory", type=Path)
        load.add_argument(
            "--skip-invalid",
            action="store_true",
            help="write the valid households; reject (and report) households with invalid rows",
        )
        load.add_argument(
            "--report", type=Path, help="error report CSV (default: DIR/import-errors.csv)"
        )
        load.add_argument("--effective", help="date the memberships start (default: today)")
        load.add_argument("--reason", default="", help="recorded in each household's history")
        load.add_argument(
            "--user", help="import as this user (their scope applies; default: the system)"
        )
        load.add_argument("--no-progress", action="store_true", help="no progress bar")
        load.add_argument(
            "--bulk-load",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="PostgreSQL: build the registry's indexes after writing, holding exclusive "
            "locks until the end (default: only when the import at least doubles the registry)",
        )
        dedup = sub.add_parser(
            "dedup", help="find probable duplicate persons; queue them for review"
        )
        dedup.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="minimum match probability (default: the pipeline's)",
        )
        dedup.add_argument(
            "--retrain", action="store_true", help="train the model again on the current registry"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "dedup":
            self._dedup(options)
            return
        directory: Path = options["directory"]
        report = options["report"] or directory / "import-errors.csv"
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("No such user: %s") % options["user"])
        bar = None if options["no_progress"] else ProgressBar()
        progress = Progress(job=Job(kind="registry.import"), listener=bar)
        try:
            result = registry_import(
                directory=directory,
                actor=actor,
                skip_invalid=options["skip_invalid"],
                effective=_date(options["effective"]) if options["effective"] else None,
                reason=options["reason"],
                report=report,
                progress=progress,
                bulk_load=options["bulk_load"],
            )
        except ImportRejected as error:
            self._errors(error.errors, error.job_result or {}, error.report)
            raise CommandError(str(error.text)) from error
        except DomainError as error:
            raise CommandError(str(error.text)) from error
        finally:
            if bar is not None:
                bar.close()
        for name, value in result.as_dict().items():
            if name != "report":
                self.stdout.write(f"{name}: {value:,}")
        if result.report:
            self.stdout.write(_("rejected rows: see %s") % result.report)

    def _errors(self, errors: list[Any], result: dict[str, Any], report: str) -> None:
        for error in errors[:SHOWN_ERRORS]:
            self.stderr.write(f"  {error}")
        total = result.get("errors", len(errors))
        if total > SHOWN_ERRORS:
            self.stderr.write("  " + _("… and %d more") % (total - SHOWN_ERRORS))
        if report:
            self.stderr.write(
                _("%(count)d errors; report: %(path)s") % {"count": total, "path": report}
            )

    def _dedup(self, options: dict[str, Any]) -> None:
        # Imported here: Splink and DuckDB are heavy, and only this subcommand needs them.
        from jisr.registry.dedup.pipeline import DEFAULT_THRESHOLD
        from jisr.registry.services.dedup_run import duplicates_find

        bar = ProgressBar()
        progress = Progress(job=Job(kind="registry.dedup"), listener=bar)
        try:
            result = duplicates_find(
                threshold=options["threshold"] or DEFAULT_THRESHOLD,
                retrain=options["retrain"],
                progress=progress,
            )
        finally:
            bar.close()
        for name, value in result.items():
            self.stdout.write(f"{name}: {value}")
