"""`jisr workforce expire [--on YYYY-MM-DD]` and `jisr workforce expiring [--days N]`: the daily
accreditation housekeeping (docs/workforce.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jisr.workforce import selectors, services


class Command(BaseCommand):
    help = "Mark past accreditations expired; list the accreditations ending soon."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        expire = sub.add_parser("expire", help="mark granted accreditations past their end expired")
        expire.add_argument("--on", type=dt.date.fromisoformat, help="day (default: today)")
        expiring = sub.add_parser("expiring", help="list granted accreditations ending soon")
        expiring.add_argument("--days", type=int, default=selectors.EXPIRY_WARNING_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "expire":
            count = services.accreditations_expire(on=options["on"])
            self.stdout.write(f"expired: {count}")
            return
        for worker in selectors.expiring_accreditations(days=options["days"]):
            self.stdout.write(
                f"{worker.accreditation_valid_until}  {worker.accreditation_number}  "
                f"{worker.user.get_username()}  {worker.region_id}"
            )
