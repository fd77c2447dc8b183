"""`jisr token create USERNAME [--name N] [--days D]` prints a new API token (stored hashed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jisr.accounts import services
from jisr.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it (shown once)")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument("--days", type=int, default=None, help="expire after this many days")
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            token = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if token is None:
                raise CommandError(f"no token with prefix {options['prefix']!r}")
            services.token_revoke(token=token, actor=None)
            self.stdout.write(f"revoked {token.prefix}")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        if action == "list":
            for token in user.api_tokens.order_by("created_at"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.prefix}\t{token.name}\t{token.created_at:%Y-%m-%d}\t{state}"
                )
            return
        expires = timezone.now() + dt.timedelta(days=options["days"]) if options["days"] else None
        _token, secret = services.token_create(user=user, name=options["name"], expires_at=expires)
        self.stdout.write(secret)
