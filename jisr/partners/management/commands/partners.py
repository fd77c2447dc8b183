"""`jisr partners …` — the partner service directory and agreements from the command line.

export-hsds --out DIR          writes DIR/organizations.json: the directory as HSDS 3.0 JSON
                               (organisations with their full services), checked against the
                               HSDS schemas before it is written
import-hsds PATH [--as USER]   reads an HSDS file (or DIR/organizations.json): all or nothing,
                               idempotent by HSDS id; a refused file changes nothing and every
                               problem is printed (object, id, field, why)
overdue-reports [--on DATE]    reports due before DATE (default today) and not submitted

Exit codes: 0 done, 1 refused (the message says why), 2 bad arguments.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.core.errors import DomainError
from jisr.partners import selectors, services
from jisr.partners.hsds import schema
from jisr.partners.services.hsds import DIRECTORY_FILE


class Command(BaseCommand):
    help = "Partner services directory (HSDS 3.0 export and import) and overdue partner reports."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export-hsds", help="write the directory as HSDS JSON")
        export.add_argument("--out", type=Path, required=True, metavar="DIR")
        load = actions.add_parser("import-hsds", help="read an HSDS directory")
        load.add_argument("path", type=Path, metavar="DIR")
        load.add_argument("--as", dest="user", default=None, metavar="USERNAME")
        overdue = actions.add_parser("overdue-reports", help="reports due and not submitted")
        overdue.add_argument("--on", type=dt.date.fromisoformat, default=None, metavar="DATE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "export-hsds":
                self._export(options["out"])
            elif options["action"] == "import-hsds":
                self._import(options["path"], options["user"])
            else:
                self._overdue(options["on"] or timezone.localdate())
        except DomainError as error:
            for line in error.details.get("lines", [])[:200]:
                self.stderr.write(f"  {line}")
            raise CommandError(str(error.text)) from error

    def _export(self, out: Path) -> None:
        documents = selectors.directory_hsds(user=None)
        problems = schema.validate_organizations(documents, prefix=DIRECTORY_FILE)
        if problems:  # never expected: the export is built to the schemas
            for problem in problems[:50]:
                self.stderr.write(f"  {problem}")
            raise CommandError(_("The export does not match the HSDS schemas; nothing written."))
        out.mkdir(parents=True, exist_ok=True)
        path = out / DIRECTORY_FILE
        path.write_text(json.dumps(documents, ensure_ascii=False, indent=2) + "\n", "utf-8")
        services_count = sum(len(document["services"]) for document in documents)
        self.stdout.write(f"organizations: {len(documents)}")
        self.stdout.write(f"services: {services_count}")
        self.stdout.write(f"file: {path}")

    def _import(self, path: Path, username: str | None) -> None:
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(_("No such user: %s") % username)
        summary = services.directory_import_path(actor=actor, path=path)
        for name, counts in summary.as_dict().items():
            self.stdout.write(f"{name}: {counts}")

    def _overdue(self, on: dt.date) -> None:
        dues = selectors.overdue_reports(on=on)
        for due in dues:
            self.stdout.write(
                f"{due.agreement.reference}\t{due.agreement.organization.name_fr}\t"
                f"{due.period_start}–{due.period_end}\t{_('due')} {due.due_date}"
            )
        self.stdout.write(
            _("%(count)s reports overdue on %(day)s") % {"count": len(dues), "day": on}
        )
