"""`jisr payments …` — payment cycles from the command line (docs/cli.md).

cycle-create --programme asd --month YYYY-MM   prints the new cycle's id
payroll CYCLE_ID                                computes (or recomputes) the payroll
approve CYCLE_ID --as USERNAME                  the checker approves (not the maker)
export CYCLE_ID --provider NAME --out DIR       writes the provider's payment order
reconcile CYCLE_ID FILE [--provider NAME]       reads a provider's return file
close CYCLE_ID                                  closes a reconciled cycle
show CYCLE_ID [--format json|text]              status, line count, totals by status

Actions run as the system unless `--as USERNAME` names the person (approve always needs one).
Exit codes: 0 done, 1 refused (the message says why), 2 bad arguments.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jisr.core import faults
from jisr.core.errors import DomainError
from jisr.core.jobs import Progress
from jisr.core.models import Job
from jisr.core.progressbar import ProgressBar
from jisr.payments import selectors, services


class Command(BaseCommand):
    help = "Payment cycles: create, compute the payroll, approve, export, reconcile, close, show."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("cycle-create", help="a new cycle (prints its id)")
        create.add_argument("--programme", required=True, choices=["asd"])
        create.add_argument("--month", required=True, help="YYYY-MM")
        for name, text in (
            ("payroll", "compute the payroll"),
            ("approve", "approve the payroll (a second payment officer)"),
            ("close", "close a reconciled cycle"),
            ("show", "the cycle's status and totals"),
            ("export", "write a provider's payment order"),
            ("reconcile", "read a provider's return file"),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("cycle", type=int, metavar="CYCLE_ID")
            if name == "show":
                sub.add_argument("--format", choices=["json", "text"], default="text")
            if name == "export":
                sub.add_argument("--provider", required=True)
                sub.add_argument("--out", type=Path, required=True)
            if name == "reconcile":
                sub.add_argument("file", type=Path)
                sub.add_argument("--provider", default=None)
            sub.add_argument("--no-progress", action="store_true")
        for sub in actions.choices.values():
            sub.add_argument(
                "--as", dest="user", default=None, required=sub.prog.endswith(" approve")
            )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("No such user: %s") % options["user"])
        action = options["action"]
        bar = None if options.get("no_progress", True) else ProgressBar()
        progress = Progress(job=Job(kind=f"payments.{action}"), listener=bar)
        try:
            result = self._run(action, actor, options, progress)
        except DomainError as error:
            details = error.details.get("problems") if isinstance(error.details, dict) else None
            for problem in (details or [])[:20]:
                self.stderr.write(f"  {problem}")
            raise CommandError(str(error.text)) from error
        finally:
            if bar is not None:
                bar.close()
        faults.point("payments.committed")  # a crash after the work is committed
        self._print(result, options.get("format", "text"))

    def _run(self, action: str, actor: Any, options: dict[str, Any], progress: Progress) -> Any:
        if action == "cycle-create":
            cycle = services.cycle_create(
                actor=actor, programme=options["programme"], month=options["month"]
            )
            return cycle.pk
        cycle_id = options["cycle"]
        if action == "payroll":
            return services.payroll_compute(actor=actor, cycle_id=cycle_id, progress=progress)
        if action == "approve":
            cycle = services.payroll_approve(actor=actor, cycle_id=cycle_id)
            return {"cycle": cycle.pk, "status": cycle.status, "hash": cycle.payroll_hash}
        if action == "close":
            cycle = services.cycle_close(actor=actor, cycle_id=cycle_id)
            return {"cycle": cycle.pk, "status": cycle.status}
        if action == "export":
            return services.payments_export(
                actor=actor,
                cycle_id=cycle_id,
                provider=options["provider"],
                out=options["out"],
                progress=progress,
            )
        if action == "reconcile":
            return services.returns_reconcile(
                actor=actor,
                cycle_id=cycle_id,
                data=options["file"].read_bytes(),
                name=options["file"].name,
                provider=options["provider"],
                progress=progress,
            )
        return selectors.cycle_summary(user=actor, cycle_id=cycle_id)

    def _print(self, result: Any, fmt: str) -> None:
        if hasattr(result, "as_dict"):
            result = result.as_dict()
        if not isinstance(result, dict):
            self.stdout.write(str(result))
        elif fmt == "json":
            self.stdout.write(json.dumps(result, indent=2, default=str))
        else:
            for name, value in result.items():
                self.stdout.write(f"{name}: {value}")
