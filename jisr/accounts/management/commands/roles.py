"""`jisr roles sync`: create the role groups and set their permissions (also runs after migrate)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jisr.accounts.roles import roles_sync


class Command(BaseCommand):
    help = "Create or update the role groups and their permissions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args: Any, **options: Any) -> None:
        for role, count in roles_sync().items():
            self.stdout.write(f"{role}: {count} permissions")
